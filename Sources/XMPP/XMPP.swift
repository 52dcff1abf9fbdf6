// Placeholder until the XMPP layer lands.
