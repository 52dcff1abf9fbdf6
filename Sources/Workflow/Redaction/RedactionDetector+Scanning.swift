/// Each detector as a hand-written scan over Unicode scalars: no backtracking, one pass, and the
/// boundaries that keep order numbers, dates, times and amounts out (see `RedactorTests`).
extension RedactionDetector {
    /// The ranges (scalar offsets) this detector removes from `text`, in order, not overlapping.
    func spans(in text: [Unicode.Scalar]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index < text.count {
            if let span = match(in: text, at: index) {
                spans.append(span)
                index = span.upperBound
            } else {
                index += 1
            }
        }
        return spans
    }

    private func match(in text: [Unicode.Scalar], at start: Int) -> Range<Int>? {
        switch self {
        case .card: Self.card(in: text, at: start)
        case .iban: Self.iban(in: text, at: start)
        case .email: Self.email(in: text, at: start)
        case .phone: Self.phone(in: text, at: start)
        }
    }

    // MARK: Cards

    /// Digits with single spaces or dashes between them, 13–19 digits, Luhn-valid; the whole run,
    /// else its longest prefix ending at a group boundary (`4111 1111 1111 1111 123` with a CVV).
    private static func card(in text: [Unicode.Scalar], at start: Int) -> Range<Int>? {
        guard isDigit(text[start]), !isWordScalar(before: start, in: text), !continuesGroups(before: start, in: text) else {
            return nil
        }
        var digits: [UInt8] = []
        // Where each group ends: (offset after its last digit, digits so far).
        var groupEnds: [(end: Int, count: Int)] = []
        var index = start
        while index < text.count {
            let scalar = text[index]
            if isDigit(scalar) {
                digits.append(UInt8(scalar.value - 48))
                index += 1
            } else if scalar == " " || scalar == "-", index + 1 < text.count, isDigit(text[index + 1]) {
                groupEnds.append((index, digits.count))
                index += 1
            } else {
                break
            }
            if digits.count > 40 { return nil }
        }
        // A run glued to letters (`A4111…`, `4111…x`) is a code of some kind, not a card.
        guard !isWordScalar(at: index, in: text) else { return nil }
        groupEnds.append((index, digits.count))
        for (end, count) in groupEnds.reversed() where (13...19).contains(count) {
            if Checksum.luhn(Array(digits[..<count])) { return start..<end }
        }
        return nil
    }

    // MARK: IBANs

    /// Two letters, two check digits, then letters and digits perhaps grouped by single spaces,
    /// 15–34 characters in all (Norway's are the shortest), passing mod 97; the longest such
    /// prefix at a group boundary, so a word after the IBAN is not taken with it.
    private static func iban(in text: [Unicode.Scalar], at start: Int) -> Range<Int>? {
        guard start + 4 <= text.count, isLetter(text[start]), isLetter(text[start + 1]), isDigit(text[start + 2]),
            isDigit(text[start + 3]), !isWordScalar(before: start, in: text)
        else { return nil }
        var characters: [Unicode.Scalar] = []
        var groupEnds: [(end: Int, count: Int)] = []
        var index = start
        while index < text.count, characters.count <= 34 {
            let scalar = text[index]
            if isDigit(scalar) || isLetter(scalar) {
                characters.append(upper(scalar))
                index += 1
            } else if scalar == " ", index + 1 < text.count, isDigit(text[index + 1]) || isLetter(text[index + 1]) {
                groupEnds.append((index, characters.count))
                index += 1
            } else {
                break
            }
        }
        if !isWordScalar(at: index, in: text) { groupEnds.append((index, characters.count)) }
        for (end, count) in groupEnds.reversed() where (15...34).contains(count) {
            if Checksum.ibanMod97(Array(characters[..<count])) { return start..<end }
        }
        return nil
    }

    // MARK: E-mail addresses

    /// `local@domain.tld`: found from its `@`, so it starts at the local part's first character.
    private static func email(in text: [Unicode.Scalar], at start: Int) -> Range<Int>? {
        guard isLocalPart(text[start]), text[start] != ".", !isLocalPartScalar(before: start, in: text) else { return nil }
        var at = start
        while at < text.count, isLocalPart(text[at]), at - start <= 64 { at += 1 }
        guard at < text.count, text[at] == "@", at > start else { return nil }
        // Labels of letters, digits and hyphens, separated by dots; a final dot ends the sentence.
        var end = at + 1
        var lastDot = -1
        while end < text.count, isDomain(text[end]) || text[end] == "." && end + 1 < text.count && isDomain(text[end + 1]) {
            if text[end] == "." { lastDot = end }
            end += 1
            if end - at > 255 { return nil }
        }
        guard lastDot > at + 1, end - lastDot > 2, text[(lastDot + 1)..<end].allSatisfy(isLetter) else { return nil }
        return start..<end
    }

