import NIOCore

/// An XML element with its namespace resolved: the unit an XMPP stream carries.
public struct XMLElement: Sendable, Hashable {
    public var name: String
    /// The namespace URI the element is in (`jabber:client` for a client stanza).
    public var namespace: String
    public var attributes: [XMLAttribute]
    public var children: [XMLChild]

    public init(
        _ name: String,
        namespace: String,
        attributes: [XMLAttribute] = [],
        children: [XMLChild] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
    }

    /// The value of the attribute `name` (without namespace), or nil; setting nil removes it.
    public subscript(attribute name: String) -> String? {
        get { attributes.first { $0.name == name && $0.namespace == nil }?.value }
        set {
            let index = attributes.firstIndex { $0.name == name && $0.namespace == nil }
            switch (index, newValue) {
            case (let index?, let value?): attributes[index].value = value
            case (let index?, nil): attributes.remove(at: index)
            case (nil, let value?): attributes.append(XMLAttribute(name, value))
            case (nil, nil): break
            }
        }
    }

    /// The child elements, in order.
    public var elements: some Sequence<XMLElement> {
        children.lazy.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The first child element called `name` in `namespace` (the parent's namespace if nil).
    public func child(_ name: String, namespace: String? = nil) -> XMLElement? {
        let namespace = namespace ?? self.namespace
        return elements.first { $0.name == name && $0.namespace == namespace }
    }

    /// The concatenated text children.
    public var text: String {
        var text = ""
        for case .text(let part) in children { text += part }
        return text
    }

    /// Appends a child element.
    public mutating func append(_ element: XMLElement) {
        children.append(.element(element))
    }

    /// Removes the child elements called `name` in `namespace`.
    public mutating func removeChildren(_ name: String, namespace: String) {
        children.removeAll {
            if case .element(let element) = $0 { element.name == name && element.namespace == namespace } else { false }
        }
    }

    /// Creates `<name xmlns='namespace'>text</name>`.
    public static func text(_ name: String, namespace: String, _ text: String) -> XMLElement {
        XMLElement(name, namespace: namespace, children: [.text(text)])
    }
}

/// An attribute of an `XMLElement`; `namespace` is set only for prefixed attributes such as `xml:lang`.
public struct XMLAttribute: Sendable, Hashable {
    public var name: String
    public var value: String
    public var namespace: String?

    public init(_ name: String, _ value: String, namespace: String? = nil) {
        self.name = name
        self.value = value
        self.namespace = namespace
    }
}

/// A child of an `XMLElement`: an element or character data.
public enum XMLChild: Sendable, Hashable {
    case element(XMLElement)
    case text(String)
}
