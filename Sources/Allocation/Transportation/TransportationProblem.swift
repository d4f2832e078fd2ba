/// The core problem of the `optimal` mechanism: a bipartite transportation problem.
///
/// `sourceCount` applicants (sources) may each take at most one unit; `capacities.count` classes
/// (sinks) of interchangeable slots take at most `capacities[j]` units each; an arc applicant → class
/// carries an integer cost `≥ 0` (commute minutes). Wanted: an assignment with the most applicants
/// assigned and, among those, the least total cost.
///
/// Arcs are stored in CSR form: the arcs of applicant `i` are `arcStart[i]..<arcStart[i + 1]`, each
/// with its class `arcSink[e]` and cost `arcCost[e]`. Parallel arcs (the same applicant and class
/// twice) are allowed; only the cheapest of them can matter.
public struct TransportationProblem: Sendable {
    public var capacities: [Int]
    /// `sourceCount + 1` offsets into `arcSink` / `arcCost`, starting at 0 and non-decreasing.
    public var arcStart: [Int]
    public var arcSink: [Int32]
    public var arcCost: [Int32]

    public var sourceCount: Int { arcStart.count - 1 }
    public var sinkCount: Int { capacities.count }
    public var arcCount: Int { arcSink.count }

    public init(capacities: [Int], arcStart: [Int], arcSink: [Int32], arcCost: [Int32]) {
        self.capacities = capacities
        self.arcStart = arcStart
        self.arcSink = arcSink
        self.arcCost = arcCost
    }

    /// `nil` when the problem is well formed, else what is wrong. O(arcs).
    public func validationError() -> String? {
        switch scan() {
        case .failure(let problem): return problem.message
        case .success: return nil
        }
    }

    struct Problem: Error { var message: String }

    /// Largest cost the solver accepts; keeps every potential and path length far from overflow.
    static let costLimit: Int32 = 1 << 24

    /// Validates and returns the smallest and largest arc cost (0, 0 without arcs).
    func scan() -> Result<(minCost: Int32, maxCost: Int32), Problem> {
        guard let first = arcStart.first else { return .failure(Problem(message: "arcStart is empty; it needs sourceCount + 1 entries")) }
        guard first == 0 else { return .failure(Problem(message: "arcStart[0] is \(first), not 0")) }
        guard arcStart.last == arcSink.count, arcSink.count == arcCost.count else {
            return .failure(Problem(message: "arcStart ends at \(arcStart.last!), but there are \(arcSink.count) sinks and \(arcCost.count) costs"))
        }
        guard arcSink.count < Int(Int32.max), capacities.count < Int(Int32.max), sourceCount < Int(Int32.max) else {
            return .failure(Problem(message: "more than 2^31 - 1 arcs, classes or applicants"))
        }
        for i in 0..<sourceCount where arcStart[i] > arcStart[i + 1] {
            return .failure(Problem(message: "arcStart decreases at applicant \(i)"))
        }
        for (j, c) in capacities.enumerated() where c < 0 {
            return .failure(Problem(message: "class \(j) has negative capacity \(c)"))
        }
        let classCount = Int32(capacities.count)
        var minCost = Int32.max, maxCost: Int32 = 0
        var badSink = -1, badCost = -1
        arcSink.withUnsafeBufferPointer { sinks in
            arcCost.withUnsafeBufferPointer { costs in
                for e in 0..<sinks.count {
                    let j = sinks[e], c = costs[e]
                    if j < 0 || j >= classCount { badSink = e; return }
                    if c < 0 || c > Self.costLimit { badCost = e; return }
                    minCost = min(minCost, c)
                    maxCost = max(maxCost, c)
                }
            }
        }
        if badSink >= 0 { return .failure(Problem(message: "arc \(badSink) goes to class \(arcSink[badSink]), outside 0..<\(classCount)")) }
        if badCost >= 0 { return .failure(Problem(message: "arc \(badCost) has cost \(arcCost[badCost]), outside 0...\(Self.costLimit)")) }
        if arcSink.isEmpty { minCost = 0 }
        if Int(maxCost) > 0, capacities.count > (Int(1) << 60) / Int(maxCost) {
            return .failure(Problem(message: "classes × largest cost is too large"))
        }
        return .success((minCost, maxCost))
    }
}

/// An optimal assignment together with the dual prices that prove it optimal.
///
/// The certificate (see `TransportationSolver.certify`): with the per-unit reward `unitReward` (M),
/// the assignment maximises Σ over assigned applicants of `M − cost`, and `classPrice` is an optimal
/// dual: every applicant's surplus `max(0, max_j (M − cost(i, j) − classPrice[j]))` is attained by its
/// assignment (0 = unassigned), and a class with a positive price is full.
public struct TransportationSolution: Sendable, Equatable {
    /// Per applicant: its class, or -1 when unassigned.
    public var sinkOf: [Int32]
    /// Number of assigned applicants.
    public var assigned: Int
    /// Sum over assigned applicants of the (cheapest) arc cost to their class.
    public var totalCost: Int
    /// Dual price per class (≥ 0; > 0 only for full classes), in reward units.
    public var classPrice: [Int]
    /// The reward M per assigned applicant; M > classes × (largest cost), which makes
    /// "most assigned, then least cost" the same as "largest Σ (M − cost)".
    public var unitReward: Int
    /// How the solver got there (does not affect the answer).
    public var statistics: TransportationStatistics

    public init(
        sinkOf: [Int32], assigned: Int, totalCost: Int, classPrice: [Int], unitReward: Int,
        statistics: TransportationStatistics = TransportationStatistics()
    ) {
        self.sinkOf = sinkOf
        self.assigned = assigned
        self.totalCost = totalCost
        self.classPrice = classPrice
        self.unitReward = unitReward
        self.statistics = statistics
    }
}

public struct TransportationStatistics: Sendable, Equatable {
    /// True when the searches routed applicants (slots outnumber applicants), false when they routed
    /// units of class capacity.
    public var routedApplicants = false
    /// Passes that placed arcs into class-major order (slot routing only).
    public var scatterPasses: Int = 0
    /// Arcs revealed into the classes' cheapest-first lists (the rest were never looked at).
    public var listedArcs: Int = 0
    /// Shortest-path searches (one per routed unit, except batched unfilled slots).
    public var searches: Int = 0
    /// Classes settled over all searches.
    public var settledClasses: Int = 0
    /// List entries examined over all searches (class pairs, where pair scans are on: `ClassPairs`).
    public var scannedEntries: Int = 0
    /// True when slot routing's arc keys were 32-bit (`ClassArcs`), false for 64-bit or applicant routing.
    public var narrowKeys = false

    public init() {}
}
