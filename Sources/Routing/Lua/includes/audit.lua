--- @include "keys"
--- @include "clock"

-- Appends an agent's or supervisor's action to the audit log (`RoutingKeys.audit`, a stream) in
-- the same step as the action, so an action is never without its entry nor an entry without its
-- action: actor (bare JID), action (`AuditAction`), chat, time in ms, then extra field pairs.
-- The routers trim it by time (XTRIM MINID) after the workflow's `audit_retention`.
local function audit(actor, action, chat, ...)
  redis.call('XADD', K.audit, '*', 'actor', actor, 'action', action, 'chat', chat or '', 'ts', now, ...)
end
