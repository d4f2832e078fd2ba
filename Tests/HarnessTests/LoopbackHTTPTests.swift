import Harness
import Testing

/// The loopback client reads what a server sends, however it frames it, and says why when
/// no complete answer came: the serve tests count on telling these apart.
@Suite struct LoopbackHTTPTests {
    @Test func contentLengthBodyAndTheRequestAsWritten() throws {
        let server = try CannedServer()
        server.answer(with: Array("HTTP/1.1 409 Conflict\r\nContent-Type: application/problem+json\r\nContent-Length: 19\r\n\r\n{\"code\":\"conflict\"}".utf8))
        let response = try LoopbackHTTP(port: server.port, timeoutSeconds: 10).exchange(
            .init(method: "PUT", path: "/v1/x", headers: ["X-B": "2", "X-A": "1"], body: #"{"a":1}"#), keepAlive: false)
        #expect(response.status == 409)
        #expect(response.contentType == "application/problem+json")
        #expect(response.problemCode == "conflict")
        #expect(server.requestText == "PUT /v1/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 7\r\nX-A: 1\r\nX-B: 2\r\nConnection: close\r\n\r\n{\"a\":1}")
    }

    @Test func chunkedBody() throws {
        let server = try CannedServer()
        server.answer(with: Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6; x=y\r\n world\r\n0\r\n\r\n".utf8))
        let response = try LoopbackHTTP(port: server.port, timeoutSeconds: 10).exchange(.init(path: "/"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
        #expect(!server.requestText.contains("Content-Length"), "a GET without a body has none")
    }

    @Test func bodyUpToTheClose() throws {
        let server = try CannedServer()
        server.answer(with: Array("HTTP/1.1 200 OK\r\n\r\nall of it".utf8))
        let response = try LoopbackHTTP(port: server.port, timeoutSeconds: 10).exchange(.init(path: "/"))
        #expect(String(decoding: response.body, as: UTF8.self) == "all of it")
    }

    @Test func failuresAreToldApart() throws {
        let cutOff = try CannedServer()
        cutOff.answer(with: Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nnot 100 bytes".utf8))
        #expect(throws: LoopbackHTTP.Failure.truncated) {
            try LoopbackHTTP(port: cutOff.port, timeoutSeconds: 10).exchange(.init(path: "/"))
        }
        let silent = try CannedServer()
        silent.answer(with: [])
        #expect(throws: LoopbackHTTP.Failure.closedBeforeResponse) {
            try LoopbackHTTP(port: silent.port, timeoutSeconds: 10).exchange(.init(path: "/"))
        }
        let garbled = try CannedServer()
        garbled.answer(with: Array("SMTP ready\r\n\r\n".utf8))
        #expect(throws: LoopbackHTTP.Failure.malformed(#"status line "SMTP ready""#)) {
            try LoopbackHTTP(port: garbled.port, timeoutSeconds: 10).exchange(.init(path: "/"))
        }
        let closedPort = try CannedServer().port  // its listener is closed when it goes
        #expect(throws: LoopbackHTTP.Failure.refused) { try LoopbackHTTP(port: closedPort) }
    }
}
