import CLibXML2
import NIOCore

/// An incremental XMPP stream parser on libxml2's SAX2 push parser, hardened like
/// Prosody's `util/xmppstream.lua`: no DOCTYPE, entities, comments or processing
/// instructions (`restricted-xml`), bounded stanza size and depth (`policy-violation`),
/// anything malformed or not UTF-8 is `not-well-formed`. It never expands an entity
/// or opens a file or URL: a DTD is refused before libxml2 reads one declaration.
///
/// Not thread-safe: one parser belongs to one connection's event loop.
public final class XMLStreamParser {
    public let limits: XMLStreamLimits
    /// The first error; once set, the stream is dead and every `feed` throws it.
    public private(set) var error: StreamError?

    private var context: xmlParserCtxtPtr?
    private var events: [XMLStreamEvent] = []
    /// Open elements below the stream element, innermost last.
    private var stack: [XMLElement] = []
    private var streamOpen = false
    /// Bytes fed so far, and the stream offset where the current stanza may have started.
    private var fed = 0
    private var boundary = 0
    /// libxml2 interns names in a dictionary: strings made for a pointer once are reused.
    private var interned: [UnsafePointer<xmlChar>: String] = [:]
    /// The dictionary lives as long as the parser context and is capped (10 MB in 2.9): a peer
    /// sending ever new names would exhaust it. Past this many names the context is replaced
    /// at the next stanza boundary.
    static let dictionaryLimit: Int32 = 20_000
    private var contentNamespace: String?
    private var refreshPending = false
    private var silentOpen = false
    /// The bytes fed since the last stanza boundary (at most one stanza), for a fresh context
    /// to continue from; `unparsedStart` is the stream offset of the first.
    private var unparsed: [UInt8] = []
    private var unparsedStart = 0

    /// libxml2 gets data in slices this large, so the size limit is checked between them.
    private static let sliceSize = 16 * 1024

    public init(limits: XMLStreamLimits = XMLStreamLimits()) {
        self.limits = limits
        reset()
    }

    deinit {
        xmlFreeParserCtxt(context)
    }

    /// Starts over for a new stream on the same connection (after STARTTLS or SASL).
    public func reset() {
        makeContext()
        error = nil
        events = []
        stack = []
        streamOpen = false
        contentNamespace = nil
        fed = 0
        boundary = 0
        unparsed = []
        unparsedStart = 0
    }

