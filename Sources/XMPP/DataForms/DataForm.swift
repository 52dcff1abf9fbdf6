/// A data form (XEP-0004) a service sends for a person to fill in: single-line text fields or
/// lists of choices, each required.
public struct DataForm: Sendable, Hashable {
    /// A field the form asks for.
    public struct Field: Sendable, Hashable {
        /// A choice of a list field.
        public struct Option: Sendable, Hashable {
            public var value: String
            public var label: String

            public init(value: String, label: String) {
                self.value = value
                self.label = label
            }
        }

        public var name: String
        public var label: String
        /// The choices of a list, or nil for free text.
        public var options: [Option]?

        public init(name: String, label: String, options: [Option]? = nil) {
            self.name = name
            self.label = label
            self.options = options
        }
    }

    public var title: String
    public var fields: [Field]

    public init(title: String, fields: [Field]) {
        self.title = title
        self.fields = fields
    }

    /// `<x xmlns='jabber:x:data' type='form'>`.
    public var element: XMLElement {
        var form = XMLElement("x", namespace: Namespace.dataForms, attributes: [XMLAttribute("type", "form")])
        form.append(.text("title", namespace: Namespace.dataForms, title))
        for field in fields {
            var element = XMLElement("field", namespace: Namespace.dataForms, attributes: [
                XMLAttribute("var", field.name), XMLAttribute("label", field.label),
                XMLAttribute("type", field.options == nil ? "text-single" : "list-single"),
            ])
            for option in field.options ?? [] {
                var choice = XMLElement("option", namespace: Namespace.dataForms, attributes: [XMLAttribute("label", option.label)])
                choice.append(.text("value", namespace: Namespace.dataForms, option.value))
                element.append(choice)
            }
            element.append(XMLElement("required", namespace: Namespace.dataForms))
            form.append(element)
        }
        return form
    }

    /// The values of the form submitted among `parent`'s children (none if there is no form);
    /// a field with several values has them on lines of one string.
    public static func submittedValues(in parent: XMLElement) -> [String: String] {
        guard let form = parent.child("x", namespace: Namespace.dataForms) else { return [:] }
        var values: [String: String] = [:]
        for field in form.elements where field.name == "field" {
            guard let name = field[attribute: "var"] else { continue }
            values[name] = field.elements.filter { $0.name == "value" }.map(\.text).joined(separator: "\n")
        }
        return values
    }

    /// `<x xmlns='jabber:x:data' type='submit'>` with `values`, in the order of their names.
    public static func submission(_ values: [String: String]) -> XMLElement {
        var form = XMLElement("x", namespace: Namespace.dataForms, attributes: [XMLAttribute("type", "submit")])
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            var field = XMLElement("field", namespace: Namespace.dataForms, attributes: [XMLAttribute("var", name)])
            field.append(.text("value", namespace: Namespace.dataForms, value))
            form.append(field)
        }
        return form
    }
}
