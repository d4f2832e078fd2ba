extension Store {
    /// The reason stored on an offer that expired.
    public static let expiryReason = "declined by silence: not answered by the deadline"

    /// Expires every live offer of this city whose deadline has passed on the database
    /// clock (`deadline < now()`): each becomes `expired`, counts as a refusal exactly like
    /// a decline, and frees its slot; a round left without live offers is closed. Returns
    /// how many offers this call expired.
    ///
    /// Each offer is expired in its own short transaction, locked and re-checked there, so
    /// this is safe to run from several processes at once and alongside accepts: of an
    /// accept and an expiry racing for one offer exactly one wins, and an offer expired by
    /// another run is not counted twice. A round whose policy has a bad `offers` value
    /// stops the run with `StoreError.invalid` (offers expired before it stay expired).
    @discardableResult
    public func expireDue() throws -> Int {
        let due = try connection.query(
            "SELECT offer_id FROM offers WHERE city = $1 AND status = 'offered' AND deadline < now() ORDER BY offer_id",
            [city])
        var expired = 0
        for row in due {
            let id = Int64(try row.decode(Int.self, "offer_id"))
            let didExpire = try retryingTransaction { () throws -> Bool in
                let offer = try lockLiveOrAnswered(id)
                // Another transaction may have answered it since the list was read; and a
                // deadline is compared again on this transaction's clock.
                guard offer.status == .offered, !offer.inTime else { return false }
                _ = try refuse(offer, as: .expired, reason: Self.expiryReason)
                return true
            }
            if didExpire { expired += 1 }
        }
        return expired
    }
}
