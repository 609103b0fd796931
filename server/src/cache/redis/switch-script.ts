import { PRELUDE } from './write-scripts.js';

/**
 * Folds a built generation's overlay into its entities, newest version winning. An
 * overlay entity new to the generation is counted into its team, read from the encoded
 * value ([version, id, tenant, team, ...]) and joined with the separator, character 31.
 */
const MERGE = `
local function mergeOverlay(g)
  local ov = gkey('overlay', g)
  local flat = redis.call('HGETALL', ov)
  if #flat == 0 then return end
  local ek, tk = gkey('entities', g), gkey('teams', g)
  local n = #flat / 2
  for s = 0, n - 1, SLICE do
    local e = math.min(s + SLICE, n) - 1
    local ids = {}
    for j = s, e do ids[j - s + 1] = flat[2 * j + 1] end
    local stored = redis.call('HMGET', ek, unpack(ids))
    local writes, w = {}, 0
    for j = s, e do
      local old = stored[j - s + 1]
      local val = flat[2 * j + 2]
      if not old then
        local a = cjson.decode(val)
        redis.call('HINCRBY', tk, a[3] .. '\\31' .. a[4], 1)
      end
      if (not old) or ver(old) < ver(val) then
        writes[w + 1] = ids[j - s + 1]
        writes[w + 2] = val
        w = w + 2
      end
    end
    if w > 0 then redis.call('HSET', ek, unpack(writes)) end
  end
  redis.call('UNLINK', ov)
end
`;

/**
 * KEYS[2] = lock. ARGV: base, generation, appliedChangeId, builtAt, builtBy, durationMs,
 * '1' when a lock token is given, the token, the change log's epoch ('' when unknown).
 * Watermarks compare only within one log (epoch): a generation of a replaced log is never
 * "ahead". Generations below the new one that never became current belong to fenced or
 * crashed refreshes, so they are dropped too (bounded, as a counter reset could leave a
 * huge gap).
 */
const SWITCH = `${PRELUDE}${MERGE}
local g = ARGV[2]
local gen = tonumber(g)
local curN = cur and tonumber(cur)
local function fenced()
  if gen ~= curN then drop(g) end
  return 'fenced'
end
if ARGV[7] == '1' and redis.call('GET', KEYS[2]) ~= ARGV[8] then return fenced() end
if curN and gen <= curN then return fenced() end
local mk = gkey('meta', g)
if redis.call('EXISTS', mk) == 0 then return fenced() end
local wm = ARGV[3]
local built = redis.call('HGET', mk, 'appliedChangeId')
if built and tonumber(built) > tonumber(wm) then wm = built end
if cur then
  local curWm = redis.call('HGET', gkey('meta', cur), 'appliedChangeId')
  local sameLog = (redis.call('HGET', gkey('meta', cur), 'epoch') or '') == (ARGV[9] or '')
  if sameLog and curWm and tonumber(curWm) > tonumber(wm) then return 'behind' end
end
mergeOverlay(g)
redis.call('HSET', mk, 'generation', g, 'appliedChangeId', wm, 'builtAt', ARGV[4], 'builtBy', ARGV[5],
  'durationMs', ARGV[6])
if ARGV[9] and ARGV[9] ~= '' then redis.call('HSET', mk, 'epoch', ARGV[9]) end
recount(g)
redis.call('SET', KEYS[1], g)
local from = curN or 1
if gen - from <= 1000 then
  for x = from, gen - 1 do drop(x) end
elseif cur then
  drop(cur)
end
return 'switched'
`;

export const SWITCH_SCRIPT = [2, SWITCH] as const;