    // MARK: Phone numbers

    /// `+` and 8–15 digits (E.164), `00` and 8–15 more with separators, or 10–11 digits grouped
    /// by spaces, dashes, dots or a parenthesised area code; not an amount grouped in thousands,
    /// nor an IPv4 address.
    private static func phone(in text: [Unicode.Scalar], at start: Int) -> Range<Int>? {
        let first = text[start]
        guard first == "+" || first == "(" || isDigit(first), !isWordScalar(before: start, in: text),
            start == 0 || text[start - 1] != "+", !continuesGroups(before: start, in: text)
        else { return nil }
        var digits = 0
        var groups: [Int] = []
        var separators = Set<Unicode.Scalar>()
        var lastDigitEnd = start
        var index = first == "+" ? start + 1 : start
        var run = 0
        while index < text.count, digits <= 17 {
            let scalar = text[index]
            if isDigit(scalar) {
                digits += 1
                run += 1
                lastDigitEnd = index + 1
            } else if " -.()".unicodeScalars.contains(scalar), separatorRun(in: text, from: index) <= 2 {
                if run > 0 { groups.append(run) }
                run = 0
                separators.insert(scalar)
            } else {
                break
            }
            index += 1
        }
        if run > 0 { groups.append(run) }
        guard !isWordScalar(at: lastDigitEnd, in: text), digits > 0 else { return nil }
        let international = first == "+" && (8...15).contains(digits)
            || text[start] == "0" && start + 1 < text.count && text[start + 1] == "0" && !separators.isEmpty
                && (10...17).contains(digits)
        let national = !separators.isEmpty && (10...11).contains(digits) && !isThousands(groups)
            && !(separators == ["."] && groups.count == 4 && groups.allSatisfy { $0 <= 3 })  // an IPv4 address
        guard international || national else { return nil }
        // An opening parenthesis before the first digit belongs to the number; a dangling one does not.
        return start..<lastDigitEnd
    }

    /// How many separators follow one another from `index`, up to the next digit (more than 3 if none).
    private static func separatorRun(in text: [Unicode.Scalar], from index: Int) -> Int {
        var end = index
        while end < text.count, " -.()".unicodeScalars.contains(text[end]) {
            end += 1
            if end - index > 2 { return 3 }
        }
        return end < text.count && isDigit(text[end]) ? end - index : 3
    }

    /// `1 234 567 890`: one to three digits, then groups of three, is an amount.
    private static func isThousands(_ groups: [Int]) -> Bool {
        groups.count > 1 && (1...3).contains(groups[0]) && groups.dropFirst().allSatisfy { $0 == 3 }
    }

    // MARK: Characters

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) }
    private static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("a"..."z").contains(scalar) ? Unicode.Scalar(scalar.value - 32)! : scalar
    }
    private static func isLocalPart(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || isLetter(scalar) || "._%+-".unicodeScalars.contains(scalar)
    }
    private static func isDomain(_ scalar: Unicode.Scalar) -> Bool { isDigit(scalar) || isLetter(scalar) || scalar == "-" }

    /// A letter or digit of any script: what a match must not be glued to.
    private static func isWordScalar(at index: Int, in text: [Unicode.Scalar]) -> Bool {
        guard index >= 0, index < text.count else { return false }
        let properties = text[index].properties
        return properties.isAlphabetic || properties.numericType != nil || text[index] == "_"
    }

    /// Whether `index` follows a separator that follows a digit: the tail of a longer grouped run
    /// of digits, which is matched (or not) as a whole, never in part.
    private static func continuesGroups(before index: Int, in text: [Unicode.Scalar]) -> Bool {
        index >= 2 && " -.()".unicodeScalars.contains(text[index - 1]) && isDigit(text[index - 2])
    }

    private static func isWordScalar(before index: Int, in text: [Unicode.Scalar]) -> Bool {
        isWordScalar(at: index - 1, in: text)
    }

    private static func isLocalPartScalar(before index: Int, in text: [Unicode.Scalar]) -> Bool {
        index > 0 && isLocalPart(text[index - 1])
    }
}
