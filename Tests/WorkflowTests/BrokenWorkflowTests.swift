import Testing
import Workflow

/// Workflows with mistakes: each yields exactly the problems expected, at the right lines.
@Suite struct BrokenWorkflowTests {
    @Test func yamlSyntaxErrorIsTheOnlyProblemWithItsLine() {
        expectProblems(in: """
            xmpp:
              secret: s
            queues:
              - name: "sales
            agents: []
            """, [(5, "YAML: found unexpected end of stream")])
        expectProblems(in: """
            xmpp:
              secret: s
             port: 5347
            """, [(3, "YAML: ")])
    }

    /// Issue 17: libyaml says only "found character that cannot start any token" for a tab.
    @Test func aTabIsCalledATabWithItsLineAndColumn() {
        let found = problems(in: "xmpp:\n  secret: s\nqueues:\n\t- name: sales\n")
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.line == 4 && found.first?.column == 1, "\(found)")
        #expect(found.first?.reason.contains("a tab") == true, "\(found)")
        #expect(found.first?.reason.contains("spaces") == true, "\(found)")
        let inValue = problems(in: "xmpp:\n  secret:\ts\n  port: 5347\n\tdomain: x\n")
        #expect(inValue.first?.reason.contains("a tab") == true, "\(inValue)")
        #expect(inValue.first.map { "\($0)" }?.contains(":4:") == true, "\(inValue)")
    }

    @Test func keyGivenTwiceIsASyntaxError() {
        expectProblems(in: """
            xmpp:
              secret: s
              secret: t
            """, [(2, "the key 'secret' appears more than once")])
    }

    @Test func unknownKeysWithNearMisses() {
        expectProblems(in: """
            xmpp:
              secret: s
              domian: support.localhost
            agent:
              - jid: alice@localhost
            agents:
              - jid: alice@localhost
                skils: { sales: 5 }
            queues:
              - name: sales
                stratgy: round-robin
                colour: blue
            """, [
                (3, "unknown key 'domian' in xmpp; did you mean 'domain'?"),
                (4, "unknown key 'agent' in the workflow; did you mean 'agents'?"),
                (8, "unknown key 'skils' in an agent; did you mean 'skills'?"),
                (11, "unknown key 'stratgy' in a queue; did you mean 'strategy'?"),
                (12, "unknown key 'colour' in a queue"),
            ])
    }

    @Test func wrongTypes() {
        expectProblems(in: """
            xmpp: support.localhost
            agents:
              - jid: alice@localhost
                skills: [sales]
                max_chats: many
            queues:
              - name: sales
                skills: sales
                priority: high
                default: maybe
                messages: [hello]
            canned: [hello]
            """, [
                (1, "xmpp must be a mapping (key: value lines), not a single value"),
                (4, "skills must be a mapping (key: value lines), not a list"),
                (5, "max_chats: must be a whole number, not 'many'"),
                (8, "skills must be a list, not a single value"),
                (9, "priority: must be a whole number, not 'high'"),
                (10, "default: must be true or false, not 'maybe'"),
                (11, "messages must be a mapping"),
                (12, "canned must be a mapping"),
            ])
    }

    @Test func agentsThatAreNotAListAreNotBlamedOnTheQueues() {
        // No "no agent has the skill 'sales'": the agents could not be read at all.
        expectProblems(in: """
            xmpp: { secret: s }
            agents: alice@localhost
            queues:
              - name: sales
                skills: [sales]
            """, [(2, "agents must be a list, not a single value")])
    }

    @Test func badDurations() {
        expectProblems(in: """
            xmpp: { secret: s }
            limits:
              gone_timeout: soon
              flood: { messages: 5, per: 0s }
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
                sla: 5x
                accept: manual
                offer_timeout: 1d
            """, [
                (3, "gone_timeout: 'soon' is not a duration"),
                (4, "per: must be longer than 0"),
                (9, "sla: '5x': unknown unit 'x'"),
                (11, "offer_timeout: '1d': unknown unit 'd'"),
            ])
    }

    @Test func badRetention() {
        expectProblems(in: """
            xmpp: { secret: s }
            retention: 2 weeks
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            """, [(2, "retention: '2 weeks'")])
    }

    @Test func duplicateQueuesAndAgentsPointAtTheSecond() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
              - jid: Alice@LOCALHOST
            queues:
              - name: sales
              - name: support
              - name: sales
            """, [
                (4, "the agent alice@localhost is listed twice (first on line 3)"),
                (8, "the queue 'sales' is defined twice (first on line 6)"),
            ])
    }

    @Test func agentAddresses() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - name: Nobody
                max_chats: 2
              - jid: bob@localhost/laptop
              - jid: "a b@localhost"
              - jid: localhost
              - jid: desk@support.localhost
              - jid: carol@localhost
            queues:
              - name: sales
            """, [
                (3, "an agent has no 'jid'"),
                (5, "'bob@localhost/laptop' has a resource; an agent is a bare JID such as bob@localhost"),
                (6, "'a b@localhost' is not a valid JID: the local part of the address may not contain U+20"),
                (7, "'localhost' has no local part"),
                (8, "is on the service domain support.localhost"),
            ])
    }

    @Test func skillLevelsAndNames() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
                skills:
                  sales: 0
                  english: 11
                  german: fluent
                  French: 3
                  support:
                max_chats: 0
                role: boss
            queues:
              - name: sales
            """, [
                (5, "sales: must be from 1 to 10, not 0"),
                (6, "english: must be from 1 to 10, not 11"),
                (7, "german: must be a whole number, not 'fluent'"),
                (8, "skill 'French' may only have lowercase letters, digits, '-' and '_'"),
                (9, "the skill 'support' needs a level from 1 to 10"),
                (10, "max_chats: must be from 1 to 100, not 0"),
                (11, "role: 'boss' is not one of: agent, supervisor"),
            ])
    }

    @Test func queueSkillThatNoAgentHas() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
                skills: { sales: 5, english: 3 }
            queues:
              - name: sales
                skills: [sales, englsh, german, sales]
            """, [
                (7, "no agent has the skill 'englsh'; did you mean 'english'?"),
                (7, "no agent has the skill 'german'"),
                (7, "the skill 'sales' is listed twice"),
            ])
    }

    @Test func noQueuesNoAgents() {
        expectProblems(in: """
            xmpp: { secret: s }
            queues: []
            agents:
            """, [(2, "the workflow has no queues"), (3, "the workflow has no agents")])
        expectProblems(in: "", [
            (1, "the workflow has no 'xmpp' section"), (1, "the workflow has no agents"), (1, "the workflow has no queues"),
        ])
        expectProblems(in: "- just a list", [(1, "the workflow must be a mapping (key: value lines), not a list")])
    }

    @Test func cannedKeysAreOneWord() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            canned:
              thanks: "Thanks!"
              "good bye": "Bye!"
            """, [(8, "canned reply key 'good bye' has spaces")])
    }

    @Test func connectionSettings() {
        expectProblems(in: """
            xmpp:
              host: ""
              port: 70000
              domain: alice@support.localhost
            redis:
              url: http://redis.example.com
              prefix: "sb{1}"
            http:
              listen: localhost
              allowed_origins: ["https://shop.example.com/", "*"]
            limits:
              body_bytes: 10000000
              missed_offers_before_away: 0
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            """, [
                (2, "xmpp has no 'secret'"),
                (2, "host: '' is not a host name or address"),
                (3, "port: must be from 1 to 65535, not 70000"),
                (4, "domain: 'alice@support.localhost' is not a domain name"),
                (6, "url: the Redis URL must start with redis://"),
                (7, "prefix: 'sb{1}' may only have letters, digits"),
                (9, "listen: 'localhost' is not an address to listen on"),
                (10, "allowed_origins: 'https://shop.example.com/' is not an origin"),
                (10, "allowed_origins: '*' is not an origin"),
                (12, "body_bytes: must be from 1 to 262144, not 10000000"),
                (13, "missed_offers_before_away: must be 1 or more, not 0"),
            ])
    }

    @Test func replicaAcknowledgementIsBounded() {
        expectProblems(in: """
            xmpp: { secret: s }
            redis:
              url: redis-sentinel://127.0.0.1:26379/0#sbmaster
              min_replicas_ack: 17
              replica_ack_timeout: 1m
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            """, [
                (4, "min_replicas_ack: must be from 0 to 16, not 17"),
                (5, "replica_ack_timeout: must be from 10ms to 10s"),
            ])
    }

    @Test func everyProblemOfAFileAtOnce() {
        // One of each kind in a single file: the loader does not stop at the first.
        let found = problems(in: """
            xmpp: { secret: s, port: none }
            agents:
              - jid: alice@localhost/x
              - skills: { sales: 20 }
            queues:
              - name: sales
                strategy: random
                sla: 1 minute
            """)
        #expect(found.map(\.line) == [1, 3, 4, 4, 7, 8])
    }
}
