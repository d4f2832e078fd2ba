import Allocation

/// Rules of the file contract that hold wherever a value comes from — a CSV row of `anju
/// solve`, an import, an HTTP request — written once here and used by the file parser, the
/// import and the API, so the three can never disagree (nor word a rule differently).
public enum ContractRules {
    /// Identifier syntax (ids of projects, slots, rooms, applicants, employers, cities and
    /// rounds): 1–64 bytes of `A–Z a–z 0–9 _ - .`.
    public static func isIdentifier<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        guard (1...64).contains(bytes.count) else { return false }
        for b in bytes {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// `isIdentifier` of a string's UTF-8.
    public static func isIdentifier(_ text: String) -> Bool { isIdentifier(text.utf8) }

    /// The smallest value each whole-number field of slots.csv and applicants.csv allows.
    public enum Minimum {
        /// slots.csv `max_household`: a slot houses at least one person.
        public static let maxHousehold = 1
        /// slots.csv `rent` and applicants.csv `max_rent`: whole yuan a month.
        public static let rent = 0
        /// applicants.csv `household_size`.
        public static let householdSize = 1
        /// applicants.csv `monthly_income`.
        public static let monthlyIncome = 0
        /// applicants.csv `max_commute_min`.
        public static let maxCommuteMin = 1
        /// applicants.csv `priority_points`.
        public static let priorityPoints = 0
    }

    /// A bed is for one person: a bed's `max_household` must be 1. The message when a slot
    /// breaks that rule, else nil.
    public static func bedHouseholdProblem(kind: Slot.Kind, maxHousehold: Int) -> String? {
        guard kind == .bed, maxHousehold != 1 else { return nil }
        return "\(maxHousehold) is not allowed for a bed; a bed is for one person, so max_household must be 1"
    }
}
