import FuzzDriver
import XMPP

// Parses an address as it arrives in a `from`/`to` attribute or a workflow file. What parses must
// print as text that parses back to the same address, and so must its bare form.
fuzz { input in
    guard let jid = try? JID(input.text) else { return }
    guard let again = try? JID(jid.description), again == jid else {
        fatalError("JID '\(jid)' (read from '\(input.text)') does not parse back to itself")
    }
    guard (try? JID(jid.bare.description)) == jid.bare else {
        fatalError("the bare JID of '\(input.text)' does not parse back to itself")
    }
}
