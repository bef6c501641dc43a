-- Admits URLs. ARGV: node, its run (incarnation), then per URL seven
-- values: seen-set bucket, fingerprint, host, entry, origin ('' : no
-- robots.txt to fetch for it), that origin's robots.txt entry, and '1' when
-- the node ends the URL at once (it knows robots.txt refuses it, or it is
-- no URL): then it is leased to the node instead of queued. Answers per
-- URL 'Q' (queued), 'S' (seen), 'L' (--max-pages reached) or the lease token.
local node = ARGV[1]
if CRAWL_GONE then return {'gone'} end
if not owns(node, ARGV[2]) then return {'taken'} end
if not alive(node) then return {'dead'} end
local admitted = num(redis.call('HGET', K .. 'n', 'admitted'))
local out = {}
local touched = {}
for i = 3, #ARGV, 7 do
  local bucket, fp, host, entry = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local origin, robots_entry, now_ended = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6] == '1'
  if MAX_PAGES > 0 and admitted >= MAX_PAGES then
    out[#out + 1] = 'L'
  elseif redis.call('SADD', K .. 's:' .. bucket, fp) == 0 then
    out[#out + 1] = 'S'
  else
    admitted = admitted + 1
    if now_ended then
      out[#out + 1] = new_lease(node, host, false, entry)
    else
      if origin ~= '' and redis.call('SETNX', K .. 'r:' .. origin, '?') == 1 then
        redis.call('HINCRBY', K .. 'h:' .. host, 'b', 1)
        redis.call('LPUSH', K .. 'q:' .. host, robots_entry)
      end
      redis.call('RPUSH', K .. 'q:' .. host, entry)
      redis.call('SADD', K .. 'qs', host)
      touched[host] = true
      out[#out + 1] = 'Q'
    end
  end
end
redis.call('HSET', K .. 'n', 'admitted', admitted)
for host in pairs(touched) do refresh(host) end
return answer('ok', node, out)
