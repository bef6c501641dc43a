-- The request of lease ARGV[2] (node ARGV[1]) went out: its host's delay
-- counts from now, and the host may start its next request then.
local node, token = ARGV[1], ARGV[2]
if CRAWL_GONE then return {'gone'} end
local lease = redis.call('HGET', K .. 'lease', token)
if not lease or redis.call('SISMEMBER', K .. 'held:' .. node, token) == 0 then return {'fenced'} end
local a = string.find(lease, '\n', 1, true)
local b = string.find(lease, '\n', a + 1, true)
local host = string.sub(lease, a + 1, b - 1)
local hk = K .. 'h:' .. host
if redis.call('HGET', hk, 'a') == token then
  redis.call('HDEL', hk, 'a')
  redis.call('HSET', hk, 't', NOW + host_delay(hk))
  refresh(host)
end
return {'ok'}
