-- A node joins the crawl. ARGV: node, incarnation (unique to this run of
-- the node), ttl_ms, reads_input ('1'/'0'), then setting/value pairs. The
-- first node stores the settings; a later one must bring the same values.
-- A node id whose last run still beats (another live process) is refused
-- ('busy', with how long its heartbeat has left); one whose last run died
-- gets that run's leases returned first.
local node, incarnation, ttl, reads = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
local conf = K .. 'conf'
if CRAWL_GONE then
  for i = 5, #ARGV, 2 do redis.call('HSET', conf, ARGV[i], ARGV[i + 1]) end
  redis.call('HSET', conf, 'epoch', incarnation, 'created_ms', NOW)
else
  local differ = {'conflict'}
  for i = 5, #ARGV, 2 do
    -- A setting the crawl's first node did not store (it predates the
    -- setting) counts as empty: the setting's value when not used.
    local stored = redis.call('HGET', conf, ARGV[i]) or ''
    if stored ~= ARGV[i + 1] then
      differ[#differ + 1] = ARGV[i]
      differ[#differ + 1] = stored
      differ[#differ + 1] = ARGV[i + 1]
    end
  end
  if #differ > 1 then return differ end
end
local beat = redis.call('ZSCORE', K .. 'nodes', node)
local owner = redis.call('HGET', K .. 'ninfo', node)
if beat and owner ~= incarnation and tonumber(beat) > NOW then
  return {'busy', tonumber(beat) - NOW}
end
reclaim_node(node, true)  -- its last run's, which died
redis.call('ZADD', K .. 'nodes', NOW + ttl, node)
redis.call('HSET', K .. 'ninfo', node, incarnation)
if reads then
  redis.call('SADD', K .. 'readers', node)
  redis.call('HSET', K .. 'n', 'seeded', 1)
end
local mark = redis.call('HGET', K .. 'marks', node) or ''
local mark_id = redis.call('HGET', K .. 'markid', node) or '0-0'
return answer('ok', node, {redis.call('HGET', conf, 'epoch'), mark, mark_id})
