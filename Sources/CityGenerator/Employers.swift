/// What a frontline worker does: it decides where they work, their age and gender mix,
/// and which big employers they may work for.
enum Occupation: CaseIterable {
    case courier, sanitation, care, construction, transit, service

    /// Share of frontline applicants, and the chance of being male.
    var weight: Int {
        switch self {
        case .courier: 30
        case .sanitation: 15
        case .care: 20
        case .construction: 15
        case .transit: 10
        case .service: 10
        }
    }

    var maleShare: Double {
        switch self {
        case .courier: 0.9
        case .sanitation: 0.45
        case .care: 0.2
        case .construction: 0.95
        case .transit: 0.6
        case .service: 0.45
        }
    }

    /// Youngest and oldest working age.
    var ages: ClosedRange<Int> {
        switch self {
        case .courier: 20...45
        case .sanitation: 30...58
        case .care: 25...55
        case .construction: 22...58
        case .transit: 21...50
        case .service: 20...45
        }
    }
}

/// A large employer that leases blocks of rooms for its own staff (`reserved_employer_id`)
/// — a courier platform, a hospital, the metro. Its staff carry its `id` as `employer_id`.
struct BigEmployer {
    var id: String
    /// Frontline employers hire one occupation; a `nil` occupation means a youth-talent
    /// employer (a lab, an R&D centre) that leases talent apartments.
    var occupation: Occupation?
    /// Where its staff work; empty for citywide employers (couriers, sanitation), whose
    /// staff are spread like their occupation.
    var sites: [Site]
    /// Relative size among employers of the same occupation.
    var weight: Int

    /// Whether a project at `p` is close enough to the employer's staff to be worth a
    /// lease: anywhere for citywide employers, else within 12 km of one of its sites.
    func wouldLease(at p: GeoPoint) -> Bool {
        sites.isEmpty || sites.contains { $0.point.km(to: p) <= 12 }
    }

    static let all: [BigEmployer] = [
        BigEmployer(id: "EMP-SFEXPRESS", occupation: .courier, sites: [], weight: 3),
        BigEmployer(id: "EMP-MEITUAN", occupation: .courier, sites: [], weight: 4),
        BigEmployer(id: "EMP-ELEME", occupation: .courier, sites: [], weight: 3),
        BigEmployer(id: "EMP-JDLOGISTICS", occupation: .courier, sites: [], weight: 2),
        BigEmployer(id: "EMP-SHENV", occupation: .sanitation, sites: [], weight: 1),
        BigEmployer(id: "EMP-RUIJIN", occupation: .care, sites: [Shanghai.hospitals[0]], weight: 1),
        BigEmployer(id: "EMP-ZHONGSHAN", occupation: .care, sites: [Shanghai.hospitals[1]], weight: 1),
        BigEmployer(id: "EMP-RENJI", occupation: .care, sites: [Shanghai.hospitals[2]], weight: 1),
        BigEmployer(id: "EMP-CSCEC8", occupation: .construction, sites: [], weight: 1),
        BigEmployer(id: "EMP-SHMETRO", occupation: .transit, sites: Shanghai.transitHubs, weight: 1),
        BigEmployer(id: "EMP-ZJLAB", occupation: nil, sites: [Shanghai.employmentCentres[1]], weight: 1),
        BigEmployer(id: "EMP-SAIC-RD", occupation: nil, sites: [Shanghai.employmentCentres[9]], weight: 1),
    ]

    /// The big employers hiring `occupation` (`nil`: youth-talent employers).
    static func hiring(_ occupation: Occupation?) -> [BigEmployer] {
        all.filter { $0.occupation == occupation }
    }
}
