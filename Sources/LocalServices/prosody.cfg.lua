-- Prosody configuration for Switchboard's local services and tests.
--
-- One file for Scripts/services and LocalServices' ProsodyServer (the tests and
-- `switchboard bench`), which embeds it when the program is built: every value
-- that changes between runs comes from the environment (os.getenv, like
-- Prosody's ENV_NAME shorthand, but an empty variable counts as unset).
-- prosodyctl needs the same environment.
--
--   SB_PROSODY_DATA      data folder (accounts, rosters)              required
--   SB_PROSODY_CERTS     folder with localhost.crt / localhost.key    required
--   SB_COMPONENT_SECRET  the service component's shared secret        required
--   SB_C2S_PORT          client port                                  5222
--   SB_COMPONENT_PORT    external component port (XEP-0114)           5347
--   SB_DOMAIN            service domain of the router component       support.localhost
--   SB_PROSODY_LOG       log file (stdout when unset)
--   SB_PROSODY_LOG_LEVEL lowest level logged                          info
--   SB_PROSODY_PIDFILE   pid file (none when unset)
--   SB_PROSODY_LIMITS    "on" or "off": mod_limits' c2s rate limit     on
--   SB_PROSODY_NAGLE     "on" or "off": Nagle's algorithm on sockets   off
--
-- Loopback only, no s2s, no HTTP: it is a local test server, not a template
-- for a deployment.

local function required(name)
	local value = os.getenv(name)
	if value == nil or value == "" then
		error("Switchboard's prosody.cfg.lua needs the environment variable " .. name, 0)
	end
	return value
end

local function optional(name)
	local value = os.getenv(name)
	if value == "" then return nil end
	return value
end

local function port(name, default)
	local value = os.getenv(name)
	if value == nil or value == "" then return default end
	local number = tonumber(value)
	if number == nil then
		error("environment variable " .. name .. " is not a port number", 0)
	end
	return number
end

run_as_root = true -- Scripts and tests run as root in CI; without this mod_posix refuses to start.
data_path = required("SB_PROSODY_DATA")
certificates = required("SB_PROSODY_CERTS")
pidfile = optional("SB_PROSODY_PIDFILE")

local log_level = optional("SB_PROSODY_LOG_LEVEL") or "info"
if optional("SB_PROSODY_LOG") then
	log = { { levels = { min = log_level }, to = "file", filename = optional("SB_PROSODY_LOG") } }
else
	log = { { levels = { min = log_level }, to = "console" } }
end

c2s_ports = { port("SB_C2S_PORT", 5222) }
c2s_interfaces = { "127.0.0.1" }
component_ports = { port("SB_COMPONENT_PORT", 5347) }
component_interfaces = { "127.0.0.1" }
interfaces = { "127.0.0.1" }
-- No direct-TLS c2s port, no HTTP (BOSH, websocket, file share): nothing that
-- binds a fixed port and clashes with a second instance.
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }

-- Options set here are stored by Prosody, not readable back as variables:
-- build the module list in a local first.
local modules = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "presence"; "posix" }
-- mod_offline would deliver messages stored in earlier tests to accounts the
-- tests reuse; s2s is of no use on a loopback-only server.
modules_disabled = { "offline"; "s2s"; "s2s_auth_certs"; "dialback" }

local limits_setting = optional("SB_PROSODY_LIMITS") or "on"
if limits_setting == "on" then
	-- Debian's default: load tests turn it off (it caps a client near 65 messages/s).
	modules[#modules + 1] = "limits"
	limits = { c2s = { rate = "10kb/s" } }
elseif limits_setting ~= "off" then
	error("SB_PROSODY_LIMITS must be on or off, not " .. limits_setting, 0)
end
modules_enabled = modules

-- Prosody 0.12 leaves Nagle's algorithm on (server_epoll's `nagle = true`): a small write waits
-- for the peer's ACK, which a client delays up to 40 ms, so a stanza written right behind another
-- (the router's presence, then its offer) waits: time to offer p50 19-21 ms with it on, 2.8 ms off
-- (docs/PERFORMANCE.md, "Nagle"). Off, as deployments should run it, for some more CPU.
local nagle_setting = optional("SB_PROSODY_NAGLE") or "off"
if nagle_setting == "off" then
	network_settings = { nagle = false }
elseif nagle_setting ~= "on" then
	error("SB_PROSODY_NAGLE must be on or off, not " .. nagle_setting, 0)
end

authentication = "internal_hashed" -- SCRAM-SHA-1 (and PLAIN) against salted hashes
storage = "internal"

-- STARTTLS is offered with the self-signed certificate but not required on
-- loopback, so plain test clients and PLAIN over loopback both work.
c2s_require_encryption = false
allow_unencrypted_plain_auth = true

VirtualHost "localhost"

Component (optional("SB_DOMAIN") or "support.localhost")
	component_secret = required("SB_COMPONENT_SECRET")
