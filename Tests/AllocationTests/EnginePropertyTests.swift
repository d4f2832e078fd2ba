import Testing

@testable import Allocation

/// The engine against the independent reference on hundreds of random rounds. Every failure
/// prints the instance seed, the whole instance, and the engine's and reference's rows.
@Suite struct EnginePropertyTests {
    /// Runs the engine and checks the output contract; returns its assignment.
    static func run(
        _ g: RandomInstance, _ ref: ReferenceAllocator, _ mechanism: Mechanism, instance: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> (result: RoundResult, assignment: [Int?]) {
        let result = Allocator.run(g.input, mechanism: mechanism, seed: g.seed)
        let checked = EngineChecks.assignment(from: result, ref, mechanism: mechanism)
        if !checked.problems.isEmpty {
            Issue.record(
                Comment(
                    rawValue: InstanceDescription.report(
                        "\(mechanism) output breaks the contract:\n  " + checked.problems.joined(separator: "\n  "),
                        instance: instance, ref, engine: result.rows, reference: [])),
                sourceLocation: sourceLocation)
        }
        return (result, checked.assignment)
    }

    static func expectSame(
        _ what: String, _ engine: RoundResult, _ ref: ReferenceAllocator, _ expected: [Int?], instance: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let reference = InstanceDescription.referenceRows(ref, expected)
        let diff = EngineChecks.differences(engine: engine.rows, reference: reference)
        if !diff.isEmpty {
            Issue.record(
                Comment(
                    rawValue: InstanceDescription.report(
                        "\(what) differs:\n  " + diff.joined(separator: "\n  "), instance: instance, ref,
                        engine: engine.rows, reference: reference)),
                sourceLocation: sourceLocation)
        }
    }

    @Test("serial equals the reference serial", arguments: 0..<UInt64(400))
    func serialMatchesReference(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: instance % 2 == 0 ? .small : .medium)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        let engine = Self.run(g, ref, .serial, instance: instance)
        Self.expectSame("serial", engine.result, ref, ref.serial(), instance: instance)
    }

