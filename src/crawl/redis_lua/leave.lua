-- Node ARGV[1] leaves (its run ended): what it still holds goes back to
-- the head of the queues, and it reads no more input. ARGV[2]: its
-- incarnation, so that a run that was taken over leaves nothing of the
-- new one's.
local node = ARGV[1]
if CRAWL_GONE then return {'gone'} end
if redis.call('HGET', K .. 'ninfo', node) == ARGV[2] then
  reclaim_node(node, false)
  redis.call('HDEL', K .. 'ninfo', node)
end
return {'ok'}