    private func makeContext() {
        xmlFreeParserCtxt(context)
        _ = libxml2Initialized
        var handler = saxHandler
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_IGNORE_ENC.rawValue)
        context = xmlCreatePushParserCtxt(&handler, Unmanaged.passUnretained(self).toOpaque(), nil, 0, nil)
        xmlCtxtUseOptions(context, options)
        xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
        interned = [:]
        refreshPending = false
    }

    /// Replaces the context at a stanza boundary, opening the stream again in the new one
    /// without reporting it: the peer's stream goes on as if nothing happened.
    private func refreshContext() {
        makeContext()
        streamOpen = false
        silentOpen = true
        var header = ByteBuffer()
        StreamHeader(contentNamespace: contentNamespace ?? Namespace.client).write(to: &header)
        header.withUnsafeReadableBytes { bytes in
            _ = xmlParseChunk(context, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count), 0)
        }
        fed = header.readableBytes
        boundary = fed
    }

    /// Parses the next bytes of the stream and appends what they complete to `output`.
    /// On a stream error the events before it are still appended, then it throws.
    public func feed(_ bytes: UnsafeRawBufferPointer, into output: inout [XMLStreamEvent]) throws(StreamError) {
        if let error { throw error }
        parse(bytes)
        output.append(contentsOf: events)
        events.removeAll(keepingCapacity: true)
        if let error { throw error }
    }

    /// Feeds libxml2 in slices, checking the size limit between them.
    private func parse(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count, error == nil {
            let count = min(Self.sliceSize, bytes.count - offset)
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
            unparsed.append(contentsOf: slice)
            let status = xmlParseChunk(context, slice.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(count), 0)
            offset += count
            fed += count
            if refreshPending && error == nil {
                // Stopped at a stanza boundary: what the old context had not parsed goes to the new one.
                let rest = Array(unparsed[(boundary - unparsedStart)...])
                refreshContext()
                unparsed = []
                unparsedStart = fed
                rest.withUnsafeBytes { parse($0) }
                continue
            }
            if status != 0 && error == nil {
                fail(StreamError(.notWellFormed, libxml2Message()))
            }
            if fed - boundary > limits.maxStanzaSize {
                fail(StreamError(.policyViolation, "stanza larger than \(limits.maxStanzaSize) bytes"))
            }
            // Keep only what follows the last boundary.
            if boundary > unparsedStart {
                unparsed.removeFirst(min(boundary - unparsedStart, unparsed.count))
                unparsedStart = boundary
            }
        }
    }

    /// Convenience for tests and tools: feeds `bytes` and returns the events.
    public func feed(_ bytes: some Collection<UInt8>) throws(StreamError) -> [XMLStreamEvent] {
        var output: [XMLStreamEvent] = []
        var failure: StreamError?
        Array(bytes).withUnsafeBytes { buffer in
            do throws(StreamError) { try feed(buffer, into: &output) } catch { failure = error }
        }
        if let failure { throw failure }
        return output
    }

    // MARK: - Called from the SAX callbacks

    fileprivate func fail(_ streamError: StreamError) {
        if error == nil { error = streamError }
        xmlStopParser(context)
    }

    private func markBoundary() {
        boundary = Int(xmlByteConsumed(context))
    }

    fileprivate func startElement(
        localName: UnsafePointer<xmlChar>, uri: UnsafePointer<xmlChar>?,
        namespaceCount: Int, namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
        attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard error == nil else { return }
        let name = intern(localName)
        let namespace = uri.map(intern) ?? ""
        var element = XMLElement(name, namespace: namespace)
        if let attributes, attributeCount > 0 {
            element.attributes.reserveCapacity(attributeCount)
            // Five pointers per attribute: local name, prefix, URI, value start, value end.
            for index in 0..<attributeCount {
                let base = attributes.advanced(by: index * 5)
                let start = base[3]!
                let length = base[4]! - start
                var value = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
                // Without entity replacement libxml2 hands back '&' as "&#38;" (and only so).
                if value.utf8.contains(UInt8(ascii: "&")) {
                    value = value.replacing("&#38;", with: "&")
                }
                element.attributes.append(XMLAttribute(intern(base[0]!), value, namespace: base[2].map(intern)))
            }
        }
        guard streamOpen else {
            openStream(element, namespaceCount: namespaceCount, namespaces: namespaces)
            return
        }
        guard stack.count < limits.maxDepth else {
            fail(StreamError(.policyViolation, "elements nested deeper than \(limits.maxDepth)"))
            return
        }
        stack.append(element)
    }

    private func openStream(
        _ root: XMLElement, namespaceCount: Int, namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard root.name == "stream", root.namespace == Namespace.stream else {
            fail(StreamError(.invalidNamespace, "the stream must open with <stream:stream>"))
            return
        }
        // The stanzas' namespace is the default namespace declared on the stream element.
        var contentNamespace: String?
        for index in 0..<namespaceCount where namespaces?[index * 2] == nil {
            contentNamespace = namespaces?[index * 2 + 1].map(intern)
        }
        guard let contentNamespace else {
            fail(StreamError(.invalidNamespace, "the stream declares no default namespace"))
            return
        }
        streamOpen = true
        markBoundary()
        self.contentNamespace = contentNamespace
        if silentOpen {
            silentOpen = false
            return
        }
        events.append(
            .streamOpened(
                StreamHeader(
                    contentNamespace: contentNamespace, to: root[attribute: "to"], from: root[attribute: "from"],
                    id: root[attribute: "id"], version: root[attribute: "version"],
                    language: root.attributes.first { $0.name == "lang" && $0.namespace == Namespace.xml }?.value
                )))
    }

    fileprivate func endElement() {
        guard error == nil else { return }
        guard let element = stack.popLast() else {
            streamOpen = false
            events.append(.streamClosed)
            return
        }
        if stack.isEmpty {
            let end = Int(xmlByteConsumed(context))
            guard end - boundary <= limits.maxStanzaSize else {
                fail(StreamError(.policyViolation, "stanza larger than \(limits.maxStanzaSize) bytes"))
                return
            }
            events.append(.element(element))
            boundary = end
            if let dictionary = context?.pointee.dict, xmlDictSize(dictionary) > Self.dictionaryLimit {
                refreshPending = true
                xmlStopParser(context)
            }
        } else {
            stack[stack.count - 1].children.append(.element(element))
        }
    }

    fileprivate func characters(_ bytes: UnsafeBufferPointer<xmlChar>) {
        guard error == nil else { return }
        guard !stack.isEmpty else {
            // Between stanzas only whitespace (keepalives) is allowed.
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                markBoundary()
            } else {
                fail(StreamError(.badFormat, "text outside any stanza"))
            }
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let last = stack.count - 1
        // libxml2 may report one run of text in pieces: keep it one text node.
        if case .text(let previous)? = stack[last].children.last {
            stack[last].children[stack[last].children.count - 1] = .text(previous + text)
        } else {
            stack[last].children.append(.text(text))
        }
    }

    private func intern(_ pointer: UnsafePointer<xmlChar>) -> String {
        let length = Int(xmlStrlen(pointer))
        if let string = interned[pointer], string.utf8.count == length,
            string.utf8.elementsEqual(UnsafeBufferPointer(start: pointer, count: length))
        {
            return string
        }
        let string = String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
        if interned.count < 256 { interned[pointer] = string }
        return string
    }

    private func libxml2Message() -> String {
        guard let last = xmlCtxtGetLastError(context), let message = last.pointee.message else {
            return "malformed XML"
        }
        return String(cString: message).trimmingTrailingWhitespace
    }
}

