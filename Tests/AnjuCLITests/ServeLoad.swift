import Foundation
import Harness
import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

// The client side of `ServeProcessTests`: a load of raw HTTP clients, each request recorded
// with when it started, was sent and finished, and one-shot probes.

/// Nanoseconds on the monotonic clock, to order samples against the test's steps.
enum Monotonic {
    static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }
    static func seconds(from start: UInt64, to end: UInt64) -> Double { Double(Int64(end) - Int64(start)) / 1e9 }
}

// MARK: - Load

/// One request as a client saw it.
struct Sample: Sendable {
    var client: Int
    /// Before connecting (or before sending, on a kept-alive connection).
    var started: UInt64
    /// When the request's last byte was written; nil when it never was.
    var sent: UInt64?
    var finished: UInt64
    var outcome: ProbeOutcome

    var seconds: Double { Monotonic.seconds(from: started, to: finished) }
}

/// `clients` threads sending `request` in a loop, each on a connection of its own per
/// request (`keepAlive` false) or on one kept-alive connection, reconnecting when the
/// server closes it, until stopped or the port refuses.
final class Load: Sendable {
    let port: Int
    let clients: Int
    let keepAlive: Bool
    let request: LoopbackHTTP.Request
    private let samples = Mutex<[Sample]>([])
    private let stopping = Mutex(false)
    private let running = DispatchGroup()

    init(port: Int, clients: Int, keepAlive: Bool, request: LoopbackHTTP.Request) {
        self.port = port
        self.clients = clients
        self.keepAlive = keepAlive
        self.request = request
    }

    func start() {
        for client in 0..<clients {
            running.enter()
            Thread.detachNewThread { [self] in
                defer { running.leave() }
                run(client)
            }
        }
    }

    /// Tells the clients to stop after the request in hand, without waiting: for a test
    /// that ends early (`defer`), so no client outlives it.
    func halt() { stopping.withLock { $0 = true } }

    /// Stops the clients (each finishes its request in hand, bounded by the read timeout)
    /// and returns every sample in start order.
    func stop() async throws -> [Sample] {
        halt()
        let finished = try await onOwnThread { [running] in running.wait(timeout: .now() + 15) == .success }
        guard finished else { throw ServeProcessError("load clients did not stop within 15 s") }
        return samples.withLock { $0 }.sorted { $0.started < $1.started }
    }

    private func run(_ client: Int) {
        var connection: LoopbackHTTP?
        while !stopping.withLock({ $0 }) {
            let started = Monotonic.now
            var sent: UInt64?
            let outcome: ProbeOutcome
            do {
                if connection == nil { connection = try LoopbackHTTP(port: port, timeoutSeconds: 10) }
                try connection!.send(request, keepAlive: keepAlive)
                sent = Monotonic.now
                outcome = .reply(try connection!.receive())
                if !keepAlive { connection = nil }
            } catch let failure as LoopbackHTTP.Failure {
                outcome = .failed(failure)
                connection = nil
            } catch {
                outcome = .failed(.socket("\(error)"))
                connection = nil
            }
            samples.withLock { $0.append(Sample(client: client, started: started, sent: sent, finished: Monotonic.now, outcome: outcome)) }
            if case .failed(.refused) = outcome, keepAlive { return }  // the server is gone
            if case .failed = outcome { usleep(5_000) }
        }
    }
}

// MARK: - Probes

/// What a client got for one request: a complete response, or why none came.
enum ProbeOutcome: Sendable, CustomStringConvertible {
    case reply(LoopbackHTTP.Response)
    case failed(LoopbackHTTP.Failure)

    var status: Int? { if case .reply(let reply) = self { reply.status } else { nil } }

    var description: String {
        switch self {
        case .reply(let r) where r.status == 200: "200"
        case .reply(let r): "\(r.status) \(r.contentType ?? "no content type") \(r.problemCode ?? "no code")"
        case .failed(let failure): failure.description
        }
    }
}

/// One-shot requests.
enum ProbeClient {
    /// `request` on a fresh connection, `Connection: close`.
    static func request(port: Int, _ request: LoopbackHTTP.Request) -> ProbeResult {
        do {
            let connection = try LoopbackHTTP(port: port, timeoutSeconds: 10)
            try connection.send(request, keepAlive: false)
            return ProbeResult(outcome: .reply(try connection.receive()))
        } catch let failure as LoopbackHTTP.Failure {
            return ProbeResult(outcome: .failed(failure))
        } catch {
            return ProbeResult(outcome: .failed(.socket("\(error)")))
        }
    }
}

struct ProbeResult: Sendable {
    var outcome: ProbeOutcome
    var reply: LoopbackHTTP.Response? { if case .reply(let r) = outcome { r } else { nil } }
    var failure: LoopbackHTTP.Failure? { if case .failed(let f) = outcome { f } else { nil } }
    var summary: String {
        guard let reply else { return outcome.description }
        return "\(reply.status) \(reply.contentType ?? "-") \(String(decoding: reply.body.prefix(300), as: UTF8.self))"
    }
}
