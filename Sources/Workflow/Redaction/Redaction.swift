/// A text after redaction, and the labels of what was removed from it (each once, in order).
public struct Redaction: Sendable, Hashable {
    public var text: String
    public var removed: [String]

    public var changed: Bool { !removed.isEmpty }

    /// What the visitor is told, once per chat, the first time something is removed.
    public var visitorNotice: String {
        let names = removed.map { label in
            switch RedactionDetector(rawValue: label) {
            case .card: "card numbers"
            case .iban: "bank account numbers (IBAN)"
            case .email: "e-mail addresses"
            case .phone: "phone numbers"
            case nil: label
            }
        }
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1] : names.first ?? ""
        return "For your safety, \(list) are removed from the messages of this chat; please do not send them here."
    }
}
