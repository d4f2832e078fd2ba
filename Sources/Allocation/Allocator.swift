/// The engine's entry point: one call computes a whole round.
public enum Allocator {
    /// Computes the round for `input` with `mechanism` and lottery `seed` (both usually
    /// the policy's, after any override). Deterministic: the same arguments give the same
    /// result, whatever the order of the input arrays. `progress`, when given, is told the
    /// fraction of work done (0...1) from time to time, from any thread.
    ///
    /// Traps on the one round it cannot compute exactly (see `RoundLimitError`): callers
    /// that take rounds from outside use `solve`, which reports it instead.
    public static func run(
        _ input: RoundInput, mechanism: Mechanism, seed: String,
        progress: (@Sendable (Double) -> Void)? = nil
    ) -> RoundResult {
        do {
            return try solve(input, mechanism: mechanism, seed: seed, progress: progress)
        } catch {
            preconditionFailure("Allocator.run: \(error.message)")
        }
    }

    /// As `run`, but a round beyond the engine's exact range is an error, not a trap.
    /// `phaseEnded`, when given, is called on the calling thread with the name of each
    /// phase as it ends (priorities, preferences, the mechanism, explanations), so a
    /// caller can time them; the engine itself reads no clock.
    /// `ties` decides which of several equally good `optimal` allocations is returned
    /// (`OptimalTies`); only `round verify` of a round run before the canonical rule asks
    /// for another than the default.
    public static func solve(
        _ input: RoundInput, mechanism: Mechanism, seed: String, ties: OptimalTies = .canonical,
        progress: (@Sendable (Double) -> Void)? = nil, phaseEnded: ((String) -> Void)? = nil
    ) throws(RoundLimitError) -> RoundResult {
        try compute(
            input, mechanism: mechanism, seed: seed, optimalBudget: OptimalMechanism.Budget(), ties: ties,
            progress: progress, phaseEnded: phaseEnded)
    }

    /// As `run`, with the column-generation budget of `optimal` chosen (for tests).
    static func run(
        _ input: RoundInput, mechanism: Mechanism, seed: String, optimalBudget: OptimalMechanism.Budget,
        progress: (@Sendable (Double) -> Void)?
    ) -> RoundResult {
        do {
            return try compute(
                input, mechanism: mechanism, seed: seed, optimalBudget: optimalBudget, ties: .canonical, progress: progress)
        } catch {
            preconditionFailure("Allocator.run: \(error.message)")
        }
    }

