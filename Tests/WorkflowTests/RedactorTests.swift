import Testing
import Workflow

/// The redaction detectors against real formats, and against the near misses support chats are
/// full of (order numbers, dates, times, amounts), which must pass untouched.
@Suite struct RedactorTests {
    static let all = try! Redactor([.detector(.card), .detector(.iban), .detector(.email), .detector(.phone)])

    private func redacted(_ text: String, by redactor: Redactor = Self.all) -> String { redactor.redact(text).text }

    @Test(arguments: [
        "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "4242 4242 4242 4242", "4012888888881881",
        "5555 5555 5555 4444", "5105-1051-0510-5100", "2223 0031 2200 3222", "3782 822463 10005", "371449635398431",
        "6011 1111 1111 1117", "4222222222222",
    ])
    func cardNumbers(_ number: String) {
        #expect(redacted("my card is \(number), expires 12/27") == "my card is [card removed], expires 12/27")
        #expect(Self.all.redact(number).removed == ["card"])
    }

    @Test func aCardFollowedByItsCodeLosesTheNumberOnly() {
        #expect(redacted("4111 1111 1111 1111 123") == "[card removed] 123")
    }

    @Test(arguments: [
        "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB29 NWBK 6016 1331 9268 19", "FR14 2004 1010 0505 0001 3M02 606",
        "NL91ABNA0417164300", "NO93 8601 1117 947", "ES91 2100 0418 4502 0005 1332", "BE68 5390 0754 7034",
        "CH93 0076 2011 6238 5295 7", "gb29 nwbk 6016 1331 9268 19",
    ])
    func ibans(_ iban: String) {
        #expect(redacted("send it to \(iban) please") == "send it to [iban removed] please")
    }

    @Test(arguments: ["jane.doe@example.com", "first+tag@mail.example.co.uk", "x_y-z@sub-domain.example.org"])
    func emailAddresses(_ address: String) {
        #expect(redacted("write to \(address).") == "write to [email removed].")
        #expect(redacted("<\(address)>") == "<[email removed]>")
    }

    @Test(arguments: [
        "+44 20 7946 0958", "+1 (415) 555-2671", "+14155552671", "+49 30 901820", "+33 6 12 34 56 78", "0033 1 42 68 53 00",
        "(415) 555-2671", "415-555-2671", "415.555.2671", "020 7946 0958", "01 23 45 67 89", "+81 3-1234-5678",
    ])
    func phoneNumbers(_ number: String) {
        #expect(redacted("call me on \(number) after six") == "call me on [phone removed] after six")
    }

    @Test(arguments: [
        "Order #12345678 is late", "order 2024-000123-45 shipped", "ticket ABC-123456", "on 2026-12-05 at 14:30",
        "from 05/12/2026 to 06.12.2026", "between 10:30-11:45", "it cost $1,234.56", "€ 1.234.567,89 was charged",
        "1 234 567 890 points", "1.234.567.890 EUR", "card 1234 5678 9012 3456 is fake", "4111 1111 1111 1112 fails Luhn",
        "4111111111111112", "DE89 3704 0044 0532 0130 01 is mistyped", "version 1.2.3 on 192.168.1.100",
        "ask @alice or bob@localhost", "tracking 1Z999AA10123456784", "invoice INV4111111111111111", "SKU 12-3456-7",
        "call 555-2671", "room 101, floor 3, desk 12",
    ])
    func nearMissesStay(_ text: String) {
        #expect(redacted(text) == text)
        #expect(!Self.all.redact(text).changed)
    }

    @Test func everythingInOneLine() {
        let line = "Card 4242-4242-4242-4242, IBAN DE89370400440532013000, mail jane@example.com, tel +44 20 7946 0958, order 12345678"
        let result = Self.all.redact(line)
        #expect(result.text == "Card [card removed], IBAN [iban removed], mail [email removed], tel [phone removed], order 12345678")
        #expect(result.removed == ["card", "iban", "email", "phone"])
    }

