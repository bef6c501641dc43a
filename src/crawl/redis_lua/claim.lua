-- Claims up to ARGV[2] jobs for node ARGV[1] (run ARGV[3]), each under a
-- lease: answers token, entry, confirm ('1': its host has a delay and waits
-- for Sent) per job. Returns dead nodes' leases and promotes due retries
-- first.
local node, room = ARGV[1], tonumber(ARGV[2])
if CRAWL_GONE then return {'gone'} end
reclaim_dead()
if not owns(node, ARGV[3]) then return {'taken'} end
if not alive(node) then return {'dead'} end
promote()
local out = {}
for _ = 1, room do
  local ready = redis.call('ZRANGEBYSCORE', K .. 'ready', '-inf', NOW, 'LIMIT', 0, 1)
  if #ready == 0 then break end
  local host = ready[1]
  local entry = redis.call('LPOP', K .. 'q:' .. host)
  if entry then
    local hk = K .. 'h:' .. host
    local token = new_lease(node, host, true, entry)
    local confirm = host_delay(hk) > 0
    if confirm then
      redis.call('HSET', hk, 'a', token)
    else
      redis.call('HSET', hk, 't', NOW)  -- behind hosts that waited longer
    end
    out[#out + 1] = token
    out[#out + 1] = entry
    out[#out + 1] = confirm and '1' or '0'
  end
  refresh(host)
end
return answer('ok', node, out)
