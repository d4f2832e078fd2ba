import Crypto

/// How a frozen round's lottery seed is formed, published before the draw: a secret the
/// bureau commits to (the SHA-256 of its UTF-8 text), a public value that appears only
/// after the freeze (`publicSource` names it, `publicDate` is the day it appears), and
/// optionally independent witnesses who each commit to a secret of their own. Nobody —
/// the bureau included — can know the seed when the pool is frozen, so nobody can try
/// seeds in private until one suits them.
public struct SeedRecipe: Sendable, Equatable {
    /// A witness (a notary, applicants' representatives) and the SHA-256 of their secret.
    public struct Witness: Sendable, Equatable {
        public var name: String
        public var commitment: String
        public init(name: String, commitment: String) {
            self.name = name
            self.commitment = commitment
        }
    }

    /// Lowercase hex SHA-256 of the bureau's secret.
    public var bureauCommitment: String
    /// What the public value is, in words anyone can look up ("China Welfare Lottery 3D,
    /// draw 2026345", "SSE Composite Index close").
    public var publicSource: String
    /// The day the public value appears, YYYY-MM-DD.
    public var publicDate: String
    /// Witnesses, ordered by name byte-wise (the order the formula takes them in).
    public var witnesses: [Witness]

    /// A recipe as given; witnesses are put in name order and commitments in lowercase.
    public init(bureauCommitment: String, publicSource: String, publicDate: String, witnesses: [Witness] = []) {
        self.bureauCommitment = bureauCommitment.lowercased()
        self.publicSource = publicSource
        self.publicDate = publicDate
        self.witnesses = witnesses
            .map { Witness(name: $0.name, commitment: $0.commitment.lowercased()) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// Every problem with the recipe, each as (field, message); empty when it is usable.
    public var problems: [(field: String, message: String)] {
        var out: [(String, String)] = []
        if !SeedCeremony.isCommitment(bureauCommitment) {
            out.append(("bureau_commitment", "must be a SHA-256 in hex (64 of 0-9 a-f), not \"\(bureauCommitment)\""))
        }
        if let problem = SeedCeremony.textProblem(publicSource) { out.append(("public_source", problem)) }
        if CivilDate(iso: publicDate) == nil { out.append(("public_date", "must be a date YYYY-MM-DD, not \"\(publicDate)\"")) }
        var seen: Set<String> = []
        for w in witnesses {
            if !SeedCeremony.isWitnessName(w.name) {
                out.append(("witness", "\"\(w.name)\" is not a witness name (1-64 of A-Z a-z 0-9 _ - .)"))
            } else if !seen.insert(w.name).inserted {
                out.append(("witness", "witness \(w.name) is named twice"))
            }
            if !SeedCeremony.isCommitment(w.commitment) {
                out.append(("witness", "witness \(w.name): commitment must be a SHA-256 in hex (64 of 0-9 a-f), not \"\(w.commitment)\""))
            }
        }
        return out
    }
}

/// The parts revealed at the draw: the bureau's secret, the public value, and each
/// witness's secret by name.
public struct SeedReveal: Sendable, Equatable {
    public var bureauSecret: String
    public var publicValue: String
    public var witnessSecrets: [String: String]
    public init(bureauSecret: String, publicValue: String, witnessSecrets: [String: String] = [:]) {
        self.bureauSecret = bureauSecret
        self.publicValue = publicValue
        self.witnessSecrets = witnessSecrets
    }
}

/// The formula, `anju-seed-1`. The parts, in this order, each a label and a value:
///
///     bureau         the bureau's secret
///     public_source  the recipe's public source, as published
///     public_date    the recipe's public date, YYYY-MM-DD
///     public_value   the public value, as revealed
///     witness:NAME   each witness's secret, witnesses in name order (byte-wise)
///
/// The input text is `anju-seed-1\n` followed, for each part, by the label, `\n`, the
/// value's length in UTF-8 bytes in decimal, `\n`, the value and `\n`. A value carries its
/// own length, so no two different lists of parts give the same text. The seed is the
/// lowercase hex SHA-256 of that text's UTF-8 bytes; it feeds the lottery unchanged.
public enum SeedCeremony {
    /// The formula's name, published in every notice.
    public static let formula = "anju-seed-1"

    /// Lowercase hex SHA-256 of `secret`'s UTF-8 bytes: what a party publishes before the freeze.
    public static func commitment(_ secret: String) -> String {
        hex(Array(SHA256.hash(data: Array(secret.utf8))))
    }

    /// The labelled parts, in the formula's order.
    public static func parts(_ recipe: SeedRecipe, _ reveal: SeedReveal) -> [(label: String, value: String)] {
        [("bureau", reveal.bureauSecret), ("public_source", recipe.publicSource), ("public_date", recipe.publicDate),
         ("public_value", reveal.publicValue)]
            + recipe.witnesses.map { ("witness:" + $0.name, reveal.witnessSecrets[$0.name] ?? "") }
    }

    /// The formula's input text for these parts.
    public static func inputText(_ parts: [(label: String, value: String)]) -> String {
        var text = formula + "\n"
        for part in parts {
            text += part.label + "\n" + String(part.value.utf8.count) + "\n" + part.value + "\n"
        }
        return text
    }

    /// The seed formed from the revealed parts (check `mismatches` first).
    public static func seed(_ recipe: SeedRecipe, _ reveal: SeedReveal) -> String {
        hex(Array(SHA256.hash(data: Array(inputText(parts(recipe, reveal)).utf8))))
    }

    /// Every revealed part that does not match its commitment or the recipe, each as
    /// (field, message); empty when the draw may go ahead.
    public static func mismatches(_ recipe: SeedRecipe, _ reveal: SeedReveal) -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        if let problem = textProblem(reveal.bureauSecret) {
            out.append(("bureau_secret", problem))
        } else if commitment(reveal.bureauSecret) != recipe.bureauCommitment {
            out.append(("bureau_secret", "its SHA-256 is \(commitment(reveal.bureauSecret)), not the published commitment \(recipe.bureauCommitment)"))
        }
        if let problem = textProblem(reveal.publicValue) { out.append(("public_value", problem)) }
        let named = Set(recipe.witnesses.map(\.name))
        for w in recipe.witnesses {
            guard let secret = reveal.witnessSecrets[w.name] else {
                out.append(("witness", "witness \(w.name) committed before the freeze but revealed nothing"))
                continue
            }
            if let problem = textProblem(secret) {
                out.append(("witness", "witness \(w.name): \(problem)"))
            } else if commitment(secret) != w.commitment {
                out.append(("witness", "witness \(w.name): the secret's SHA-256 is \(commitment(secret)), not the published commitment \(w.commitment)"))
            }
        }
        for name in reveal.witnessSecrets.keys.sorted() where !named.contains(name) {
            out.append(("witness", "\(name) is not a witness of the published recipe"))
        }
        return out
    }

    /// 64 lowercase hex digits.
    public static func isCommitment(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// 1-64 of A-Z a-z 0-9 _ - . (the contract's identifiers).
    public static func isWitnessName(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy {
                (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 95 || $0 == 45 || $0 == 46
            }
    }

    /// Why a secret or public text cannot be a part: empty, or with a control character
    /// (which no one could copy reliably from a printed notice). Nil when it can.
    public static func textProblem(_ text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "must not contain control characters (tabs, line breaks)"
        }
        return nil
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
