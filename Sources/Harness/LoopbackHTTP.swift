import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking HTTP/1.1 connection to 127.0.0.1 over a raw socket, for the benchmarks and the
/// tests that drive `anju serve` as a process. Raw, so that a reset or a cut-off response
/// cannot hide in a client library's retries, and every failure is classified (`Failure`).
/// Reads responses with Content-Length, chunked bodies, or up to the close; a connection is
/// kept alive unless a request asks otherwise. One thread at a time.
public final class LoopbackHTTP {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`. `timeoutSeconds` bounds each send and receive (a
    /// `Failure.timedOut`); nil waits as long as the server takes.
    public init(port: Int, timeoutSeconds: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.socket("socket: \(String(cString: strerror(errno)))") }
        if let timeoutSeconds {
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            // No close here: an initializer that throws once every property is set still
            // runs deinit, and closing twice could close another thread's new socket.
            let code = errno
            throw code == ECONNREFUSED ? Failure.refused : Failure.socket("connect 127.0.0.1:\(port): \(String(cString: strerror(code)))")
        }
    }

    deinit { Glibc.close(fd) }

    /// Sends `request` and reads its response.
    public func exchange(_ request: Request, keepAlive: Bool = true) throws -> Response {
        try send(request, keepAlive: keepAlive)
        return try receive()
    }

    /// Writes `request` (with `Connection: close` unless `keepAlive`).
    public func send(_ request: Request, keepAlive: Bool = true) throws {
        var text = "\(request.method) \(request.path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if !request.body.isEmpty || !["GET", "HEAD"].contains(request.method) { text += "Content-Length: \(request.body.count)\r\n" }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        if !keepAlive { text += "Connection: close\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8) + request.body
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + written, $0.count - written, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EPIPE || code == ECONNRESET { throw Failure.reset }
                if code == EAGAIN || code == EWOULDBLOCK { throw Failure.timedOut }
                throw Failure.socket("send: \(String(cString: strerror(code)))")
            }
            written += n
        }
    }

    /// Reads one complete response.
    public func receive() throws -> Response {
        var received = 0  // bytes of this response seen, to tell "closed before" from "cut short"
        func fill() throws -> Bool {
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
                if n > 0 {
                    buffer.append(contentsOf: chunk[..<n])
                    received += n
                    return true
                }
                if n == 0 { return false }
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { throw Failure.timedOut }
                if code == ECONNRESET { throw Failure.reset }
                throw Failure.socket("recv: \(String(cString: strerror(code)))")
            }
        }
        func closed() -> Failure { received == 0 && buffer.isEmpty ? .closedBeforeResponse : .truncated }

        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer).map { $0 + 4 }
            if headEnd == nil, try !fill() { throw closed() }
        }
        let lines = String(decoding: buffer[..<(headEnd! - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Failure.malformed("status line \(lines[0].debugDescription)")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed("header \(line.debugDescription)") }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        buffer.removeFirst(headEnd!)
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                var lineEnd = Self.find([13, 10], in: buffer)
                while lineEnd == nil {
                    guard try fill() else { throw closed() }
                    lineEnd = Self.find([13, 10], in: buffer)
                }
                let sizeText = String(decoding: buffer[..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                    throw Failure.malformed("chunk size \(sizeText.debugDescription)")
                }
                while buffer.count < lineEnd! + 2 + size + 2 {
                    guard try fill() else { throw closed() }
                }
                body += buffer[(lineEnd! + 2)..<(lineEnd! + 2 + size)]
                buffer.removeFirst(lineEnd! + 2 + size + 2)
                if size == 0 { break }  // no trailers from this server
            }
        } else if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText) else { throw Failure.malformed("content-length \(lengthText)") }
            while buffer.count < length {
                guard try fill() else { throw closed() }
            }
            body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else {
            while try fill() {}
            body = buffer
            buffer = []
        }
        return Response(status: status, headers: headers, body: body)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }
}
