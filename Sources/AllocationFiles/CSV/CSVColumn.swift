/// A column a file of the contract defines: its header name, and whether it may be left
/// out (of a row, or of the header altogether).
struct CSVColumn {
    let name: String
    let optional: Bool

    init(_ name: String, optional: Bool = false) {
        self.name = name
        self.optional = optional
    }
}
