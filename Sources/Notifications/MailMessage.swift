import Foundation

/// An email as RFC 5322 text: UTF-8 in base64 (subject encoded-word, body), and the event's
/// idempotency key as its Message-ID, so every attempt at one event is the same message.
enum MailMessage {
    static func render(from: String, to: String, key: String, language: String, text: RenderedMessage) -> [UInt8] {
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let date = DateFormatter()
        date.locale = Locale(identifier: "en_US_POSIX")
        date.timeZone = TimeZone(identifier: "UTC")
        date.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let body = Data(text.body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let lines = [
            "From: <\(from)>",
            "To: <\(to)>",
            "Subject: =?UTF-8?B?\(Data(text.subject.utf8).base64EncodedString())?=",
            "Date: \(date.string(from: Date()))",
            "Message-ID: <\(key)@\(domain)>",
            "Idempotency-Key: \(key)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "Content-Language: \(language)",
            "",
            body,
            "",
        ]
        return Array(lines.joined(separator: "\r\n").utf8)
    }
}
