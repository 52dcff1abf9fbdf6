/// A detail the web widget may ask a visitor for before the chat (a queue's `web_form`).
public enum VisitorDetail: String, Sendable, Hashable, CaseIterable {
    case name, email
}
