-- Holds host ARGV[1] back for ARGV[2] ms (a 429 or 503 asked for it).
if CRAWL_GONE then return {'gone'} end
local host = ARGV[1]
local hk = K .. 'h:' .. host
local until_ms = NOW + tonumber(ARGV[2])
if until_ms > num(redis.call('HGET', hk, 'p')) then redis.call('HSET', hk, 'p', until_ms) end
refresh(host)
return {'ok'}
