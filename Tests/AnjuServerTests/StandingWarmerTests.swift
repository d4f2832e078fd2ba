import Foundation
import Logging
import Store
import Testing

@testable import AnjuServer

/// The warmer builds the newest run round's standing book before any status asks for it,
/// and picks up a round run later (by another process) on its next look.
@Suite("Where you stand: books built ahead of the first request")
struct StandingWarmerTests {
    @Test("the newest run round is built at the first look; a draft round is not; a newer run round on the next")
    func warmsNewest() async throws {
        let f = try ServerFixture.make("standing_warm")
        let pool = ConnectionPool<DatabaseSession>.sessions(f.configuration)
        let cache = StandingCache()
        let warmer = StandingWarmer(cache: cache, pool: pool, interval: .seconds(3600), logger: quietLogger())
        #expect(await !cache.isReady(round: "R1"))
        await warmer.warmNewest()
        #expect(await cache.isReady(round: "R1"))
        // A draft round is not run: nothing to build, R1 stays the newest.
        _ = try f.store().createRound(id: "R2", policy: Array(ServerFixture.policyJSON.utf8))
        await warmer.warmNewest()
        #expect(await !cache.isReady(round: "R2"))
        // Run it (as `anju round run` in another process would): the next look builds it.
        _ = try f.store().runRound("R2")
        await warmer.warmNewest()
        #expect(await cache.isReady(round: "R2"))
        // A built book is what a status then gets: the same as one built on demand.
        let warmed = try await cache.standing(of: f.unmatched, round: "R1", pool: pool)
        let fresh = try await StandingCache().standing(of: f.unmatched, round: "R1", pool: pool)
        #expect(warmed != nil)
        #expect(warmed == fresh)
        try await pool.shutdown()
    }

    @Test("with the database away, a look builds nothing, keeps nothing, and the next look recovers")
    func databaseAway() async throws {
        let f = try ServerFixture.make("standing_warm_away")
        var away = f.configuration
        away.databaseURL = "postgresql://127.0.0.1:1/none"
        away.acquireTimeout = .milliseconds(500)
        let deadPool = ConnectionPool<DatabaseSession>.sessions(away)
        let cache = StandingCache()
        await StandingWarmer(cache: cache, pool: deadPool, interval: .seconds(3600), logger: quietLogger()).warmNewest()
        #expect(await !cache.isReady(round: "R1"))
        let pool = ConnectionPool<DatabaseSession>.sessions(f.configuration)
        await StandingWarmer(cache: cache, pool: pool, interval: .seconds(3600), logger: quietLogger()).warmNewest()
        #expect(await cache.isReady(round: "R1"))
        try await deadPool.shutdown()
        try await pool.shutdown()
    }
}
