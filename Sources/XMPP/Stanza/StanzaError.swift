/// A stanza-level error (RFC 6120 §8.3): the stanza failed, the stream goes on.
public struct StanzaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The defined stanza error conditions.
    public enum Condition: String, Sendable, Hashable, CaseIterable {
        case badRequest = "bad-request"
        case conflict
        case featureNotImplemented = "feature-not-implemented"
        case forbidden
        case gone
        case internalServerError = "internal-server-error"
        case itemNotFound = "item-not-found"
        case jidMalformed = "jid-malformed"
        case notAcceptable = "not-acceptable"
        case notAllowed = "not-allowed"
        case notAuthorized = "not-authorized"
        case policyViolation = "policy-violation"
        case recipientUnavailable = "recipient-unavailable"
        case redirect
        case registrationRequired = "registration-required"
        case remoteServerNotFound = "remote-server-not-found"
        case remoteServerTimeout = "remote-server-timeout"
        case resourceConstraint = "resource-constraint"
        case serviceUnavailable = "service-unavailable"
        case subscriptionRequired = "subscription-required"
        case undefinedCondition = "undefined-condition"
        case unexpectedRequest = "unexpected-request"

        /// The error type RFC 6120 §8.3.3 suggests for the condition.
        public var defaultType: Kind {
            switch self {
            case .badRequest, .jidMalformed, .notAcceptable, .policyViolation, .redirect: .modify
            case .forbidden, .notAuthorized, .registrationRequired, .subscriptionRequired: .auth
            case .recipientUnavailable, .remoteServerTimeout, .resourceConstraint, .unexpectedRequest: .wait
            default: .cancel
            }
        }
    }

    /// What the sender may do about it.
    public enum Kind: String, Sendable, Hashable { case auth, cancel, `continue`, modify, wait }

    public var condition: Condition
    public var type: Kind
    /// A human-readable explanation.
    public var text: String?

    public init(_ condition: Condition, text: String? = nil, type: Kind? = nil) {
        self.condition = condition
        self.type = type ?? condition.defaultType
        self.text = text
    }

    /// Reads an `<error/>` child of a stanza.
    public init(_ element: XMLElement) {
        let children = element.elements.filter { $0.namespace == Namespace.stanzaErrors }
        let condition = children.lazy.compactMap { Condition(rawValue: $0.name) }.first ?? .undefinedCondition
        self.init(
            condition, text: children.first { $0.name == "text" }?.text,
            type: element[attribute: "type"].flatMap(Kind.init(rawValue:)))
    }

    /// The `<error/>` element, in the namespace of the stanza that carries it.
    public func element(namespace: String = Namespace.client) -> XMLElement {
        var error = XMLElement("error", namespace: namespace, attributes: [XMLAttribute("type", type.rawValue)])
        error.append(XMLElement(condition.rawValue, namespace: Namespace.stanzaErrors))
        if let text { error.append(.text("text", namespace: Namespace.stanzaErrors, text)) }
        return error
    }

    public var description: String {
        text.map { "\(condition.rawValue): \($0)" } ?? condition.rawValue
    }
}
