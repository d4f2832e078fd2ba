/// A token bucket per client, in a table of bounded size: the arithmetic of the rate limit,
/// with time passed in (seconds on a monotonic clock), so tests step it exactly.
///
/// Each client's bucket holds up to `burst` tokens, starts full and refills at
/// `perSecond`; a request takes one or is refused with the seconds until one is back.
/// A bucket that has refilled to full says nothing a new bucket would not, so the least
/// recently used buckets are dropped once full (checked from the old end of the recency
/// list, a few per request) — and, whatever their state, when the table holds `maxClients`
/// and a new client arrives. Memory is therefore at most `maxClients` entries (about 70
/// bytes each with the index) however many addresses a flood uses; the price of the cap is
/// that a flood of more than `maxClients` distinct clients within one refill time can give
/// the oldest of them a fresh bucket early.
struct TokenBuckets {
    /// What a request gets.
    enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; a token is back after this many whole seconds (at least 1).
        case limited(retryAfter: Int)
    }

    private struct Entry {
        var client: ClientAddress
        var tokens: Double
        var updated: Double
        /// Neighbours in the recency list (-1: none): `older` towards `oldest`.
        var older: Int32
        var newer: Int32
    }

    let burst: Double
    let perSecond: Double
    let maxClients: Int
    private var index: [ClientAddress: Int32] = [:]
    private var entries: [Entry] = []
    private var unused: [Int32] = []
    private var oldest: Int32 = -1
    private var newest: Int32 = -1

    init(burst: Int, perSecond: Double, maxClients: Int) {
        precondition(burst >= 1 && perSecond > 0 && maxClients >= 1)
        self.burst = Double(burst)
        self.perSecond = perSecond
        self.maxClients = maxClients
    }

    /// Buckets held now.
    var count: Int { index.count }

    /// Takes a token from `client`'s bucket at time `now`.
    mutating func take(_ client: ClientAddress, now: Double) -> Decision {
        dropFull(now: now)
        let slot: Int32
        if let found = index[client] {
            slot = found
            let e = entries[Int(slot)]
            entries[Int(slot)].tokens = min(burst, e.tokens + max(0, now - e.updated) * perSecond)
            entries[Int(slot)].updated = max(e.updated, now)
            unlink(slot)
        } else {
            if index.count >= maxClients { remove(oldest) }
            let fresh = Entry(client: client, tokens: burst, updated: now, older: -1, newer: -1)
            if let reused = unused.popLast() {
                slot = reused
                entries[Int(slot)] = fresh
            } else {
                slot = Int32(entries.count)
                entries.append(fresh)
            }
            index[client] = slot
        }
        linkNewest(slot)
        if entries[Int(slot)].tokens >= 1 {
            entries[Int(slot)].tokens -= 1
            return .allowed
        }
        let wait = (1 - entries[Int(slot)].tokens) / perSecond
        return .limited(retryAfter: max(1, Int(wait.rounded(.up))))
    }

    /// Drops up to a few of the least recently used buckets that are full again at `now`
    /// (a few per call keeps every call short; each bucket is dropped once, so the table
    /// still shrinks as fast as it grows).
    private mutating func dropFull(now: Double) {
        for _ in 0..<4 {
            guard oldest >= 0 else { return }
            let e = entries[Int(oldest)]
            guard e.tokens + (now - e.updated) * perSecond >= burst else { return }
            remove(oldest)
        }
    }

    private mutating func remove(_ slot: Int32) {
        guard slot >= 0 else { return }
        unlink(slot)
        index[entries[Int(slot)].client] = nil
        unused.append(slot)
    }

    private mutating func unlink(_ slot: Int32) {
        let e = entries[Int(slot)]
        if e.older >= 0 { entries[Int(e.older)].newer = e.newer } else if oldest == slot { oldest = e.newer }
        if e.newer >= 0 { entries[Int(e.newer)].older = e.older } else if newest == slot { newest = e.older }
        entries[Int(slot)].older = -1
        entries[Int(slot)].newer = -1
    }

    private mutating func linkNewest(_ slot: Int32) {
        entries[Int(slot)].older = newest
        entries[Int(slot)].newer = -1
        if newest >= 0 { entries[Int(newest)].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}
