-- Node ARGV[1] has read all its input.
local node = ARGV[1]
if CRAWL_GONE then return {'gone'} end
redis.call('SREM', K .. 'readers', node)
return answer('ok', node)