    @Test func onlyTheListedDetectorsRun() throws {
        let cards = try Redactor([.detector(.card)])
        #expect(cards.redact("4111 1111 1111 1111 or jane@example.com").text == "[card removed] or jane@example.com")
        #expect(Redactor.none.redact("4111 1111 1111 1111").text == "4111 1111 1111 1111")
    }

    @Test func customPatternsCarryTheirLabel() throws {
        let redactor = try Redactor([.detector(.card), .pattern(label: "ticket password", expression: "TP-[0-9]{6}")])
        let result = redactor.redact("pw TP-123456 and TP-654321, card 4111111111111111")
        #expect(result.text == "pw [ticket password removed] and [ticket password removed], card [card removed]")
        #expect(result.removed == ["card", "ticket password"])
    }

    @Test func textAroundIsKeptWhateverItsScript() {
        #expect(redacted("Карта 4111 1111 1111 1111 — спасибо 😀") == "Карта [card removed] — спасибо 😀")
        #expect(redacted("ß4111111111111111") == "ß4111111111111111", "glued to a letter: a code, not a card")
    }

    @Test func badPatternsAreRefused() {
        #expect(throws: WorkflowValueError.self) { try Redactor([.pattern(label: "x", expression: "(unclosed")]) }
        #expect(throws: WorkflowValueError.self) { try Redactor([.pattern(label: "x", expression: "a*")]) }
        #expect(throws: WorkflowValueError.self) { try Redactor([.pattern(label: "x", expression: String(repeating: "a", count: 201))]) }
    }

    /// Every detector indexes into the text by hand: thousands of lines made of the characters
    /// they look at, in every order, must come back whole or marked, never stop the process.
    @Test func arbitraryLinesOfTheCharactersTheDetectorsLookAt() {
        let alphabet = Array("0123456789 -.()+@_%aZéß😀\n")
        var seed: UInt64 = 0x5EED
        for _ in 0..<20_000 {
            var line = ""
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for _ in 0..<Int(seed >> 58) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                line.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            let result = Self.all.redact(line)
            #expect(result.changed || result.text == line)
        }
    }

    @Test func aLongLineIsQuick() {
        // Every detector is one pass: a body at the 4 KiB limit of digits and separators.
        let line = String(repeating: "1234 5678-", count: 400)
        #expect(Self.all.redact(line).text.count > 0)
    }
}

/// The `redact` and `audit_retention` keys of a workflow file, and their problems.
@Suite struct RedactSectionTests {
    @Test func readsDetectorsAndPatterns() throws {
        let loaded = try workflow("""
            xmpp: { secret: s }
            agents: [{ jid: alice@localhost }]
            queues: [{ name: sales }]
            audit_retention: 400d
            redact:
              - card
              - email
              - label: customer number
                pattern: 'CU-\\d{8}'
            """)
        #expect(loaded.redact == [.detector(.card), .detector(.email), .pattern(label: "customer number", expression: #"CU-\d{8}"#)])
        #expect(loaded.auditRetention == .seconds(400 * 86_400))
        #expect(try workflow(queues: "  - name: sales\n").redact.isEmpty)
        #expect(try workflow(queues: "  - name: sales\n").auditRetention == Workflow.defaultAuditRetention)
    }

    @Test func problemsAtTheirLines() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents: [{ jid: alice@localhost }]
            queues: [{ name: sales }]
            audit_retention: 2h
            redact:
              - cards
              - card
              - card
              - label: bad
                pattern: '([a-z]'
              - label: empty
                pattern: 'x?'
              - label: 'no [brackets]'
                pattern: 'y'
              - pattern: 'z+'
              - label: long
                pattern: '\(String(repeating: "a", count: 201))'
              - label: phone
                pattern: '[0-9]+'
              - label: ok
                pattern: 'ok'
                flags: i
            """, [
                (4, "audit_retention: must be at least 1d"),
                (6, "did you mean 'card'?"),
                (8, "'card' is listed twice"),
                (10, "not a valid regular expression"),
                (12, "matches empty text"),
                (13, "must be 1 to 40 letters"),
                (15, "label"),
                (17, "at most 200 are allowed"),
                (18, "is a built-in detector"),
                (22, "unknown key 'flags'"),
            ])
    }
}
