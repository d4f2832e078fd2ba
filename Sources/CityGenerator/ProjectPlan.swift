/// The three programmes of the contract's default policy.
enum Programme: String, CaseIterable {
    case talent, frontline, general
}

/// One housing project as generated: where it is, what it offers and how many slots.
struct PlannedProject {
    var number: Int
    var name: String
    var point: GeoPoint
    var latMicro: Int
    var lonMicro: Int
    var district: Int
    var programme: Programme
    var slotCount: Int

    /// Rent multiplier for the location: 1.35 at People's Square, falling 2% a km to 0.75.
    var rentFactor: Double {
        max(0.75, 1.35 - 0.02 * point.km(to: Shanghai.centre))
    }
}

/// Draws the projects: sites weighted towards the new towns, programmes in a fixed mix,
/// sizes of about 125 slots on average, adding up to exactly the requested slot count.
struct ProjectPlanner {
    var slots: Int

    /// About 125 slots a project, at least three projects (one per programme).
    var projectCount: Int { max(3, (slots + 62) / 125) }

    func plan(_ rng: inout CityRandom) -> [PlannedProject] {
        let sites = WeightTable(Shanghai.neighbourhoods.map(\.weight))
        var names = ProjectNamer()
        var projects: [PlannedProject] = []
        var sizeWeights: [Int] = []
        for i in 0..<projectCount {
            // The first three cover every programme even in the smallest city.
            let programme: Programme =
                i < 3
                ? [.frontline, .talent, .general][i]
                : rng.pick([(.talent, 35), (.frontline, 40), (.general, 25)])
            let site = Shanghai.neighbourhoods[rng.index(weighted: sites)]
            let point = scatter(site.point, km: site.spreadKm, &rng)
            let (latMicro, lonMicro) = microDegrees(point)
            let exact = GeoPoint(lat: Double(latMicro) / 1e6, lon: Double(lonMicro) / 1e6)
            projects.append(
                PlannedProject(
                    number: i + 1,
                    name: names.name(at: site.name, programme: programme, index: i, &rng),
                    point: exact, latMicro: latMicro, lonMicro: lonMicro,
                    district: Shanghai.district(of: exact), programme: programme, slotCount: 0))
            switch programme {
            case .frontline: sizeWeights.append(rng.int(in: 40...260))
            case .talent: sizeWeights.append(rng.int(in: 50...250))
            case .general: sizeWeights.append(rng.int(in: 60...300))
            }
        }
        // Share `slots` out in proportion to the weights, exactly: project i gets
        // ⌊slots·C(i)/W⌋ − ⌊slots·C(i−1)/W⌋ for cumulative weights C.
        let total = UInt64(sizeWeights.reduce(0, +))
        var cumulative: UInt64 = 0
        var handedOut = 0
        for i in projects.indices {
            cumulative += UInt64(sizeWeights[i])
            let product = UInt64(slots).multipliedFullWidth(by: cumulative)
            let upTo = Int(total.dividingFullWidth(product).quotient)
            projects[i].slotCount = upTo - handedOut
            handedOut = upTo
        }
        return projects
    }
}

/// A point scattered around `centre` with a spread of `km`, kept inside the municipality.
func scatter(_ centre: GeoPoint, km: Double, _ rng: inout CityRandom) -> GeoPoint {
    let p = centre.offset(northKm: rng.normal() * km, eastKm: rng.normal() * km)
    return GeoPoint(
        lat: min(Shanghai.maxLat, max(Shanghai.minLat, p.lat)),
        lon: min(Shanghai.maxLon, max(Shanghai.minLon, p.lon)))
}

/// Whole micro-degrees, the precision written to the files (about 0.1 m).
func microDegrees(_ p: GeoPoint) -> (lat: Int, lon: Int) {
    (Int((p.lat * 1e6).rounded()), Int((p.lon * 1e6).rounded()))
}
