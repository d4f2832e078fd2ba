extension String {
    /// Byte-wise (UTF-8) ordering, as the contract requires for ids: never locale, never
    /// Unicode canonical equivalence (which Swift's `<` uses).
    @inlinable
    public func utf8Less(_ other: String) -> Bool {
        utf8.lexicographicallyPrecedes(other.utf8)
    }
}
