import Allocation
import Store

/// `POST /v1/operator/projects/{projectId}/slots` body, `{"slots": [...]}`. Each slot is kept
/// as raw JSON values and read field by field, so a missing field, a wrong type or an
/// unknown value is a 422 problem of that field, listed with every other one (not a 400).
struct AddSlotsRequest: Decodable {
    var slots: [SlotFields]

    /// Every slot read (nil where a field could not be), and the problems found reading them.
    func read() -> (slots: [NewSlot?], problems: [NewSlotProblem]) {
        var problems: [NewSlotProblem] = []
        let slots = self.slots.enumerated().map { index, fields in
            var reader = SlotFieldReader(index: index, fields: fields.values)
            let slot = reader.slot()
            problems += reader.problems
            return slot
        }
        return (slots, problems)
    }
}

/// One slot of the body: its fields as JSON values by camelCase name (the decoder turns
/// `max_household` into `maxHousehold`, and leaves `maxHousehold` as it is), or nil when the
/// slot is not a JSON object.
struct SlotFields: Decodable {
    var values: [String: JSONAny]?

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: Key.self) else { return }
        var values: [String: JSONAny] = [:]
        for key in container.allKeys { values[key.stringValue] = try container.decode(JSONAny.self, forKey: key) }
        self.values = values
    }
}

/// Reads one slot's fields, noting each that is missing, of the wrong JSON type or not one
/// of its values, named as documented (`slots[2].rent`). An optional field may be null.
struct SlotFieldReader {
    let index: Int
    let fields: [String: JSONAny]?
    private(set) var problems: [NewSlotProblem] = []

    init(index: Int, fields: [String: JSONAny]?) {
        self.index = index
        self.fields = fields
    }

    mutating func slot() -> NewSlot? {
        guard fields != nil else {
            problems.append(NewSlotProblem(index: index, field: nil, message: "must be a JSON object"))
            return nil
        }
        let slotID = string("slot_id")
        let kind = choice("kind", [Slot.Kind.apartment, .bed])
        let roomID = string("room_id", required: false)
        let maxHousehold = integer("max_household")
        let rent = integer("rent")
        let gender = choice("gender", [Slot.Gender.any, .female, .male])
        let accessible = boolean("accessible")
        let status = choice("status", [Slot.Status.available, .maintenance], required: false)
        let employer = string("reserved_employer_id", required: false)
        guard problems.isEmpty, let slotID, let kind, let maxHousehold, let rent, let gender, let accessible else {
            return nil
        }
        return NewSlot(
            slotID: slotID, kind: kind, roomID: roomID, maxHousehold: maxHousehold, rent: rent, gender: gender,
            accessible: accessible, status: status ?? .available, reservedEmployerID: employer)
    }

    /// The value of `field` (sent in snake_case or camelCase); nil when absent or null,
    /// which is a problem when the field is required.
    private mutating func value(_ field: String, required: Bool) -> JSONAny? {
        let parts = field.split(separator: "_")
        let camel = parts.prefix(1).joined() + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let value = fields?[camel]
        if value == nil || value == .null {
            if required { report(field, "required") }
            return nil
        }
        return value
    }

    private mutating func report(_ field: String, _ message: String) {
        problems.append(NewSlotProblem(index: index, field: field, message: message))
    }

    private mutating func string(_ field: String, required: Bool = true) -> String? {
        guard let value = value(field, required: required) else { return nil }
        guard case .string(let text) = value else { report(field, "must be a string"); return nil }
        return text
    }

    private mutating func integer(_ field: String) -> Int? {
        switch value(field, required: true) {
        case .int(let number)?: return Int(number)
        case .double(let number)? where number.rounded() == number && abs(number) < 9.0e15: return Int(number)
        case nil: return nil
        default: report(field, "must be a whole number"); return nil
        }
    }

    private mutating func boolean(_ field: String) -> Bool? {
        guard let value = value(field, required: true) else { return nil }
        guard case .bool(let flag) = value else { report(field, "must be true or false"); return nil }
        return flag
    }

    private mutating func choice<T: RawRepresentable<String>>(_ field: String, _ allowed: [T], required: Bool = true) -> T? {
        guard let text = string(field, required: required) else { return nil }
        guard let choice = allowed.first(where: { $0.rawValue == text }) else {
            let shown = text.count <= 70 ? text : text.prefix(64) + "…"
            report(field, "\"\(shown)\" is not one of \(allowed.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return choice
    }
}
