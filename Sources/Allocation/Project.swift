/// A housing project (a building or an estate): where commutes are measured to, and which
/// programme decides who may live there.
public struct Project: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Administrative district; compared byte-wise with an applicant's `workDistrict`
    /// for local priority.
    public var district: String
    public var lat: Double
    public var lon: Double
    /// A key of `Policy.programmes`.
    public var programme: String

    public init(id: String, name: String, district: String, lat: Double, lon: Double, programme: String) {
        self.id = id
        self.name = name
        self.district = district
        self.lat = lat
        self.lon = lon
        self.programme = programme
    }
}
