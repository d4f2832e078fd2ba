import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A one-connection server on 127.0.0.1 that reads one request and answers with `reply`'s
/// bytes exactly as given, then closes: so a test can hand `LoopbackHTTP` a chunked body, a
/// cut-off answer or nothing at all, and see what the client wrote.
final class CannedServer: Sendable {
    let port: Int
    private let listener: Int32
    private let request = Locked<[UInt8]>([])

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw CocoaError(.fileReadUnknown)
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(listener) }

    /// Accepts one connection on a thread of its own, reads the request (head and any
    /// Content-Length body), writes `reply` and closes.
    func answer(with reply: [UInt8]) {
        Thread.detachNewThread { [self] in
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while !Self.complete(received) {
                let n = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress!, $0.count, 0) }
                guard n > 0 else { break }
                received += chunk[..<n]
            }
            request.withLock { $0 = received }
            _ = reply.withUnsafeBytes { send(connection, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// The request as the client wrote it.
    var requestText: String { String(decoding: request.value, as: UTF8.self) }

    private static func complete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return false }
        let length = text[..<headEnd.lowerBound].split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        return text.utf8.count - text[..<headEnd.upperBound].utf8.count >= length
    }
}
