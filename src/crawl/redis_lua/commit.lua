-- Ends a lease with its record. ARGV: node, token, sent ('1': a request
-- went out), record ('': the job is done without one). The record goes to
-- the node's stream in the same step, and stays there until the node's
-- output holds it (mark.lua). 'fenced': the lease is not this node's any
-- more (it lapsed and the job went to another): no record.
local node, token, sent, record = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4]
if CRAWL_GONE then return {'gone'} end
if redis.call('SISMEMBER', K .. 'held:' .. node, token) == 0 then return {'fenced'} end
local host = end_lease(token, sent)
refresh(host)
redis.call('HINCRBY', K .. 'n', 'done', 1)
redis.call('HINCRBY', K .. 'nd', node, 1)
local id = ''
if record ~= '' then id = redis.call('XADD', K .. 'out:' .. node, '*', 'r', record) end
return answer('ok', node, {id})
