/// A person, or the head of a household, applying for a place in a round.
public struct Applicant: Sendable, Hashable {
    public enum Category: String, Sendable, CaseIterable { case youthTalent = "youth_talent", frontlineWorker = "frontline_worker", general }
    public enum Gender: String, Sendable, CaseIterable { case female, male }

    public var id: String
    public var category: Category
    public var householdSize: Int
    public var gender: Gender
    public var birthDate: CivilDate
    public var monthlyIncome: Int
    public var workLat: Double
    public var workLon: Double
    public var workDistrict: String
    /// `nil`: the policy's `defaultMaxCommuteMin` applies.
    public var maxCommuteMin: Int?
    /// `nil`: no rent limit.
    public var maxRent: Int?
    public var needsAccessible: Bool
    public var priorityPoints: Int
    public var employerID: String?
    /// Recorded as given; no rule uses it.
    public var appliedAt: String?

    public init(
        id: String, category: Category, householdSize: Int = 1, gender: Gender, birthDate: CivilDate,
        monthlyIncome: Int, workLat: Double, workLon: Double, workDistrict: String, maxCommuteMin: Int? = nil,
        maxRent: Int? = nil, needsAccessible: Bool = false, priorityPoints: Int = 0, employerID: String? = nil,
        appliedAt: String? = nil
    ) {
        self.id = id
        self.category = category
        self.householdSize = householdSize
        self.gender = gender
        self.birthDate = birthDate
        self.monthlyIncome = monthlyIncome
        self.workLat = workLat
        self.workLon = workLon
        self.workDistrict = workDistrict
        self.maxCommuteMin = maxCommuteMin
        self.maxRent = maxRent
        self.needsAccessible = needsAccessible
        self.priorityPoints = priorityPoints
        self.employerID = employerID
        self.appliedAt = appliedAt
    }
}
