import CityGenerator
import Foundation
import Harness
import Postgres
import Store

/// `anju bench notify`: what notifying a round costs. The same generated city is imported
/// into two template databases, one with every applicant's contact (email) and one
/// without; each repetition runs `anju round run` in a fresh copy of both (with contacts
/// the round writes one outbox row per offer in its transaction; without, none), so the
/// difference of the medians is the time the outbox adds to `round run`. Then `anju notify
/// send --once` drains the copy's outbox to a local aiosmtpd (its Sink handler), which gives
/// the time to drain and messages per second.
public struct NotifyBenchmark {
    public var applicants: Int
    public var slots: Int
    public var repetitions: Int
    public var anju: String
    public var workDirectory: String
    public var seed: String
    public var cluster: PrivateCluster
    /// In how many of the repetitions the outbox is drained too (a drain of a large round
    /// takes minutes; the round runs are the noisier figure and need the repetitions).
    public var drains: Int

    public init(
        applicants: Int, slots: Int, repetitions: Int, anju: String, workDirectory: String, seed: String, cluster: PrivateCluster,
        drains: Int
    ) {
        self.drains = max(1, drains)
        self.applicants = applicants
        self.slots = slots
        self.repetitions = repetitions
        self.anju = anju
        self.workDirectory = workDirectory
        self.seed = seed
        self.cluster = cluster
    }

    public struct Result: Sendable {
        public var roundWithout: [Double] = []
        public var roundWith: [Double] = []
        public var drain: [Double] = []
        public var offered = 0
        public var messages = 0
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    public func run(log: (String) -> Void) throws -> Result {
        let dir = "\(workDirectory)/city-\(applicants)x\(slots)"
        log("generating \(applicants) applicants × \(slots) slots in \(dir)")
        try CityGenerator(applicants: applicants, slots: slots, seed: seed).write(to: dir)
        let keyFile = "\(dir)/identity.key"
        try String(repeating: "5a", count: 32).write(toFile: keyFile, atomically: true, encoding: .utf8)
        let plain = "anju_bench_notify_plain", contacts = "anju_bench_notify_contacts"
        let plainURL = try StoreDatabase.freshDatabase(plain, on: cluster).url
        var env = ["DATABASE_URL": plainURL, "ANJU_CITY": "bench", "ANJU_ACTOR": "bench", "ANJU_IDENTITY_KEY_FILE": keyFile]
        for kind in ["projects", "slots", "applicants"] {
            try check(ChildProcess.run([anju, "import", kind, "\(dir)/\(kind).csv"], environment: env), "anju import \(kind)")
        }
        // Every applicant reachable by email, half in English.
        let ids = try String(contentsOfFile: "\(dir)/applicants.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { String($0.prefix { $0 != "," }) }
        var csv = "applicant_id,name,phone,email,identity_number,language\n"
        for (n, id) in ids.enumerated() {
            csv += "\(id),Bench \(n),,\(id.lowercased())@bench.test,BENCH\(100_000_000 + n),\(n % 2 == 0 ? "en" : "zh-CN")\n"
        }
        try csv.write(toFile: "\(dir)/contacts.csv", atomically: true, encoding: .utf8)
        env["DATABASE_URL"] = try StoreDatabase.copyDatabase(contacts, from: plain, on: cluster)
        let contactsTemplate = contacts
        let imported = try ChildProcess.run([anju, "import", "contacts", "\(dir)/contacts.csv"], environment: env)
        try check(imported, "anju import contacts")
        log(String(format: "  contacts imported in %.2f s", imported.seconds))

        let smtpPort = try Self.freePort()
        let smtp = try BackgroundProcess(
            ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(smtpPort)", "-c", "aiosmtpd.handlers.Sink"],
            output: "\(dir)/aiosmtpd.out")
        defer { smtp.stop(gracePeriod: .seconds(2)) }
        usleep(1_000_000)
        var result = Result()
        for i in 0..<repetitions {
            for withContacts in (i % 2 == 0 ? [false, true] : [true, false]) {
                let name = "anju_bench_notify_\(i)_\(withContacts ? "c" : "p")"
                let url = try StoreDatabase.copyDatabase(name, from: withContacts ? contactsTemplate : plain, on: cluster)
                let repEnv = env.merging(["DATABASE_URL": url]) { _, new in new }
                try check(
                    ChildProcess.run([anju, "round", "create", "--policy", "\(dir)/policy.json", "--id", "B"], environment: repEnv),
                    "anju round create")
                let run = try ChildProcess.run([anju, "round", "run", "B", "--quiet"], environment: repEnv)
                try check(run, "anju round run")
                let store = try Store(connection: try PostgresConnection(url), city: "bench", actor: "bench")
                result.offered = try store.offerCounts("B").reduce(0) { $0 + $1.count }
                if withContacts {
                    result.roundWith.append(run.seconds)
                    result.messages = try store.messageCounts()["pending"] ?? 0
                }
                if withContacts && i >= drains {
                    log(String(format: "  round run %d with contacts: %.2f s, %d messages", i + 1, run.seconds, result.messages))
                } else if withContacts {
                    let send = try ChildProcess.run(
                        [anju, "notify", "send", "--once"],
                        environment: repEnv.merging(["ANJU_SMTP_URL": "smtp://127.0.0.1:\(smtpPort)", "ANJU_MAIL_FROM": "bureau@bench.test"]) { _, new in new })
                    try check(send, "anju notify send --once")
                    let counts = try store.messageCounts()
                    guard counts["sent"] == result.messages else {
                        throw BenchmarkError("notify send left \(counts) of \(result.messages) messages")
                    }
                    result.drain.append(send.seconds)
                    log(String(format: "  round run %d with contacts: %.2f s, %d messages; drained in %.2f s (%.0f/s)", i + 1,
                               run.seconds, result.messages, send.seconds, Double(result.messages) / send.seconds))
                } else {
                    result.roundWithout.append(run.seconds)
                    log(String(format: "  round run %d without contacts: %.2f s", i + 1, run.seconds))
                }
                try StoreDatabase.dropDatabase(name, on: cluster)
            }
        }
        try StoreDatabase.dropDatabase(contactsTemplate, on: cluster)
        try StoreDatabase.dropDatabase(plain, on: cluster)
        return result
    }

    private func check(_ r: ChildProcess.Outcome, _ what: String) throws {
        guard r.status == 0 else { throw BenchmarkError("\(what) exited \(r.status): \(r.stdout.suffix(500))") }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchmarkError("no free port for aiosmtpd") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Markdown for BENCHMARKS.md.
    public static func markdown(_ r: Result, applicants: Int, slots: Int) -> String {
        let without = median(r.roundWithout), with = median(r.roundWith), drain = median(r.drain)
        var t = "| \(applicants) × \(slots), \(r.offered) offers | median (s) | runs (s) |\n|---|---:|---|\n"
        func row(_ name: String, _ v: [Double]) {
            t += String(format: "| %@ | %.2f | %@ |\n", name, median(v), v.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        }
        row("round run, no contacts (no outbox rows)", r.roundWithout)
        row("round run, every applicant with an email (\(r.messages) outbox rows)", r.roundWith)
        row("notify send --once: drain to aiosmtpd", r.drain)
        t += String(
            format: "\noutbox rows add %.2f s (%.0f%%) to round run; drained at %.0f messages/s\n", with - without,
            100 * (with - without) / without, Double(r.messages) / drain)
        return t
    }
}
