-- The part every script of the shared frontier begins with (see
-- crawl/redis_frontier.h for the keys). KEYS[1] is the crawl's prefix,
-- "forage:{NAME}:"; its hash tag keeps every key of a crawl in one slot.
-- Times are Redis's own clock, in milliseconds, so nodes' clocks never
-- matter. Scripts answer a table whose first element says how it went.
local K = KEYS[1]
local NOW
do
  local t = redis.call('TIME')
  NOW = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function num(v) return tonumber(v) or 0 end

-- The crawl's settings, as the first node stored them.
local CONF = redis.call('HMGET', K .. 'conf', 'per_host', 'delay_ms', 'max_pages')
local CRAWL_GONE = not CONF[1]
local PER_HOST, DELAY, MAX_PAGES = num(CONF[1]), num(CONF[2]), num(CONF[3])

local function host_delay(hk)
  return math.max(DELAY, num(redis.call('HGET', hk, 'd')))
end

-- Puts `host` in the ready set, scored by when it may start a request, if
-- something waits in its queue and nothing holds it back: its in-flight cap,
-- a start under a delay not yet confirmed, a robots.txt being fetched (only
-- the robots.txt job itself, at the queue's head, may go). A host with
-- nothing queued and nothing to remember is forgotten.
local function refresh(host)
  local hk = K .. 'h:' .. host
  local h = redis.call('HMGET', hk, 'f', 'a', 't', 'p', 'b', 'd')
  local head = redis.call('LINDEX', K .. 'q:' .. host, 0)
  if not head then
    redis.call('ZREM', K .. 'ready', host)
    redis.call('SREM', K .. 'qs', host)
    if num(h[1]) <= 0 and not h[2] and num(h[5]) <= 0 and not h[6] and
        num(h[3]) <= NOW and num(h[4]) <= NOW then
      redis.call('DEL', hk)
    end
    return
  end
  if h[2] or num(h[1]) >= PER_HOST or (num(h[5]) > 0 and string.sub(head, 1, 1) ~= 'R') then
    redis.call('ZREM', K .. 'ready', host)
    return
  end
  redis.call('ZADD', K .. 'ready', math.max(num(h[3]), num(h[4])), host)
end

local function put(host, entry, front)
  if front then
    redis.call('LPUSH', K .. 'q:' .. host, entry)
  else
    redis.call('RPUSH', K .. 'q:' .. host, entry)
  end
  redis.call('SADD', K .. 'qs', host)
  refresh(host)
end

-- A lease: "NODE\nHOST\nC\nENTRY", C '1' when it holds one of the host's
-- in-flight slots.
local function new_lease(node, host, counted, entry)
  local token = tostring(redis.call('INCR', K .. 'seq'))
  redis.call('HSET', K .. 'lease', token,
             node .. '\n' .. host .. '\n' .. (counted and '1' or '0') .. '\n' .. entry)
  redis.call('SADD', K .. 'held:' .. node, token)
  if counted then redis.call('HINCRBY', K .. 'h:' .. host, 'f', 1) end
  return token
end

-- Ends a lease; `sent`: a request went out under it (an unconfirmed start
-- under a delay counts from now). Returns its host and entry, or nil.
local function end_lease(token, sent)
  local lease = redis.call('HGET', K .. 'lease', token)
  if not lease then return nil end
  redis.call('HDEL', K .. 'lease', token)
  local a = string.find(lease, '\n', 1, true)
  local b = string.find(lease, '\n', a + 1, true)
  local node = string.sub(lease, 1, a - 1)
  local host = string.sub(lease, a + 1, b - 1)
  local counted = string.sub(lease, b + 1, b + 1) == '1'
  local entry = string.sub(lease, b + 3)
  redis.call('SREM', K .. 'held:' .. node, token)
  if counted then
    local hk = K .. 'h:' .. host
    if redis.call('HINCRBY', hk, 'f', -1) < 0 then redis.call('HSET', hk, 'f', 0) end
    if redis.call('HGET', hk, 'a') == token then
      redis.call('HDEL', hk, 'a')
      if sent then redis.call('HSET', hk, 't', NOW + host_delay(hk)) end
    end
  end
  return host, entry
end

-- A lease whose node died (`died`) or left: its job goes back to the head
-- of its host's queue, a death counted in the entry's second byte.
local function return_lease(token, died)
  local host, entry = end_lease(token, true)
  if not host then return end
  if died then
    local deaths = math.min(tonumber(string.sub(entry, 2, 2)) + 1, 9)
    entry = string.sub(entry, 1, 1) .. deaths .. string.sub(entry, 3)
  end
  put(host, entry, true)
end

local function reclaim_node(node, died)
  local tokens = redis.call('SMEMBERS', K .. 'held:' .. node)
  for _, token in ipairs(tokens) do return_lease(token, died) end
  redis.call('DEL', K .. 'held:' .. node)
  redis.call('ZREM', K .. 'nodes', node)
  redis.call('SREM', K .. 'readers', node)
  if #tokens > 0 then redis.call('HINCRBY', K .. 'n', 'reclaimed', #tokens) end
  return #tokens
end

-- Nodes whose heartbeat lapsed: their leases go back (a few per call).
local function reclaim_dead()
  local dead = redis.call('ZRANGEBYSCORE', K .. 'nodes', '-inf', NOW, 'LIMIT', 0, 8)
  for _, node in ipairs(dead) do reclaim_node(node, true) end
end

-- Retries whose time has come join their host's queue (robots.txt first).
local function promote()
  local due = redis.call('ZRANGEBYSCORE', K .. 'retry', '-inf', NOW, 'LIMIT', 0, 100)
  for _, member in ipairs(due) do
    redis.call('ZREM', K .. 'retry', member)
    local a = string.find(member, '\n', 1, true)
    local b = string.find(member, '\n', a + 1, true)
    local entry = string.sub(member, b + 1)
    put(string.sub(member, a + 1, b - 1), entry, string.sub(entry, 1, 1) == 'R')
  end
end

-- Where the crawl stands, for the node asking: URLs admitted, records
-- committed, other nodes still reading input, whether any node has taken
-- input yet, and the soonest moment something may become claimable (-1:
-- nothing is timed).
local function summary(node)
  local n = redis.call('HMGET', K .. 'n', 'admitted', 'done', 'seeded')
  local readers = redis.call('SCARD', K .. 'readers') -
                  redis.call('SISMEMBER', K .. 'readers', node)
  local wake = -1
  for _, key in ipairs({'ready', 'retry', 'nodes'}) do
    local first = redis.call('ZRANGE', K .. key, 0, 0, 'WITHSCORES')
    if first[2] and (wake < 0 or tonumber(first[2]) < wake) then wake = tonumber(first[2]) end
  end
  if wake >= 0 then wake = math.max(wake - NOW, 0) end
  return {num(n[1]), num(n[2]), readers, num(n[3]), wake}
end

local function answer(status, node, extra)
  local out = {status}
  for _, v in ipairs(summary(node)) do out[#out + 1] = v end
  for _, v in ipairs(extra or {}) do out[#out + 1] = v end
  return out
end

local function alive(node)
  return redis.call('ZSCORE', K .. 'nodes', node) ~= false
end

-- Whether run `incarnation` holds node id `node`. A run held up past its
-- TTL whose id another run took over finds its leases fenced, but the id
-- is alive (the new run beats): without this check it could take new
-- leases under it before its own heartbeat tells it ('taken').
local function owns(node, incarnation)
  return redis.call('HGET', K .. 'ninfo', node) == incarnation
end
