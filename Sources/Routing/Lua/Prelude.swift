/// Lua shared by every routing script: the clock, key names, events and the small steps
/// several operations take (freeing an agent's capacity, requeueing, timers).
///
/// KEYS[1] is always the event stream; its name without `events` is the prefix, with the
/// hash tag, of every other key, so all keys a script touches are in one Cluster slot.
/// Key names mirror `RoutingKeys`.
enum Prelude {
    static let source = #"""
        local P = string.sub(KEYS[1], 1, -7)
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local K = {
          timers = P .. 'timers', open = P .. 'open', seq = P .. 'seq',
          chat = function(id) return P .. 'chat:' .. id end,
          transcript = function(id) return P .. 'chat:' .. id .. ':transcript' end,
          declined = function(id) return P .. 'chat:' .. id .. ':declined' end,
          chatTimers = function(id) return P .. 'chat:' .. id .. ':timers' end,
          seen = function(id) return P .. 'chat:' .. id .. ':seen' end,
          monitors = function(id) return P .. 'chat:' .. id .. ':monitors' end,
          waiting = function(queue) return P .. 'queue:' .. queue .. ':waiting' end,
          roundRobin = function(queue) return P .. 'queue:' .. queue .. ':rr' end,
          agent = function(jid) return P .. 'agent:' .. jid end,
          agentChats = function(jid) return P .. 'agent:' .. jid .. ':chats' end,
          visitor = function(queue, visitor) return P .. 'visitor:' .. queue .. ':' .. visitor end,
        }

        -- Appends a routing event: type, chat, queue, agent, time in ms, then extra field pairs.
        local function emit(kind, chat, queue, agent, ...)
          redis.call('XADD', KEYS[1], 'MAXLEN', '~', 1000000, '*', 'type', kind, 'chat', chat or '',
            'queue', queue or '', 'agent', agent or '', 'ts', now, ...)
        end

        -- A chat's timer: kept in the due-time set and in the chat's own list, so closing clears all.
        local function setTimer(chat, member, due)
          redis.call('ZADD', K.timers, due, member)
          redis.call('SADD', K.chatTimers(chat), member)
        end

        local function clearTimer(chat, member)
          redis.call('ZREM', K.timers, member)
          redis.call('SREM', K.chatTimers(chat), member)
        end

        -- Takes a chat off its agent, freeing one unit of capacity.
        local function release(chat, agent)
          if agent and agent ~= '' and redis.call('SREM', K.agentChats(agent), chat) == 1 then
            redis.call('HINCRBY', K.agent(agent), 'load', -1)
          end
        end

        -- Puts a chat at the front of a queue, waiting again.
        local function requeueFront(chat, queue)
          local first = redis.call('ZRANGE', K.waiting(queue), 0, 0, 'WITHSCORES')
          local score = now
          if first[2] then score = math.min(tonumber(first[2]) - 1, now) end
          redis.call('ZADD', K.waiting(queue), score, chat)
          redis.call('HSET', K.chat(chat), 'state', 'queued', 'agent', '')
          clearTimer(chat, 'offer|' .. chat)
        end

        -- Gives a chat to an agent: offered (manual accept, with a timeout) or active at once. It
        -- stays unannounced until the router has told the agent, so a router that dies in between
        -- leaves the telling to the next one.
        local function give(chat, queue, agent, offerMs)
          redis.call('SADD', K.agentChats(agent), chat)
          redis.call('HINCRBY', K.agent(agent), 'load', 1)
          redis.call('HSET', K.agent(agent), 'last_routed', now)
          if offerMs and offerMs > 0 then
            redis.call('HSET', K.chat(chat), 'state', 'offered', 'agent', agent, 'offered_at', now, 'announced', 0)
            setTimer(chat, 'offer|' .. chat, now + offerMs)
            emit('offered', chat, queue, agent)
            return 'offered'
          end
          redis.call('HSET', K.chat(chat), 'state', 'active', 'agent', agent, 'offered_at', now, 'accepted_at', now, 'announced', 0)
          emit('assigned', chat, queue, agent)
          return 'active'
        end

        -- A chat moved to another queue is found from the new queue's address too; the old one
        -- keeps pointing at it, so a visitor writing where they started stays in the same chat.
        local function moveVisitorIndex(chat, from, to)
          local visitor = redis.call('HGET', K.chat(chat), 'visitor')
          redis.call('SET', K.visitor(to, visitor), chat, 'NX')
        end

        """#
}
