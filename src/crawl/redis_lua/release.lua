-- Ends a lease without a record. ARGV: node, token, how, sent, entry (the
-- job as it goes on; '': as it was claimed, for a node that let it go while
-- Redis was away; a job that ended at once ('X') goes on as it was, error
-- and all, whatever the node sends), then what `how` needs:
--   'back'     queued again behind its host's jobs (robots.txt in front)
--   'head'     queued again at its host's head (the node stops)
--   'retry'    wait_ms: queued again once that has passed
--   'redirect' host, bucket, fingerprint, origin, robots entry: the next
--              hop, queued on its own host unless that URL was seen
--              ('seen': the lease stays, the node records the hop)
--   'robots'   origin, verdict, crawl_delay_ms: robots.txt answered for
--              the origin; its host goes on
local node, token, how, sent, entry = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1', ARGV[5]
if CRAWL_GONE then return {'gone'} end
if redis.call('SISMEMBER', K .. 'held:' .. node, token) == 0 then return {'fenced'} end
if how == 'redirect' then
  if redis.call('SADD', K .. 's:' .. ARGV[7], ARGV[8]) == 0 then return {'seen'} end
end
local host, held = end_lease(token, sent)
if entry == '' or string.sub(held, 1, 1) == 'X' then entry = held end
if how == 'back' then
  put(host, entry, string.sub(entry, 1, 1) == 'R')
elseif how == 'head' then
  put(host, entry, true)
elseif how == 'retry' then
  local seq = redis.call('INCR', K .. 'seq')
  redis.call('ZADD', K .. 'retry', NOW + tonumber(ARGV[6]), seq .. '\n' .. host .. '\n' .. entry)
  refresh(host)
elseif how == 'redirect' then
  refresh(host)
  local next_host, origin = ARGV[6], ARGV[9]
  if origin ~= '' and redis.call('SETNX', K .. 'r:' .. origin, '?') == 1 then
    redis.call('HINCRBY', K .. 'h:' .. next_host, 'b', 1)
    redis.call('LPUSH', K .. 'q:' .. next_host, ARGV[10])
  end
  put(next_host, entry, false)
elseif how == 'robots' then
  redis.call('SET', K .. 'r:' .. ARGV[6], ARGV[7])
  local hk = K .. 'h:' .. host
  if redis.call('HINCRBY', hk, 'b', -1) < 0 then redis.call('HSET', hk, 'b', 0) end
  local crawl_delay = tonumber(ARGV[8])
  if crawl_delay > num(redis.call('HGET', hk, 'd')) then
    redis.call('HSET', hk, 'd', crawl_delay)
  end
  refresh(host)
end
return answer('ok', node)
