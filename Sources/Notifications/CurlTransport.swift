import CLibCurl
import Foundation

/// What one delivery attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver accepted it (SMTP 250 after DATA, HTTP 2xx).
    case delivered
    /// Not now (unreachable, timeout, 4xx SMTP, HTTP 408/425/429/5xx): try again later.
    case retry(String)
    /// Refused for good (SMTP 5xx, another HTTP 4xx): retrying would not help.
    case refused(String)
}

/// The libcurl easy handles of one sender's batch, one per channel. A handle keeps its
/// connection open after a transfer and the next transfer on it to the same server reuses
/// it (libcurl checks it is still alive, and reconnects if not): a batch of emails is one
/// SMTP session (MAIL, RCPT, DATA per message) instead of a connection and greeting each,
/// and webhooks share one keep-alive connection. `curl_easy_reset` between transfers clears
/// the options and keeps the connection. Used by one thread at a time; freed with the batch.
final class CurlConnections {
    private var handles: [String: UnsafeMutableRawPointer] = [:]

    init() {}

    /// The handle for `channel`, its options cleared; nil when libcurl cannot make one.
    func handle(_ channel: String) -> UnsafeMutableRawPointer? {
        if let kept = handles[channel] {
            curl_easy_reset(kept)
            return kept
        }
        guard CurlTransport.initialised, let curl = curl_easy_init() else { return nil }
        handles[channel] = curl
        return curl
    }

    deinit {
        for curl in handles.values { curl_easy_cleanup(curl) }
    }
}

/// SMTP and HTTPS by libcurl, on the batch's kept handles (`CurlConnections`). Errors name
/// libcurl's code and the receiver's status, never the URL or its credentials, and no
/// address or text of the message.
enum CurlTransport {
    /// `curl_global_init` once per process, before any handle (it is not thread-safe).
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Sends `message` (a whole RFC 5322 message, CRLF lines) from `from` to `to` through
    /// the SMTP server at `url`.
    static func sendMail(
        url: String, from: String, to: String, message: [UInt8], username: String?, password: String?, timeoutSeconds: Int,
        connections: CurlConnections
    ) -> DeliveryOutcome {
        guard let curl = connections.handle("smtp") else { return .retry("libcurl could not be initialised") }
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        recipients = curl_slist_append(recipients, "<\(to)>")
        defer { curl_slist_free_all(recipients) }
        var body = message
        return body.withUnsafeMutableBytes { bytes -> DeliveryOutcome in
            guard let file = fmemopen(bytes.baseAddress, bytes.count, "r") else { return .retry("fmemopen failed") }
            defer { fclose(file) }
            common(curl, url: url, timeoutSeconds: timeoutSeconds)
            _ = anju_curl_set_string(curl, CURLOPT_MAIL_FROM, "<\(from)>")
            _ = anju_curl_set_list(curl, CURLOPT_MAIL_RCPT, recipients)
            _ = anju_curl_set_long(curl, CURLOPT_UPLOAD, 1)
            _ = anju_curl_set_pointer(curl, CURLOPT_READDATA, UnsafeMutableRawPointer(file))
            _ = anju_curl_set_large(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count))
            if let username { _ = anju_curl_set_string(curl, CURLOPT_USERNAME, username) }
            if let password { _ = anju_curl_set_string(curl, CURLOPT_PASSWORD, password) }
            let code = curl_easy_perform(curl)
            var status = 0
            _ = anju_curl_response_code(curl, &status)
            if code == CURLE_OK { return .delivered }
            let text = "smtp: \(String(cString: curl_easy_strerror(code))) (curl \(code.rawValue), reply \(status))"
            return (500..<600).contains(status) ? .refused(text) : .retry(text)
        }
    }

    /// POSTs `json` to `url` with `Idempotency-Key: key` (and a bearer token, if any).
    static func postJSON(
        url: String, json: [UInt8], key: String, bearer: String?, timeoutSeconds: Int, connections: CurlConnections
    ) -> DeliveryOutcome {
        guard let curl = connections.handle("webhook") else { return .retry("libcurl could not be initialised") }
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        headers = curl_slist_append(headers, "Content-Type: application/json")
        headers = curl_slist_append(headers, "Idempotency-Key: \(key)")
        headers = curl_slist_append(headers, "Expect:")
        if let bearer { headers = curl_slist_append(headers, "Authorization: Bearer \(bearer)") }
        defer { curl_slist_free_all(headers) }
        common(curl, url: url, timeoutSeconds: timeoutSeconds)
        _ = anju_curl_set_list(curl, CURLOPT_HTTPHEADER, headers)
        _ = anju_curl_discard_body(curl)
        return json.withUnsafeBytes { bytes -> DeliveryOutcome in
            _ = anju_curl_set_long(curl, CURLOPT_POST, 1)
            _ = anju_curl_set_large(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            _ = anju_curl_set_pointer(curl, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            let code = curl_easy_perform(curl)
            var status = 0
            _ = anju_curl_response_code(curl, &status)
            if code != CURLE_OK {
                return .retry("webhook: \(String(cString: curl_easy_strerror(code))) (curl \(code.rawValue))")
            }
            switch status {
            case 200..<300: return .delivered
            case 408, 425, 429, 500..<600: return .retry("webhook: HTTP \(status)")
            default: return .refused("webhook: HTTP \(status)")
            }
        }
    }

    private static func common(_ curl: UnsafeMutableRawPointer, url: String, timeoutSeconds: Int) {
        _ = anju_curl_set_string(curl, CURLOPT_URL, url)
        _ = anju_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        _ = anju_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000)
        _ = anju_curl_set_long(curl, CURLOPT_TIMEOUT, timeoutSeconds)
        // SMTP waits for each reply at most 120 s by libcurl's default, whatever the
        // overall timeout: the configured timeout governs the reply wait too.
        _ = anju_curl_set_long(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeoutSeconds)
    }
}
