-- Node ARGV[1]'s output holds every record of its stream up to id ARGV[3]
-- and stands at ARGV[2] (its own description of where): stored, and the
-- stream trimmed of what the output has.
local node, mark, id = ARGV[1], ARGV[2], ARGV[3]
if CRAWL_GONE then return {'gone'} end
if redis.call('HGET', K .. 'ninfo', node) ~= ARGV[4] then return {'taken'} end
redis.call('HSET', K .. 'marks', node, mark)
redis.call('HSET', K .. 'markid', node, id)
local dash = string.find(id, '-', 1, true)
if dash then
  local next_id = string.sub(id, 1, dash) .. (tonumber(string.sub(id, dash + 1)) + 1)
  redis.call('XTRIM', K .. 'out:' .. node, 'MINID', next_id)
end
return {'ok'}
