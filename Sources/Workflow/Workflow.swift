// The workflow model arrives with the routing engine.
