import Foundation
import Store

/// What one pass of a sender did.
public struct SendReport: Sendable, Equatable {
    public var claimed = 0
    public var sent = 0
    public var retrying = 0
    public var refused = 0
    /// Reminders not sent because their offer was answered (or had passed its deadline)
    /// before they went out.
    public var cancelled = 0
    /// Delivered, but the claim had passed to another sender before it was recorded: that
    /// sender sends it again, under the same key.
    public var lostClaims = 0

    public init() {}

    static func + (a: SendReport, b: SendReport) -> SendReport {
        var r = a
        r.claimed += b.claimed
        r.sent += b.sent
        r.retrying += b.retrying
        r.refused += b.refused
        r.cancelled += b.cancelled
        r.lostClaims += b.lostClaims
        return r
    }
}

/// Delivers the outbox: claims due messages (leased, SKIP LOCKED, an applicant's oldest
/// pending one per channel), renders each in the applicant's language, delivers it with its
/// idempotency key, and records the outcome — sent, retried later with backoff, or failed
/// for good. At least once: a sender that dies between the receiver's acceptance and the
/// record leaves the message claimed; after the lease another sender sends it again, under
/// the same key, so a receiver that deduplicates by key sees it once.
public struct NotificationSender: Sendable {
    public let configuration: NotifierConfiguration
    /// This sender's name in `claimed_by` (host and process, unique among live senders).
    public let senderID: String

    public init(configuration: NotifierConfiguration, senderID: String = NotificationSender.defaultID()) {
        self.configuration = configuration
        self.senderID = senderID
    }

    /// `host:pid:random`, so two senders never share a claim name.
    public static func defaultID() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Queues due reminders, then sends batches until nothing is due now.
    public func sendDue(_ store: Store) throws -> SendReport {
        try store.queueReminders(within: configuration.reminderSeconds)
        var total = SendReport()
        while true {
            let batch = try sendBatch(store)
            total = total + batch
            if batch.claimed == 0 { return total }
        }
    }

    /// Claims one batch and delivers it.
    public func sendBatch(_ store: Store) throws -> SendReport {
        var report = SendReport()
        let channels = configuration.channels
        guard !channels.isEmpty else { return report }
        let zone = TimeZone(identifier: try store.citySettings().timeZone) ?? TimeZone(identifier: "Asia/Shanghai")!
        let claimed = try store.claimMessages(
            sender: senderID, channels: channels, limit: configuration.batchSize, leaseSeconds: configuration.leaseSeconds)
        report.claimed = claimed.count
        let connections = CurlConnections()
        for message in claimed {
            if message.moot {
                let reason = "not sent: the offer was answered or past its deadline before the reminder went out"
                if try store.markCancelled(message.id, sender: senderID, reason: reason) { report.cancelled += 1 }
                continue
            }
            switch deliver(message, zone: zone, connections: connections) {
            case .delivered:
                if try store.markSent(message.id, sender: senderID) { report.sent += 1 } else { report.lostClaims += 1 }
            case .retry(let error):
                try store.markAttemptFailed(
                    message.id, sender: senderID, error: error, retryInSeconds: backoff(attempts: message.attempts), permanent: false)
                report.retrying += 1
            case .refused(let error):
                try store.markAttemptFailed(message.id, sender: senderID, error: error, retryInSeconds: 0, permanent: true)
                report.refused += 1
            }
        }
        return report
    }

    /// Seconds before the next attempt after `attempts` failed ones.
    public func backoff(attempts: Int) -> Double {
        let plain = min(configuration.backoffMax, configuration.backoffBase * pow(2, Double(max(0, attempts - 1))))
        return plain * Double.random(in: 0.8...1.2)
    }

    /// One attempt at `message` on its channel, on the batch's kept handles.
    func deliver(_ message: ClaimedMessage, zone: TimeZone, connections: CurlConnections) -> DeliveryOutcome {
        let payload =
            (try? JSONSerialization.jsonObject(with: Data(message.payload.utf8))) as? [String: Any] ?? [:]
        let text = MessageText(language: message.language, timeZone: zone).render(
            kind: message.kind, payload: payload, name: message.name, applicantID: message.applicantID)
        switch message.channel {
        case "email":
            guard let url = configuration.smtpURL, let to = message.email else { return .refused("no email address") }
            let mail = MailMessage.render(
                from: configuration.mailFrom, to: to, key: message.idempotencyKey, language: message.language, text: text)
            return CurlTransport.sendMail(
                url: url, from: configuration.mailFrom, to: to, message: mail, username: configuration.smtpUser,
                password: configuration.smtpPassword, timeoutSeconds: configuration.timeoutSeconds, connections: connections)
        case "webhook":
            guard let url = configuration.webhookURL, let phone = message.phone else { return .refused("no phone number") }
            let body: [String: Any] = [
                "idempotency_key": message.idempotencyKey, "to": phone, "language": message.language, "kind": message.kind,
                "applicant_id": message.applicantID, "text": text.subject + "\n" + text.body,
            ]
            let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
            return CurlTransport.postJSON(
                url: url, json: Array(json), key: message.idempotencyKey, bearer: configuration.webhookToken,
                timeoutSeconds: configuration.timeoutSeconds, connections: connections)
        default:
            return .refused("unknown channel \(message.channel)")
        }
    }
}
