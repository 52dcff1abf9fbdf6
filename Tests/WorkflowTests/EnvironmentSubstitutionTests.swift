import Testing
import Workflow

@Suite struct EnvironmentSubstitutionTests {
    static let yaml = """
        xmpp:
          host: ${XMPP_HOST:-127.0.0.1}
          port: ${PORT:-5347}
          domain: ${DOMAIN}
          secret: ${SECRET}
        http:
          listen: 127.0.0.1:${HTTP_PORT:-8080}
        agents:
          - jid: ${AGENT:-alice}@localhost
        queues:
          - name: sales
            title: Price $5, $${KEPT}${TITLE:-}
        """

    @Test func takesValuesAndDefaultsFromTheGivenEnvironment() throws {
        let loaded = try workflow(Self.yaml, environment: ["DOMAIN": "help.example.com", "SECRET": "s", "PORT": "15347"])
        #expect(loaded.xmpp.host == "127.0.0.1")
        #expect(loaded.xmpp.port == 15347)  // a number after substitution
        #expect(loaded.xmpp.domain == "help.example.com")
        #expect(loaded.xmpp.secret.value == "s")
        #expect(loaded.http?.port == 8080)
        #expect(loaded.agents.map(\.jid.description) == ["alice@localhost"])
        #expect(loaded.queues[0].title == "Price $5, ${KEPT}")
    }

    @Test func anEmptyVariableTakesTheDefaultAsTheShellDoes() throws {
        let loaded = try workflow(Self.yaml, environment: ["DOMAIN": "d.example", "SECRET": "s", "XMPP_HOST": "", "AGENT": "bob"])
        #expect(loaded.xmpp.host == "127.0.0.1")
        #expect(loaded.agents[0].jid.description == "bob@localhost")
    }

    @Test func aValueIsNotSubstitutedTwice() throws {
        let loaded = try workflow(Self.yaml, environment: ["DOMAIN": "d.example", "SECRET": "${DOMAIN}"])
        #expect(loaded.xmpp.secret.value == "${DOMAIN}")
    }

    @Test func aMissingVariableIsAProblemNamingIt() {
        expectProblems(in: Self.yaml, [
            (4, "domain: the environment variable DOMAIN is not set (give a default with ${DOMAIN:-VALUE})"),
            (5, "secret: the environment variable SECRET is not set"),
        ], environment: [:])
    }

    @Test func aSubstitutedValueIsCheckedLikeAWrittenOne() {
        expectProblems(in: Self.yaml, [(3, "port: must be a whole number, not 'http'")],
            environment: ["DOMAIN": "d.example", "SECRET": "s", "PORT": "http"])
    }

    @Test func malformedReferences() {
        expectProblems(in: """
            xmpp:
              secret: ${SECRET
              host: ${1HOST}
              domain: ${}
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            """, [
                (2, "secret: '${' without a closing '}' (write $${ for a literal ${)"),
                (3, "host: '${1HOST}' is not a variable name"),
                (4, "domain: '${}' is not a variable name"),
            ])
    }
}
