// The key schema, chat states and event types are Routing's vocabulary: whoever imports Routing
// gets them, as before they moved to their own module (shared with Stats, which no longer links
// the router).
@_exported import RoutingSchema
