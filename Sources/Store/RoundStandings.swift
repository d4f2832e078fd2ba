import Allocation

extension Store {
    /// Everything "where you stand" needs for one round, read from what the run stored:
    /// the snapshot's four files, parsed by the contract's reader (the round's exact
    /// input), and its result rows with the round's mechanism and seed. Building the book
    /// costs about one `Market` (see `StandingBook`); callers keep it per round.
    ///
    /// `StoreError` `roundNotRun` / `roundNotFound` when the round has no snapshot.
    public func standingBook(_ roundID: String) throws -> StandingBook {
        let input = try snapshot(roundID).parse()
        let result = try results(roundID)
        return StandingBook(input: input, result: result)
    }
}
