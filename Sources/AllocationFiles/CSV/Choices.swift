/// The values of an enumerated column, matched on bytes exactly (case-sensitive, as the
/// contract spells them) without building a String per cell; built once per file.
struct Choices<E> {
    private let table: [([UInt8], E)]
    /// The accepted spellings, in declaration order, for messages.
    let names: String
    /// The accepted spellings, in declaration order.
    let spellings: [String]

    init() where E: RawRepresentable & CaseIterable, E.RawValue == String {
        table = E.allCases.map { (Array($0.rawValue.utf8), $0) }
        spellings = E.allCases.map(\.rawValue)
        names = spellings.joined(separator: ", ")
    }

    func match(_ bytes: UnsafeBufferPointer<UInt8>) -> E? {
        for (spelling, value) in table where spelling.count == bytes.count && spelling.elementsEqual(bytes) {
            return value
        }
        return nil
    }
}

extension Choices: Sendable where E: Sendable {}