    @Test("deferred acceptance equals the reference slot-level Gale–Shapley", arguments: 0..<UInt64(400))
    func deferredAcceptanceMatchesReference(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: instance % 2 == 0 ? .small : .medium)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        let engine = Self.run(g, ref, .deferredAcceptance, instance: instance)
        Self.expectSame("deferred_acceptance", engine.result, ref, ref.deferredAcceptance(), instance: instance)
    }

    @Test("serial and DA equal the reference on rounds large enough for parallel work", arguments: 6000..<UInt64(6004))
    func largeRoundsMatchReference(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: .large)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        let serial = Self.run(g, ref, .serial, instance: instance)
        let da = Self.run(g, ref, .deferredAcceptance, instance: instance)
        let serialDiff = EngineChecks.differences(
            engine: serial.result.rows, reference: InstanceDescription.referenceRows(ref, ref.serial()))
        let daDiff = EngineChecks.differences(
            engine: da.result.rows, reference: InstanceDescription.referenceRows(ref, ref.deferredAcceptance()))
        // The instance is too big to print usefully: regenerate it from the seed to debug.
        #expect(serialDiff.isEmpty, "instance \(instance), serial: \(serialDiff.prefix(10))")
        #expect(daDiff.isEmpty, "instance \(instance), DA: \(daDiff.prefix(10))")
        #expect(EngineChecks.blockingPairs(da.assignment, ref).isEmpty, "instance \(instance)")
    }

    @Test("deferred acceptance leaves no blocking pair", arguments: 1000..<UInt64(1300))
    func deferredAcceptanceIsStable(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: .medium)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        let engine = Self.run(g, ref, .deferredAcceptance, instance: instance)
        let blocking = EngineChecks.blockingPairs(engine.assignment, ref)
        #expect(
            blocking.isEmpty,
            Comment(
                rawValue: InstanceDescription.report(
                    "blocking pairs: \(blocking)", instance: instance, ref, engine: engine.result.rows, reference: [])))
    }

    @Test("deferred acceptance equals serial without local priority", arguments: 2000..<UInt64(2300))
    func deferredAcceptanceIsSerialWithoutLocalPriority(instance: UInt64) {
        let generated = RandomInstance(seed: instance, shape: instance % 2 == 0 ? .small : .medium)
        var input = generated.input
        input.policy.localPriority = false
        let g = RandomInstance(replacing: generated, input: input)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        let serial = Self.run(g, ref, .serial, instance: instance).result
        let da = Self.run(g, ref, .deferredAcceptance, instance: instance).result
        let diff = EngineChecks.differences(engine: da.rows, reference: serial.rows)
        #expect(
            diff.isEmpty,
            Comment(
                rawValue: InstanceDescription.report(
                    "engine DA (first) vs engine serial (second): \(diff)", instance: instance, ref, engine: da.rows,
                    reference: serial.rows)))
    }

    @Test(
        "optimal matches the brute-force optimum on tiny rounds",
        arguments: 3000..<UInt64(3400))
    func optimalMatchesBruteForce(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: .tiny)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        let engine = Self.run(g, ref, .optimal, instance: instance)
        let best = ref.bruteForceOptimum()
        let got = (offered: engine.result.offered, totalCommute: engine.result.totalCommuteMin)
        #expect(
            got == best,
            Comment(
                rawValue: InstanceDescription.report(
                    "optimal \(got) vs brute force \(best)", instance: instance, ref, engine: engine.result.rows,
                    reference: InstanceDescription.referenceRows(ref, ref.serial()))))
    }

    @Test(
        "optimal is optimal on larger rounds and never offers fewer than serial or DA",
        arguments: 4000..<UInt64(4150))
    func optimalBeatsOtherMechanisms(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: .medium)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        let optimal = Self.run(g, ref, .optimal, instance: instance).result
        let serial = Self.run(g, ref, .serial, instance: instance).result
        let da = Self.run(g, ref, .deferredAcceptance, instance: instance).result
        let best = ref.flowOptimum()
        let got = (offered: optimal.offered, totalCommute: optimal.totalCommuteMin)
        func report() -> Comment {
            Comment(
                rawValue: InstanceDescription.report(
                    "optimal \(got), min-cost flow \(best), serial \(serial.offered), DA \(da.offered)",
                    instance: instance, ref,
                    engine: optimal.rows, reference: []))
        }
        #expect(got == best, report())
        #expect(optimal.offered >= serial.offered && optimal.offered >= da.offered, report())
    }

    @Test(
        "optimal by column generation: one arc at first and one more per round, warm or afresh, with or without serial's arcs, reaches the same optimum",
        arguments: 4200..<UInt64(4320))
    func optimalWithTinyColumnBudget(instance: UInt64) {
        let g = RandomInstance(seed: instance, shape: instance % 2 == 0 ? .medium : .small)
        let ref = ReferenceAllocator(g.input, seed: g.seed)
        let result = Allocator.run(
            g.input, mechanism: .optimal, seed: g.seed,
            optimalBudget: OptimalMechanism.Budget(initialArcs: 1, addedArcs: 1), progress: nil)
        let best = ref.flowOptimum()
        let got = (offered: result.offered, totalCommute: result.totalCommuteMin)
        #expect(
            got == best,
            Comment(rawValue: InstanceDescription.report(
                "optimal with budget (1, 1) \(got), min-cost flow \(best)", instance: instance, ref,
                engine: result.rows, reference: [])))
        // The canonical optimum does not depend on the path column generation took: the budget, or
        // whether rounds start warm from the last optimum (`ClassShortestPaths.warmStart`).
        let standard = Allocator.run(g.input, mechanism: .optimal, seed: g.seed)
        #expect(standard.rows == result.rows, "instance \(instance): budgets (1, 1) and the default chose different optima")
        let choices: [(OptimalMechanism.WarmStarts, Bool, OptimalMechanism.WarmStarts, OptimalMechanism.WarmStarts)] = [
            (.always, true, .never, .never), (.never, false, .never, .always), (.always, false, .never, .always),
            (.measured, false, .measured, .measured), (.never, true, .always, .always), (.always, false, .always, .never),
            (.always, true, .always, .always),
        ]
        for (warm, serialSeed, auction, pairScans) in choices {
            let forced = Allocator.run(
                g.input, mechanism: .optimal, seed: g.seed,
                optimalBudget: OptimalMechanism.Budget(
                    initialArcs: 1, addedArcs: 1, warmStarts: warm, serialSeed: serialSeed, auctionSeeds: auction,
                    pairScans: pairScans),
                progress: nil)
            #expect(
                standard.rows == forced.rows,
                "instance \(instance): warm starts \(warm), serial seed \(serialSeed), auction seeds \(auction), pair scans \(pairScans) chose another optimum")
        }
    }
}
