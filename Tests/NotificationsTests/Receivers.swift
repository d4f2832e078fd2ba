import Foundation
import Harness

/// A real receiver on loopback, as a child process so a test can take it down (SIGKILL)
/// and bring it back on the same port: aiosmtpd for email, Python's http.server for the
/// webhook. Each accepted message is one JSON line in `log` (key, to, language, subject,
/// body), written before the receiver answers, as a deduplicating receiver would store it.
final class Receiver: @unchecked Sendable {
    // @unchecked: `process` is only touched by the one test that owns the receiver.
    enum Kind: String { case smtp, webhook }

    let kind: Kind
    let port: Int
    let log: String
    private var process: BackgroundProcess?

    init(_ kind: Kind) throws {
        self.kind = kind
        port = try Receiver.freePort()
        log = NSTemporaryDirectory() + "anju-\(kind.rawValue)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        FileManager.default.createFile(atPath: log, contents: nil)
    }

    var url: String { kind == .smtp ? "smtp://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)/sms" }

    /// Starts it and waits until it listens. With `holding` > 0 the first `holding` messages
    /// are recorded (accepted), then answered only 300 s later: the moment between a
    /// receiver's acceptance and the sender learning of it, held open for a test to kill
    /// the sender in. Each held message prints `held KEY`.
    func start(holding: Int = 0) throws {
        let output = log + ".\(UInt32.random(in: 0...UInt32.max)).out"
        let p = try BackgroundProcess(
            ["/usr/bin/python3", Receiver.script, kind.rawValue, String(port), log, String(holding)], output: output)
        process = p
        let deadline = ContinuousClock.now + .seconds(20)
        while !p.printed.contains("ready") {
            guard p.isRunning, ContinuousClock.now < deadline else {
                throw ReceiverError(description: "\(kind) receiver did not start: \(p.printed)")
            }
            usleep(20_000)
        }
    }

    /// What the receiver printed so far (`ready`, `held KEY` lines).
    var printed: String { process?.printed ?? "" }

    /// Down at once, like a crashed server.
    func kill() { process?.stop(gracePeriod: .zero) }

    /// Every message accepted so far, in order.
    func received() -> [[String: String]] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String]
        }
    }

    deinit { kill() }

    struct ReceiverError: Error, CustomStringConvertible { var description: String }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
                bind(fd, p, length) == 0 && getsockname(fd, p, &length) == 0
            }
        }
        guard bound else { throw ReceiverError(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The receivers' script, written once per test process.
    static let script: String = {
        let path = NSTemporaryDirectory() + "anju-receivers-\(getpid()).py"
        try? source.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    static let source = #"""
        import json, sys, threading, time
        mode, port, log, holding = sys.argv[1], int(sys.argv[2]), sys.argv[3], [int(sys.argv[4])]
        lock = threading.Lock()
        def record(entry):
            with open(log, 'a', encoding='utf-8') as f:
                f.write(json.dumps(entry, ensure_ascii=False) + '\n')
        def hold(key):
            with lock:
                if holding[0] <= 0:
                    return False
                holding[0] -= 1
            print('held ' + key, flush=True)
            return True
        if mode == 'smtp':
            import asyncio
            from aiosmtpd.controller import Controller
            from email import message_from_bytes
            from email.header import decode_header, make_header
            class Handler:
                async def handle_DATA(self, server, session, envelope):
                    m = message_from_bytes(envelope.content)
                    record({'key': m['Message-ID'].strip('<>').rsplit('@', 1)[0], 'to': envelope.rcpt_tos[0],
                            'language': m['Content-Language'], 'subject': str(make_header(decode_header(m['Subject']))),
                            'body': m.get_payload(decode=True).decode('utf-8'), 'header_key': m['Idempotency-Key'],
                            'peer': str(session.peer[1])})
                    if hold(m['Idempotency-Key']):
                        await asyncio.sleep(300)
                    return '250 OK'
            controller = Controller(Handler(), hostname='127.0.0.1', port=port)
            controller.start()
            print('ready', flush=True)
            while True:
                time.sleep(3600)
        else:
            from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
            class Handler(BaseHTTPRequestHandler):
                protocol_version = 'HTTP/1.1'  # keep-alive, as a real gateway
                def do_POST(self):
                    body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
                    if self.path == '/reject':
                        self.send_response(422)
                        self.send_header('Content-Length', '0')
                        self.end_headers()
                        return
                    record({'key': self.headers['Idempotency-Key'], 'to': body['to'], 'language': body['language'],
                            'subject': '', 'body': body['text'], 'header_key': body['idempotency_key'],
                            'peer': str(self.client_address[1])})
                    if hold(self.headers['Idempotency-Key']):
                        time.sleep(300)
                    self.send_response(200)
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                def log_message(self, *args):
                    pass
            ThreadingHTTPServer.allow_reuse_address = True
            server = ThreadingHTTPServer(('127.0.0.1', port), Handler)
            print('ready', flush=True)
            server.serve_forever()
        """#
}
