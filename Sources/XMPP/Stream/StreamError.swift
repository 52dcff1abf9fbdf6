/// A stream-level error (RFC 6120 §4.9): fatal for the stream that carries it.
public struct StreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The defined stream error conditions.
    public enum Condition: String, Sendable, Hashable, CaseIterable {
        case badFormat = "bad-format"
        case badNamespacePrefix = "bad-namespace-prefix"
        case conflict
        case connectionTimeout = "connection-timeout"
        case hostGone = "host-gone"
        case hostUnknown = "host-unknown"
        case improperAddressing = "improper-addressing"
        case internalServerError = "internal-server-error"
        case invalidFrom = "invalid-from"
        case invalidNamespace = "invalid-namespace"
        case invalidXML = "invalid-xml"
        case notAuthorized = "not-authorized"
        case notWellFormed = "not-well-formed"
        case policyViolation = "policy-violation"
        case remoteConnectionFailed = "remote-connection-failed"
        case reset
        case resourceConstraint = "resource-constraint"
        case restrictedXML = "restricted-xml"
        case seeOtherHost = "see-other-host"
        case systemShutdown = "system-shutdown"
        case undefinedCondition = "undefined-condition"
        case unsupportedEncoding = "unsupported-encoding"
        case unsupportedFeature = "unsupported-feature"
        case unsupportedStanzaType = "unsupported-stanza-type"
        case unsupportedVersion = "unsupported-version"
    }

    public var condition: Condition
    /// A human-readable explanation.
    public var text: String?

    public init(_ condition: Condition, _ text: String? = nil) {
        self.condition = condition
        self.text = text
    }

    public var description: String {
        text.map { "stream error \(condition.rawValue): \($0)" } ?? "stream error \(condition.rawValue)"
    }

    /// Reads a received `<stream:error/>`; nil for any other element.
    public init?(_ element: XMLElement) {
        guard element.name == "error", element.namespace == Namespace.stream else { return nil }
        let children = Array(element.elements.filter { $0.namespace == Namespace.streamErrors })
        let condition = children.lazy.compactMap { Condition(rawValue: $0.name) }.first
        self.init(condition ?? .undefinedCondition, children.first { $0.name == "text" }?.text)
    }

    /// The `<stream:error/>` element to send.
    public var element: XMLElement {
        var error = XMLElement("error", namespace: Namespace.stream)
        error.append(XMLElement(condition.rawValue, namespace: Namespace.streamErrors))
        if let text {
            error.append(.text("text", namespace: Namespace.streamErrors, text))
        }
        return error
    }
}
