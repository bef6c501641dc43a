-- A node's heartbeat. ARGV: node, incarnation, ttl_ms, reads_input. 'taken':
-- another run of this node id took over (this one was stopped too long);
-- 'ok' with lost = 1 when this node's leases were returned meanwhile (its
-- jobs are others' now: whatever it still holds will be fenced).
local node, incarnation, ttl, reads = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
if CRAWL_GONE then return {'gone'} end
if redis.call('HGET', K .. 'ninfo', node) ~= incarnation then return {'taken'} end
local lost = alive(node) and 0 or 1
redis.call('ZADD', K .. 'nodes', NOW + ttl, node)
if lost == 1 and reads then redis.call('SADD', K .. 'readers', node) end
reclaim_dead()
promote()
return answer('ok', node, {lost})
