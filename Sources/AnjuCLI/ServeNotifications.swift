import ArgumentParser
import Foundation
import AnjuServer
import Notifications

extension ServeCommand {
    /// The jobs beside the server, from the environment: the notification sender when
    /// `ANJU_SMTP_URL` or `ANJU_WEBHOOK_URL` is set (see `NotifierConfiguration`), every
    /// `ANJU_NOTIFY_INTERVAL` seconds (default 5); the offer expiry every
    /// `ANJU_EXPIRY_INTERVAL` seconds (default 60; 0 turns it off, e.g. beside a timer that
    /// runs `anju offers expire`); the look for a newly run round whose standing book to build
    /// ahead of status requests every `ANJU_STANDING_INTERVAL` seconds (default 30; 0: off,
    /// books are then built on the first request). Bad values are bad usage (exit 64), named,
    /// secrets not shown.
    func notificationSettings(_ given: ServerConfiguration, environment: [String: String]) throws -> ServerConfiguration {
        var configuration = given
        do {
            configuration.notifier = try NotifierConfiguration.fromEnvironment(environment)
        } catch {
            throw ValidationError("\(error)")
        }
        func seconds(_ name: String, default value: Double) throws -> Double {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let parsed = Double(text), parsed >= 0, parsed <= 10_000_000 else {
                throw ValidationError("\(name): \"\(text.prefix(40))\" is not a number of seconds from 0 to 10000000")
            }
            return parsed
        }
        configuration.notifyInterval = .milliseconds(Int(max(0.05, try seconds("ANJU_NOTIFY_INTERVAL", default: 5)) * 1000))
        let expiry = try seconds("ANJU_EXPIRY_INTERVAL", default: 60)
        configuration.expiryInterval = expiry == 0 ? nil : .milliseconds(Int(max(0.05, expiry) * 1000))
        let standing = try seconds("ANJU_STANDING_INTERVAL", default: 30)
        configuration.standingWarmInterval = standing == 0 ? nil : .milliseconds(Int(max(0.05, standing) * 1000))
        return configuration
    }
}
