import Testing

@testable import Allocation

/// The reference checked against itself and against the contract's own claims, so that a
/// disagreement with the engine points at the engine, not at the reference.
@Suite struct ReferenceSelfTests {
    @Test("reference DA equals reference serial when local priority is off", arguments: 0..<UInt64(300))
    func daEqualsSerialWithoutLocalPriority(instance: UInt64) {
        var generated = RandomInstance(seed: instance, shape: .small)
        var input = generated.input
        input.policy.localPriority = false
        generated = RandomInstance(replacing: generated, input: input)
        let ref = ReferenceAllocator(generated.input, seed: generated.seed)
        #expect(ref.deferredAcceptance() == ref.serial(), "\(InstanceDescription.describe(ref.input, seed: ref.seed))")
    }

    @Test("reference DA is stable and serial/DA never beat the brute-force optimum", arguments: 0..<UInt64(300))
    func optimumBoundsOtherMechanisms(instance: UInt64) {
        let generated = RandomInstance(seed: instance, shape: .tiny)
        let ref = ReferenceAllocator(generated.input, seed: generated.seed)
        let best = ref.bruteForceOptimum()
        let flow = ref.flowOptimum()
        #expect(best == flow, "brute force \(best) vs min-cost flow \(flow)")
        for assignment in [ref.serial(), ref.deferredAcceptance()] {
            let score = ref.score(assignment)
            #expect(score.offered <= best.offered)
            if score.offered == best.offered { #expect(score.totalCommute >= best.totalCommute) }
        }
        let blocking = EngineChecks.blockingPairs(ref.deferredAcceptance(), ref)
        #expect(blocking.isEmpty, "\(blocking)")
    }

    @Test("min-cost flow agrees with brute force on tiny instances of every shape", arguments: 300..<UInt64(500))
    func flowMatchesBruteForce(instance: UInt64) {
        let generated = RandomInstance(seed: instance, shape: .tiny)
        let ref = ReferenceAllocator(generated.input, seed: generated.seed)
        #expect(ref.bruteForceOptimum() == ref.flowOptimum())
    }

    @Test("the reference does not depend on input order", arguments: 0..<UInt64(100))
    func referenceIgnoresInputOrder(instance: UInt64) {
        let generated = RandomInstance(seed: instance, shape: .small)
        let a = ReferenceAllocator(generated.input, seed: generated.seed)
        let b = ReferenceAllocator(generated.shuffled(seed: instance), seed: generated.seed)
        #expect(InstanceDescription.referenceRows(a, a.serial()) == InstanceDescription.referenceRows(b, b.serial()))
        #expect(
            InstanceDescription.referenceRows(a, a.deferredAcceptance())
                == InstanceDescription.referenceRows(b, b.deferredAcceptance()))
    }

    @Test("random instances exercise every rule")
    func generatorCoverage() {
        var seen = Set<String>()
        for instance in 0..<UInt64(200) {
            let g = RandomInstance(seed: instance, shape: .small)
            let ref = ReferenceAllocator(g.input, seed: g.seed)
            if g.input.policy.localPriority, ref.deferredAcceptance() != ref.serial() {
                seen.insert("da differs from serial")
            }
            if ref.eligible.contains(where: { $0.contains(true) }) { seen.insert("some eligible") }
            if ref.preferences.contains(where: { $0.isEmpty }) { seen.insert("some ineligible") }
            if ref.outcomeCounts(ref.serial())[.unmatched, default: 0] > 0 { seen.insert("some unmatched") }
            if g.input.slots.contains(where: { $0.kind == .bed && $0.gender != .any }) { seen.insert("gendered bed") }
            if g.input.applicants.contains(where: { $0.birthDate.month == 2 && $0.birthDate.day == 29 }) {
                seen.insert("leap birthday")
            }
        }
        #expect(seen.count == 6, "\(seen)")
    }
}

extension RandomInstance {
    /// The same generated round with an edited input (for variations of one instance).
    init(replacing original: RandomInstance, input: RoundInput) {
        self.input = input
        self.seed = original.seed
    }
}

extension ReferenceAllocator {
    func outcomeCounts(_ assignment: [Int?]) -> [ApplicantResult.Outcome: Int] {
        var counts: [ApplicantResult.Outcome: Int] = [:]
        for a in input.applicants.indices { counts[outcome(of: a, in: assignment), default: 0] += 1 }
        return counts
    }
}