extension String {
    fileprivate var trimmingTrailingWhitespace: String {
        String(self.reversed().drop { $0.isWhitespace }.reversed())
    }
}

private let libxml2Initialized: Void = xmlInitParser()

private func parser(_ context: UnsafeMutableRawPointer?) -> XMLStreamParser {
    Unmanaged<XMLStreamParser>.fromOpaque(context!).takeUnretainedValue()
}

private func refuse(_ context: UnsafeMutableRawPointer?, _ what: String) {
    parser(context).fail(StreamError(.restrictedXML, "\(what) are not allowed in XMPP"))
}

/// The SAX2 callbacks: elements and text build stanzas; everything XMPP forbids stops the parser.
nonisolated(unsafe) private let saxHandler: xmlSAXHandler = {
    var handler = xmlSAXHandler()
    handler.initialized = XML_SAX2_MAGIC
    handler.startElementNs = { context, localName, _, uri, namespaceCount, namespaces, attributeCount, _, attributes in
        parser(context).startElement(
            localName: localName!, uri: uri, namespaceCount: Int(namespaceCount), namespaces: namespaces,
            attributeCount: Int(attributeCount), attributes: attributes)
    }
    handler.endElementNs = { context, _, _, _ in parser(context).endElement() }
    handler.characters = { context, bytes, length in
        parser(context).characters(UnsafeBufferPointer(start: bytes, count: Int(length)))
    }
    handler.internalSubset = { context, _, _, _ in refuse(context, "DOCTYPE declarations") }
    handler.externalSubset = { context, _, _, _ in refuse(context, "DOCTYPE declarations") }
    handler.entityDecl = { context, _, _, _, _, _ in refuse(context, "entity declarations") }
    handler.getEntity = { _, _ in nil }
    handler.getParameterEntity = { _, _ in nil }
    handler.resolveEntity = { _, _, _ in nil }
    handler.reference = { context, _ in refuse(context, "entity references") }
    handler.comment = { context, _ in refuse(context, "comments") }
    handler.processingInstruction = { context, _, _ in refuse(context, "processing instructions") }
    handler.serror = { context, error in
        guard let error, error.pointee.level != XML_ERR_WARNING else { return }
        let message = error.pointee.message.map { String(cString: $0).trimmingTrailingWhitespace }
        let condition: StreamError.Condition = error.pointee.code == XML_ERR_NO_MEMORY.rawValue ? .resourceConstraint : .notWellFormed
        parser(context).fail(StreamError(condition, message ?? "malformed XML"))
    }
    return handler
}()
