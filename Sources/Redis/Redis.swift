// Placeholder until the Redis layer lands.
