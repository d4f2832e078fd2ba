import Foundation

/// A city's own settings: today the time zone its applicants read times in.
public struct CitySettings: Sendable, Equatable {
    public var city: String
    /// An IANA zone name (`Asia/Shanghai`), one Foundation's zone database knows.
    public var timeZone: String
}

extension Store {
    /// The zone a city gets until the bureau sets one: the scheme is Shanghai's, and China
    /// keeps one civil time (UTC+8, no daylight saving). Also the column default (sql/008).
    public static let defaultTimeZone = "Asia/Shanghai"

    /// This city's settings.
    public func citySettings() throws -> CitySettings {
        let row = try connection.query("SELECT time_zone FROM cities WHERE city = $1", [city]).first
        return CitySettings(city: city, timeZone: try row?.decode(String.self, at: 0) ?? Self.defaultTimeZone)
    }

    /// Sets the city's time zone (one audit row `city.set` with the old and new value).
    /// `StoreError` `invalid_argument` on `time_zone` for a name that is not an IANA zone
    /// Foundation knows (an abbreviation like `CST` is refused: it names several zones).
    @discardableResult
    public func setTimeZone(_ name: String) throws -> CitySettings {
        guard Self.isTimeZoneName(name) else {
            throw StoreError.invalidField(
                "time_zone", "\"\(name)\" is not an IANA time zone name (for example Asia/Shanghai or Asia/Urumqi)")
        }
        return try connection.transaction { _ in
            let old = try connection.query(
                "SELECT time_zone FROM cities WHERE city = $1 FOR UPDATE", [city]
            ).first?[0] ?? Self.defaultTimeZone
            try connection.query("UPDATE cities SET time_zone = $2 WHERE city = $1", [city, name])
            try audit("city.set", entity: "city", id: city, details: ["time_zone": .string(name), "previous": .string(old)])
            return CitySettings(city: city, timeZone: name)
        }
    }

    /// Whether `name` is a zone identifier of the zone database (not an abbreviation and
    /// not a bare offset, which `TimeZone(identifier:)` would also accept).
    public static func isTimeZoneName(_ name: String) -> Bool {
        guard let zone = TimeZone(identifier: name) else { return false }
        return name == "UTC" || (zone.identifier == name && name.contains("/"))
    }
}
