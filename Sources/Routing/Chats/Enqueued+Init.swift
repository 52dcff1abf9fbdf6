extension Enqueued {
    /// What became of a message as another process reports it (a router answering a web
    /// service beside it): supervisors watching are not part of the report.
    public init(chat: String, created: Bool, position: Int, state: ChatStatus, agent: String, messageStored: Bool) {
        self.init(
            chat: chat, created: created, position: position, state: state, agent: agent, messageStored: messageStored, monitors: [])
    }
}
