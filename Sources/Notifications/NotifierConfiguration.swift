import Foundation

/// Where and how messages go. Secrets (the SMTP password, the webhook's bearer token) come
/// from files or the environment, never from options (`ps` shows those), and are never
/// logged; `description` leaves them out.
public struct NotifierConfiguration: Sendable, CustomStringConvertible {
    /// `smtp://host:port` or `smtps://…` (nil: no email is sent; email rows wait).
    public var smtpURL: String?
    /// The sender address, also the Message-ID's domain.
    public var mailFrom: String
    public var smtpUser: String?
    public var smtpPassword: String?
    /// The SMS gateway's hook, `https://…` (nil: webhook rows wait).
    public var webhookURL: String?
    public var webhookToken: String?
    /// Messages claimed per statement, and how long a claim holds before another sender
    /// may take the message (longer than an attempt's timeout, so a live sender keeps it).
    public var batchSize = 50
    public var leaseSeconds = 120
    public var timeoutSeconds = 30
    /// Exponential backoff after a failed attempt: `backoffBase · 2^(attempts−1)`, at most
    /// `backoffMax` seconds, ±20% jitter so senders do not come back in step.
    public var backoffBase = 2.0
    public var backoffMax = 900.0
    /// How long before an offer's deadline its reminder is queued.
    public var reminderSeconds = 24 * 3600

    public init(
        smtpURL: String? = nil, mailFrom: String = "anju@localhost", webhookURL: String? = nil, smtpUser: String? = nil,
        smtpPassword: String? = nil, webhookToken: String? = nil
    ) {
        self.smtpURL = smtpURL
        self.mailFrom = mailFrom
        self.webhookURL = webhookURL
        self.smtpUser = smtpUser
        self.smtpPassword = smtpPassword
        self.webhookToken = webhookToken
    }

    /// The channels this sender can deliver on.
    public var channels: [String] { (smtpURL == nil ? [] : ["email"]) + (webhookURL == nil ? [] : ["webhook"]) }

    /// From `ANJU_SMTP_URL`, `ANJU_MAIL_FROM`, `ANJU_SMTP_USER`, `ANJU_SMTP_PASSWORD_FILE`
    /// (or `ANJU_SMTP_PASSWORD`), `ANJU_WEBHOOK_URL`, `ANJU_WEBHOOK_TOKEN_FILE` (or
    /// `ANJU_WEBHOOK_TOKEN`), `ANJU_REMINDER_HOURS` (default 24), `ANJU_NOTIFY_BACKOFF_BASE`
    /// `ANJU_NOTIFY_BACKOFF_MAX`, `ANJU_NOTIFY_LEASE_SECONDS` and `ANJU_NOTIFY_TIMEOUT_SECONDS`
    /// (seconds).
    public static func fromEnvironment(_ given: [String: String]) throws -> NotifierConfiguration {
        let env = given.filter { !$0.value.isEmpty }
        func secret(_ name: String) throws -> String? {
            if let path = env[name + "_FILE"] {
                do { return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
                catch { throw NotifierSettingError(setting: name + "_FILE", problem: "cannot read \(path)") }
            }
            return env[name]
        }
        var c = NotifierConfiguration(
            smtpURL: env["ANJU_SMTP_URL"], mailFrom: env["ANJU_MAIL_FROM"] ?? "anju@localhost",
            webhookURL: env["ANJU_WEBHOOK_URL"], smtpUser: env["ANJU_SMTP_USER"], smtpPassword: try secret("ANJU_SMTP_PASSWORD"),
            webhookToken: try secret("ANJU_WEBHOOK_TOKEN"))
        func number(_ name: String) throws -> Double? {
            guard let text = env[name] else { return nil }
            // At most 10,000,000 (115 days in seconds): any larger value, or infinity, would
            // overflow the whole seconds it becomes.
            guard let value = Double(text), value > 0, value <= 10_000_000 else {
                throw NotifierSettingError(setting: name, problem: "\"\(text.prefix(40))\" is not a positive number up to 10000000")
            }
            return value
        }
        if let hours = try number("ANJU_REMINDER_HOURS") { c.reminderSeconds = Int(hours * 3600) }
        if let base = try number("ANJU_NOTIFY_BACKOFF_BASE") { c.backoffBase = base }
        if let max = try number("ANJU_NOTIFY_BACKOFF_MAX") { c.backoffMax = max }
        if let lease = try number("ANJU_NOTIFY_LEASE_SECONDS") { c.leaseSeconds = max(1, Int(lease)) }
        if let timeout = try number("ANJU_NOTIFY_TIMEOUT_SECONDS") { c.timeoutSeconds = max(1, Int(timeout)) }
        for (name, url) in [("ANJU_SMTP_URL", c.smtpURL), ("ANJU_WEBHOOK_URL", c.webhookURL)] {
            guard let url else { continue }
            guard let parsed = URLComponents(string: url), let scheme = parsed.scheme, parsed.host != nil,
                (name == "ANJU_SMTP_URL" ? ["smtp", "smtps"] : ["http", "https"]).contains(scheme)
            else { throw NotifierSettingError(setting: name, problem: "not a valid \(name == "ANJU_SMTP_URL" ? "smtp(s)" : "http(s)") URL") }
        }
        return c
    }

    public var description: String {
        func redacted(_ url: String?) -> String {
            guard let url, var parts = URLComponents(string: url) else { return "off" }
            parts.user = nil
            parts.password = nil
            parts.query = nil
            return parts.string ?? "set"
        }
        return "email \(redacted(smtpURL)), webhook \(redacted(webhookURL)), reminders \(reminderSeconds / 3600) h before the deadline"
    }
}

/// A notification setting that cannot be used; says which and why (never its value when secret).
public struct NotifierSettingError: Error, Sendable, CustomStringConvertible {
    public var setting: String
    public var problem: String
    public var description: String { "\(setting): \(problem)" }
}
