import AnjuServer
import ArgumentParser
import Testing

@testable import AnjuCLI

/// `anju serve`'s job settings from the environment (sender, expiry, standing warmer, and the
/// notifier's own numbers): defaults, 0 for off where it means off, and every value at or
/// beyond its limits — infinity, NaN, a number too big for whole milliseconds — refused as
/// bad usage, never a trap.
@Suite struct ServeJobSettingsTests {
    func settings(_ environment: [String: String]) throws -> ServerConfiguration {
        try ServeCommand.parse([]).notificationSettings(ServerConfiguration(databaseURL: "postgresql:///x"), environment: environment)
    }

    @Test("defaults; 0 turns the expiry and the warmer off; the largest value is taken")
    func defaults() throws {
        let plain = try settings([:])
        #expect(plain.notifier == nil || plain.notifier?.channels.isEmpty == true)
        #expect(plain.notifyInterval == .seconds(5))
        #expect(plain.expiryInterval == .seconds(60))
        #expect(plain.standingWarmInterval == .seconds(30))
        let off = try settings(["ANJU_EXPIRY_INTERVAL": "0", "ANJU_STANDING_INTERVAL": "0"])
        #expect(off.expiryInterval == nil && off.standingWarmInterval == nil)
        let largest = try settings([
            "ANJU_EXPIRY_INTERVAL": "10000000", "ANJU_STANDING_INTERVAL": "10000000", "ANJU_NOTIFY_INTERVAL": "10000000",
            "ANJU_SMTP_URL": "smtp://127.0.0.1:25", "ANJU_NOTIFY_TIMEOUT_SECONDS": "10000000", "ANJU_REMINDER_HOURS": "10000000",
        ])
        #expect(largest.expiryInterval == .seconds(10_000_000))
        #expect(largest.notifier?.timeoutSeconds == 10_000_000)
        #expect(largest.notifier?.reminderSeconds == 36_000_000_000)
    }

    @Test(arguments: ["ANJU_EXPIRY_INTERVAL", "ANJU_STANDING_INTERVAL", "ANJU_NOTIFY_INTERVAL"])
    func intervalsRefused(_ name: String) {
        for value in ["-1", "1e309", "inf", "nan", "10000001", "ten", "0x"] {
            #expect(throws: ValidationError.self, "\(name)=\(value)") { try settings([name: value]) }
        }
    }

    @Test(arguments: [
        "ANJU_NOTIFY_TIMEOUT_SECONDS", "ANJU_NOTIFY_LEASE_SECONDS", "ANJU_REMINDER_HOURS", "ANJU_NOTIFY_BACKOFF_BASE",
        "ANJU_NOTIFY_BACKOFF_MAX",
    ])
    func notifierNumbersRefused(_ name: String) {
        for value in ["0", "-1", "1e309", "inf", "nan", "10000001", "soon"] {
            #expect(throws: ValidationError.self, "\(name)=\(value)") {
                try settings(["ANJU_SMTP_URL": "smtp://127.0.0.1:25", name: value])
            }
        }
    }
}
