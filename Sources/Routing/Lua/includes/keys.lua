-- The routing key names, as `RoutingKeys` (Swift) builds them: a test compares the two.
-- KEYS[1] is always the event stream; its name without `events` is the prefix, with the hash tag,
-- of every other key, so all keys a script touches are in one Cluster slot. Scripts take the keys
-- they know up front in KEYS, and hand them to the shared steps as `known` (by name: chat,
-- chatTimers, timers, agent, agentChats); keys found as a script runs (a chat's queue or agent, a
-- new chat's id) are named here.
local P = string.sub(KEYS[1], 1, -7)
local K = {
  timers = P .. 'timers', open = P .. 'open', seq = P .. 'seq', audit = P .. 'audit', owedClosed = P .. 'owedclosed',
  chat = function(id) return P .. 'chat:' .. id end,
  transcript = function(id) return P .. 'chat:' .. id .. ':transcript' end,
  declined = function(id) return P .. 'chat:' .. id .. ':declined' end,
  chatTimers = function(id) return P .. 'chat:' .. id .. ':timers' end,
  seen = function(id) return P .. 'chat:' .. id .. ':seen' end,
  monitors = function(id) return P .. 'chat:' .. id .. ':monitors' end,
  relayIDs = function(id) return P .. 'chat:' .. id .. ':ids' end,
  waiting = function(queue) return P .. 'queue:' .. queue .. ':waiting' end,
  roundRobin = function(queue) return P .. 'queue:' .. queue .. ':rr' end,
  agent = function(jid) return P .. 'agent:' .. jid end,
  agentChats = function(jid) return P .. 'agent:' .. jid .. ':chats' end,
  visitor = function(queue, visitor) return P .. 'visitor:' .. queue .. ':' .. visitor end,
  answers = function(queue) return P .. 'queue:' .. queue .. ':answers' end,
  rating = function(queue, visitor) return P .. 'rating:' .. queue .. ':' .. visitor end,
  leaveMessage = function(queue, visitor) return P .. 'leave:' .. queue .. ':' .. visitor end,
  lastChat = function(visitor) return P .. 'lastchat:' .. visitor end,
  announcing = function(chat) return P .. 'announcing:' .. chat end,
  plan = function(sha1) return P .. 'plan:' .. sha1 end,
}
