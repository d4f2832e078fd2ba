import Foundation

@testable import Allocation

/// TEMPORARY while `optimal` waits for the transportation solver: set
/// ANJU_TESTS_SKIP_OPTIMAL=1 to test the other mechanisms alone.
enum TestedMechanisms {
    static let includeOptimal = ProcessInfo.processInfo.environment["ANJU_TESTS_SKIP_OPTIMAL"] == nil
    static let all: [Mechanism] = includeOptimal ? Mechanism.allCases : [.serial, .deferredAcceptance]
}
