import Testing
import Workflow

/// Queues with mistakes: each yields exactly the problems expected, at the right lines.
@Suite struct BrokenQueueTests {
    @Test func overflowSteps() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
                skills: { sales: 5, english: 3 }
            queues:
              - name: sales
                skills: [sales, english]
                overflow:
                  - after: 1m
                    drop_skill: german
                  - after: 30s
                    drop_skill: english
                  - after: 2m
                    drop_skill: english
                  - after: 3m
                    move_to: sales
                  - after: 4m
                    move_to: suport
                  - after: 5m
                    move_to: support
                  - after: 6m
                    drop_skill: sales
                  - after: 7m
                  - drop_skill: sales
                    move_to: support
                    after: 8m
              - name: support
            """, [
                (10, "drop_skill: the queue does not require 'german' (it requires: sales, english)"),
                (11, "after: overflow steps go in order of time, but 30s is not later than"),
                (14, "drop_skill: 'english' is already dropped by an earlier step"),
                (16, "move_to: a queue cannot overflow to itself"),
                (18, "move_to: there is no queue 'suport'; did you mean 'support'?"),
                (21, "this step never applies: the chat has moved to 'support' by then"),
                (23, "an overflow step needs drop_skill or move_to"),
                (23, "this step never applies"),
                (24, "an overflow step has either drop_skill or move_to, not both"),
                (24, "this step never applies"),
            ])
    }

    @Test func unknownChoices() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
                strategy: longest_idle
                accept: sometimes
                offer_timeout: 10s
                when_no_agents: wait
            """, [
                (6, "strategy: 'longest_idle' is not one of: longest-idle, least-busy, round-robin, skills-weighted; did you mean 'longest-idle'?"),
                (7, "accept: 'sometimes' is not one of: auto, manual"),
                (9, "when_no_agents: 'wait' is not one of: queue, close"),
            ])
    }

    @Test func offerTimeouts() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
                accept: manual
                offer_timeout: 0s
              - name: support
                accept: manual
                offer_timeout: 0
              - name: billing
                offer_timeout: 30s
            """, [
                (7, "offer_timeout: must be longer than 0"),
                (10, "offer_timeout: must be longer than 0"),
                (12, "offer_timeout applies only with accept: manual"),
            ])
    }

    @Test func badHours() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
            queues:
              - name: a
                hours:
                  timezone: Europe/Berln
                  mon-fri: "9-17"
                  wed: "10:00-12:00"
                  funday: "10:00-12:00"
              - name: b
                hours:
                  mon-fri: "09:00-12:00, 11:00-17:00"
                  sat: "24:00-10:00"
              - name: c
                hours:
                  timezone: UTC
                  sun: closed
              - name: d
                hours: always
                when_closed: later
              - name: e
                when_closed: queue
            """, [
                (7, "timezone: unknown time zone 'Europe/Berln'"),
                (8, "mon-fri: '9-17': '9' is not a time of day"),
                (9, "hours give wed twice (also on line 8)"),
                (10, "hours: 'funday' is not a day or range of days"),
                (13, "hours need a timezone"),  // at the mapping, which starts where its first key does
                (13, "mon-fri: the ranges 09:00-12:00 and 11:00-17:00 overlap"),
                (14, "sat: '24:00-10:00': a range cannot start at 24:00"),
                (17, "the hours open on no day"),
                (20, "hours must be a mapping"),
                (21, "when_closed: 'later' is not one of: queue, close"),
                (23, "when_closed applies only to a queue with hours"),
            ])
    }

    @Test func placeholders() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
                messages:
                  welcome: "Hi {vistor}!"
                  position: "You are {position} of {total}"
                  closed: "Bye from {agent}, you were number {position}"
                  out_of_hours: "Closed {"
                  no_agents: ""
                  goodbye: "See you"
            canned:
              hi: "Hi {visitor}, I am {agent} {eta}"
              braces: "{{literal}} is fine, }} too"
            """, [
                (7, "welcome: unknown placeholder {vistor}; did you mean {visitor}?"),
                (8, "position: unknown placeholder {total}"),
                (9, "closed: {position} has no value in this text (placeholders here: {agent}, {queue}, {visitor})"),
                (10, "out_of_hours: '{' without a closing '}'"),
                (11, "no_agents: the text is empty"),
                (12, "unknown key 'goodbye' in messages"),
                (14, "hi: {eta} has no value in this text"),
            ])
    }

    @Test func twoDefaultQueues() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
            queues:
              - name: a
                default: true
              - name: b
                default: false
              - name: c
                default: yes
            """, [(10, "two default queues: this one and the one on line 6")])
    }

    @Test func queueNames() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
            queues:
              - name: Sales
              - name: chat-1
              - name: "sales team"
              - title: Nameless
            """, [
                (5, "name: 'Sales' may only have lowercase letters, digits, '-' and '_'"),
                (6, "queue names starting with 'chat-' are kept for chat addresses"),
                (7, "name: 'sales team' may only have"),
                (8, "a queue has no 'name'"),
            ])
    }

    @Test func webForms() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
                skills: { sales: 5 }
            queues:
              - name: sales
                skills: [sales]
                web_form: [name, phone, name]
              - name: support
                web_form: email
            """, [
                (8, "web_form: 'phone' is not one of: name, email"),
                (8, "'name' is listed twice"),
                (10, "web_form"),
            ])
    }
}