    static func compute(
        _ input: RoundInput, mechanism: Mechanism, seed: String, optimalBudget: OptimalMechanism.Budget,
        ties: OptimalTies, progress: (@Sendable (Double) -> Void)?, phaseEnded: ((String) -> Void)? = nil
    ) throws(RoundLimitError) -> RoundResult {
        let market = Market(input, seed: seed)
        phaseEnded?("lottery, priorities, groups")
        let n = input.applicants.count
        let counter = ProgressCounter(total: 2 * max(1, n), report: progress)
        // Serial reads preferences lazily, nearest first, as far as it needs them. Deferred acceptance and optimal take every
        // open project of everyone up front: lazily, deferred acceptance's unmatched
        // majority read every band, which measured slower (BENCHMARKS.md, "Scale").
        // The eager lists live only inside their case: what explanations need of them is
        // read out first, so they are let go before the result rows are made.
        let summaries: Summaries
        let slotPositionOf: [Int32]
        var ineligibleRead: [Int32: OutcomeReason] = [:]
        // Shared by whoever reads the ineligible applicants' reasons (`IneligibleMemo`).
        let memo = IneligibleMemo()
        // Serial runs on one core. Meanwhile the other reads what the explanations need
        // that does not depend on its outcome (`Parallel.Ahead`): the summaries of everyone's
        // open projects and the reasons of those with none. (Deferred acceptance builds its
        // lists on the other core as it runs; optimal keeps both cores busy itself, and its
        // memory peak is the round's.)
        switch mechanism {
        case .serial:
            // What only the summaries read (the blocks) is built on the reading core too.
            let nearest = NearestLists(market, summaries: false)
            phaseEnded?("eligibility and preferences")
            let ahead = Parallel.Ahead(count: n, prepare: { NearestLists(market) }) {
                lists, range -> (stored: [Summaries.Stored], reasons: [Int32: OutcomeReason]) in
                let stored = range.map { Summaries.store(lists, $0) }
                return (
                    stored,
                    Self.ineligibleReasons(market, range.filter { stored[$0 - range.lowerBound].count == 0 }, memo: memo)
                )
            }
            slotPositionOf = SerialMechanism.run(market, nearest, progress: counter)
            phaseEnded?("mechanism (\(mechanism.rawValue))")
            var read = ahead.take()
            ineligibleRead = Self.merged(read.parts.lazy.map(\.reasons))
            var stored = read.parts.map(\.stored)
            read.parts = []
            summaries = Summaries(read.prepared, slotPositionOf: slotPositionOf, after: Parallel.join(&stored))
        case .deferredAcceptance:
            // The lists are built as the mechanism runs, on both cores (see
            // `runBuildingLists`); where they need 64-bit entries, first.
            if let run = DeferredAcceptanceMechanism.runBuildingLists(market, progress: counter) {
                slotPositionOf = run.slots
                phaseEnded?("preferences and mechanism (\(mechanism.rawValue))")
                summaries = Summaries(built: run.summaries, slotPositionOf: slotPositionOf)
            } else {
                let lists = ProjectLists(market, progress: counter)
                phaseEnded?("eligibility and preferences")
                slotPositionOf = DeferredAcceptanceMechanism.run(market, lists, progress: counter)
                phaseEnded?("mechanism (\(mechanism.rawValue))")
                summaries = Summaries(NearestLists(market, eager: lists), slotPositionOf: slotPositionOf)
            }
        case .optimal:
            let lists = ProjectLists(market, progress: counter)
            phaseEnded?("eligibility and preferences")
            slotPositionOf = try OptimalMechanism.run(market, lists, budget: optimalBudget, ties: ties, progress: counter)
            phaseEnded?("mechanism (\(mechanism.rawValue))")
            summaries = Summaries(NearestLists(market, eager: lists), slotPositionOf: slotPositionOf)
        }
        // The lists and the mechanism's state are gone: hand their pages back before the
        // result rows are made, which would otherwise come on top of them.
        Parallel.returnFreedMemory()
        counter.set(n)
        let explain = Explanations(
            market, summaries, mechanism: mechanism, slotPositionOf: slotPositionOf, ineligibleRead: ineligibleRead,
            ineligibleMemo: memo)
        // Rows are made in the contract's order (applicant id, byte-wise) straight away:
        // sorting the finished rows moved every row twice and held them twice.
        let order = idOrder(input.applicants)
        let chunks = max(1, min(64, n / 256))
        var parts = Parallel.map(chunks: chunks) { chunk -> [ApplicantResult] in
            var rows: [ApplicantResult] = []
            let range = Parallel.range(chunk, of: chunks, count: n)
            rows.reserveCapacity(range.count)
            for i in range {
                let a = Int(order[i])
                let applicant = input.applicants[a]
                let pos = Int(slotPositionOf[a])
                if pos >= 0 {
                    let slot = input.slots[Int(market.availableSlotIndices[pos])]
                    let project = input.projects[Int(market.groups[Int(market.classGroup[Int(market.classOfPosition[pos])])].project)]
                    let minutes = input.policy.commute.minutes(
                        fromLat: applicant.workLat, lon: applicant.workLon, toLat: project.lat, lon: project.lon)
                    rows.append(ApplicantResult(
                        applicantID: applicant.id, outcome: .offered, slotID: slot.id, projectID: project.id,
                        commuteMin: minutes, rent: slot.rent))
                } else {
                    let (outcome, reason) = explain.reason(a)
                    rows.append(ApplicantResult(applicantID: applicant.id, outcome: outcome, explanation: reason))
                }
                if i & 1023 == 1023 { counter.add(1024) }
            }
            return rows
        }
        let rows = Parallel.join(&parts)
        counter.set(2 * n)
        phaseEnded?("results and reasons")
        return RoundResult(mechanism: mechanism, seed: seed, rows: rows, slotsAvailable: market.availableSlotIndices.count)
    }

    /// The reasons read ahead, chunk by chunk, in one dictionary (chunks never overlap).
    private static func merged<S: Sequence<[Int32: OutcomeReason]>>(_ parts: S) -> [Int32: OutcomeReason] {
        parts.reduce(into: [:]) { all, part in all.merge(part) { x, _ in x } }
    }

    /// The reasons of `applicants`, each eligible for no slot, by applicant index.
    private static func ineligibleReasons(_ m: Market, _ applicants: [Int], memo: IneligibleMemo) -> [Int32: OutcomeReason] {
        Dictionary(uniqueKeysWithValues: applicants.map { (Int32($0), Explanations.ineligible(m, $0, memo: memo)) })
    }

    /// The applicants' indices ordered by id, byte-wise (the order of `results.csv`); ids
    /// are unique. Input files usually list applicants in that order already: then no sort.
    static func idOrder(_ applicants: [Applicant]) -> [Int32] {
        var order = (0..<applicants.count).map { Int32($0) }
        let sorted = zip(applicants, applicants.dropFirst()).allSatisfy { !$1.id.utf8Less($0.id) }
        if !sorted { order.sort { applicants[Int($0)].id.utf8Less(applicants[Int($1)].id) } }
        return order
    }
}
