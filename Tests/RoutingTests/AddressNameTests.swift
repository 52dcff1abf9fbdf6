import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Names where clients look for them (issue 17, items 6 and 8): clients ignore a `<nick>` on
/// one-to-one messages, so every line showed as "sales" and chats as "chat-2"; and a visitor
/// who turned on OMEMO waited on the device list.
@Suite struct AddressNameTests: LiveRouterSuite {
    @Test func queuesAndChatsHaveVCardsAndIdentitiesNamedForWhatTheyAre() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(AddressPresenceTests.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let help = try live.address("help")
            #expect(try await Self.card(visitor, of: help)?.fullName == "Help desk")
            #expect(try await Self.identityName(visitor, of: help) == "Help desk")

            try await visitor.send(Message(to: help, body: "Hello"))
            let chatAddress = try #require(try await alice.offer("the chat").from)
            #expect(try await Self.card(alice, of: chatAddress)?.fullName == "visitor1", "the chat is named for its visitor")
            #expect(try await Self.identityName(alice, of: chatAddress) == "visitor1")
        }
    }

    /// Gajim, Conversations and Dino name a contact from its PEP nick, not from a nick in
    /// presence: each address that shows itself online with a name also sends the name as a
    /// XEP-0172 PEP event, from its bare address.
    @Test func queuesAndChatsSendTheirNamesAsPEPNickEvents() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(AddressPresenceTests.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let help = try live.address("help")
            _ = try await visitor.request(
                IQ(type: .get, id: visitor.nextID(), payload: XMLElement("query", namespace: Namespace.roster)))
            try await visitor.send(Presence(to: help, type: .subscribe))
            let queueEvent = try await visitor.next("the queue's PEP nick") { Self.pepNick($0) }
            #expect(queueEvent.from == help, "from the bare address")
            #expect(queueEvent.type == .headline && queueEvent.id != nil)
            #expect(Self.nickIn(queueEvent) == "Help desk")

            try await visitor.send(Message(to: help, body: "Hello"))
            let chatEvent = try await alice.next("the chat's PEP nick") { Self.pepNick($0) }
            #expect(chatEvent.from?.chatID != nil && chatEvent.from?.resource == nil, "from the chat's bare address: \(chatEvent)")
            #expect(chatEvent.id != nil)
            #expect(Self.nickIn(chatEvent) == "visitor1", "named for its visitor")
        }
    }

    static func pepNick(_ stanza: Stanza) -> Message? {
        if case .message(let message) = stanza, nickIn(message) != nil { message } else { nil }
    }

    static func nickIn(_ message: Message) -> String? {
        let pubsubEvent = "http://jabber.org/protocol/pubsub#event"
        guard let items = message.element.child("event", namespace: pubsubEvent)?.child("items", namespace: pubsubEvent),
            items[attribute: "node"] == AddressPresenceTests.nickNamespace,
            let item = items.child("item", namespace: pubsubEvent), item[attribute: "id"] == "current"
        else { return nil }
        return item.child("nick", namespace: AddressPresenceTests.nickNamespace)?.text
    }

    /// A queue's `avatar` (issue 17, item 6): its bytes in the vCard's PHOTO, its SHA-1 in the
    /// queue's presence (XEP-0153), which is what makes clients fetch it.
    @Test func aQueuesAvatarIsInItsVCardAndItsHashInItsPresence() async throws {
        let directory = try RunDirectory.make("avatar")
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<200).map { UInt8($0) }
        FileManager.default.createFile(atPath: "\(directory)/help.png", contents: Data(png))
        let yaml = AddressPresenceTests.yaml.replacingOccurrences(
            of: "    title: Help desk\n", with: "    title: Help desk\n    avatar: \(directory)/help.png\n")
        try await Self.withRouter(accounts: Self.accounts(["visitor1"]), rules: Self.workflow(yaml)) { (live: LiveRouter) in
            let visitor = try await live.connect("visitor1")
            let help = try live.address("help")
            let card = try #require(try await Self.card(visitor, of: help))
            #expect(card.fullName == "Help desk")
            #expect(card.photo == VCard.Photo(type: "image/png", bytes: png), "the file's bytes, as base64 in BINVAL")

            _ = try await visitor.request(
                IQ(type: .get, id: visitor.nextID(), payload: XMLElement("query", namespace: Namespace.roster)))
            try await visitor.send(Presence(to: help, type: .subscribe))
            let seen = try await visitor.presences(until: "the queue online") { $0.type == .available && $0.from?.bare == help }
            let update = seen.last?.element.child("x", namespace: VCard.updateNamespace)
            #expect(update?.child("photo")?.text == Hex.encode(Digest.sha1(png)), "\(seen)")
        }
    }

    @Test func anOMEMODeviceListQueryIsAnsweredItemNotFound() async throws {
        try await Self.withRouter(accounts: Self.accounts(["visitor1"]), rules: Self.workflow(AddressPresenceTests.yaml)) {
            (live: LiveRouter) in
            let visitor = try await live.connect("visitor1")
            var pubsub = XMLElement("pubsub", namespace: "http://jabber.org/protocol/pubsub")
            pubsub.append(XMLElement("items", namespace: "http://jabber.org/protocol/pubsub",
                                     attributes: [XMLAttribute("node", "eu.siacs.conversations.axolotl.devicelist")]))
            do {
                _ = try await visitor.request(IQ(type: .get, id: visitor.nextID(), to: try live.address("help"), payload: pubsub))
                Issue.record("a device list where there is none")
            } catch let error as StanzaError {
                #expect(error.condition == .itemNotFound, "no such node: clients fall back at once")
            }
        }
    }

    static func card(_ client: XMPPClient, of address: JID) async throws -> VCard? {
        let result = try await client.request(
            IQ(type: .get, id: client.nextID(), to: address, payload: XMLElement("vCard", namespace: VCard.namespace)))
        return result.payload.flatMap(VCard.init)
    }

    static func identityName(_ client: XMPPClient, of address: JID) async throws -> String? {
        let result = try await client.request(
            IQ(type: .get, id: client.nextID(), to: address, payload: XMLElement("query", namespace: Namespace.discoInfo)))
        return result.payload?.child("identity")?[attribute: "name"]
    }
}
