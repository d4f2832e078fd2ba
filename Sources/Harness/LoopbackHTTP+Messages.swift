import Foundation

extension LoopbackHTTP {
    /// One request, written byte for byte as given: no client library in between.
    public struct Request: Sendable {
        /// "GET", "PUT", …: written as given, so a test may send what no library would.
        public var method: String
        /// The request target, query included.
        public var path: String
        /// Sent in name order, after `Host` (and `Content-Length` when there is a body).
        public var headers: [String: String]
        /// Sent after the head, with its Content-Length.
        public var body: [UInt8]

        /// A request; by default a GET without a body.
        public init(method: String = "GET", path: String, headers: [String: String] = [:], body: [UInt8] = []) {
            self.method = method
            self.path = path
            self.headers = headers
            self.body = body
        }

        /// A request whose body is UTF-8 text (a JSON document, a form).
        public init(method: String, path: String, headers: [String: String] = [:], body: String) {
            self.init(method: method, path: path, headers: headers, body: Array(body.utf8))
        }
    }

    /// A complete response.
    public struct Response: Sendable {
        /// The status line's code.
        public var status: Int
        /// Header names lowercased.
        public var headers: [String: String]
        /// The body as received, de-chunked.
        public var body: [UInt8]

        init(status: Int, headers: [String: String], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// `Content-Type`, to tell a problem document from anything else.
        public var contentType: String? { headers["content-type"] }

        /// The body as a JSON object, nil when it is not one.
        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }

        /// The `code` of a problem body (RFC 9457 with Anju's stable codes).
        public var problemCode: String? { json?["code"] as? String }
    }

    /// Why no complete response came: what a test of a server under stress tells apart.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Nothing listens on the port.
        case refused
        /// The connection was reset (RST), or broke while the request was written.
        case reset
        /// No complete response within the timeout.
        case timedOut
        /// The server closed the connection before sending any of the response.
        case closedBeforeResponse
        /// The server closed the connection part-way through the response.
        case truncated
        /// Not HTTP/1.x as this client reads it (what, quoted).
        case malformed(String)
        /// Any other socket error, with the call and its errno text.
        case socket(String)

        /// Short, for counting outcomes in a test's report ("reset", "truncated").
        public var description: String {
            switch self {
            case .refused: "refused"
            case .reset: "reset"
            case .timedOut: "timed out"
            case .closedBeforeResponse: "closed before a response"
            case .truncated: "truncated"
            case .malformed(let what): "malformed (\(what))"
            case .socket(let what): "socket error (\(what))"
            }
        }
    }
}
