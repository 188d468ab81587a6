-- connkit's rate-limit ledger kept in Redis (see shared_state.rs): the rules of
-- ledger.rs, run inside Redis so that every acquire and every release is one atomic
-- step, and no client reads, changes and writes the state itself.
--
-- KEYS[1]: the ledger, one JSON string per (tenant, client id).
-- ARGV: op ('admit' | 'finish'), rule kind ('fixed' | 'adaptive'), the rule's max
-- (0: an adaptive limiter that starts unthrottled), its window (ms), the lease (ms:
-- the longest one attempt may last), who ('<random id of the limiter>': its explicit
-- limit's claim), then for 'finish': slot id, outcome ('A' admitted, 'F' failed,
-- 'R' refused), Retry-After (ms, -1 when absent); and the constants of ledger.rs.
--
-- Time is the Redis server's own (TIME), so that machines whose clocks differ count
-- one window. Waits are returned relative to that time, in ms.
--
-- Replies: admit: {1, slot id, max (-1: none), window, follows, junk}
--                 {0, earliest, recheck, max, window, follows, junk} (ms from now)
--          finish: {max (-1: none), window, learned (1 when a 429 taught now), junk}

local key = KEYS[1]
local op = ARGV[1]
local kind = ARGV[2]
local rule_max = tonumber(ARGV[3]) or 0
local rule_window = tonumber(ARGV[4]) or 10000
local lease = tonumber(ARGV[5]) or 0
local who = ARGV[6]
local MAX_HOLD = tonumber(ARGV[10])
local MAX_LEARNED_WINDOW = tonumber(ARGV[11])
local MAX_LIMIT_WINDOW = tonumber(ARGV[12])
local MAX_SLOTS = tonumber(ARGV[13])
local DECREASE = tonumber(ARGV[14])
local DEFAULT_WINDOW = tonumber(ARGV[15])
local POLL = tonumber(ARGV[16])
local IDLE_TTL = tonumber(ARGV[17])

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- A whole, non-negative number below 2^50, or `default`: everything read is checked,
-- since anything may have written under our key.
local function num(value, default)
  if type(value) == 'number' and value == value and value >= 0 and value < 1e15 then
    return math.floor(value)
  end
  return default
end

local junk = 0
local raw = redis.pcall('GET', key)
local stored = {}
if type(raw) == 'table' and raw.err then
  junk = 1 -- another type (a hash, a list) under our key
elseif raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' then
    stored = decoded
  else
    junk = 1
  end
end

local hold_until = num(stored.hold_until, 0)
local next_id = num(stored.next_id, 0)
local learned = nil
if type(stored.learned) == 'table' then
  local l = stored.learned
  learned = {
    max = num(l.max, 1),
    window_ms = num(l.window_ms, DEFAULT_WINDOW),
    changed_at = num(l.changed_at, now),
    saturated = l.saturated == true,
  }
elseif stored.learned ~= nil then
  junk = 1
end
local slots = {}
if type(stored.slots) == 'table' then
  for _, s in ipairs(stored.slots) do
    if type(s) == 'table' then
      slots[#slots + 1] = {
        id = num(s.id, 0),
        open = s.open == true,
        refused = s.refused == true,
        at = num(s.at, now),
        free = num(s.free, 0),
      }
    else
      junk = 1
    end
  end
elseif stored.slots ~= nil then
  junk = 1
end
local claims = {}
if type(stored.claims) == 'table' then
  for _, c in ipairs(stored.claims) do
    if type(c) == 'table' and type(c.who) == 'string' then
      claims[#claims + 1] = {
        who = c.who,
        max = num(c.max, 1),
        window_ms = num(c.window_ms, DEFAULT_WINDOW),
        free = num(c.free, 0),
      }
    else
      junk = 1
    end
  end
elseif stored.claims ~= nil then
  junk = 1
end

-- Whether `a` allows fewer requests per unit of time than `b` (max per window).
local function slower(a_max, a_window, b_max, b_window)
  return a_max * b_window < b_max * a_window
end

-- The limit the rule applies alone: (max or nil, window).
local function own_limit()
  if kind == 'fixed' then
    return rule_max, rule_window
  end
  if learned then
    return learned.max, learned.window_ms
  end
  if rule_max > 0 then
    return rule_max, rule_window
  end
  return nil, DEFAULT_WINDOW
end

-- The limit in force: the rule's own, or the slowest explicit limit of a limiter
-- sharing this state, whichever allows fewer requests.
local function limit()
  local max, window = own_limit()
  local slowest = nil
  for _, c in ipairs(claims) do
    if not slowest or slower(c.max, c.window_ms, slowest.max, slowest.window_ms) then
      slowest = c
    end
  end
  if slowest and (max == nil or slower(slowest.max, slowest.window_ms, max, window)) then
    return slowest.max, slowest.window_ms
  end
  return max, window
end

local function follows()
  local max, window = limit()
  local own_max, own_window = own_limit()
  if max == own_max and window == own_window then
    return 0
  end
  return 1
end

-- Everything clamped to what an honest ledger can hold, then expired slots and claims
-- dropped (ledger.rs's `prune`, without its process check: a slot of a process on
-- another machine frees by its lease).
local function prune()
  hold_until = math.min(hold_until, now + MAX_HOLD)
  if learned then
    learned.window_ms = math.min(math.max(learned.window_ms, 1), MAX_LEARNED_WINDOW)
    learned.max = math.max(learned.max, 1)
  end
  local kept = {}
  for _, c in ipairs(claims) do
    c.max = math.max(c.max, 1)
    c.window_ms = math.min(math.max(c.window_ms, 1), MAX_LIMIT_WINDOW)
    c.free = math.min(c.free, now + c.window_ms + lease)
    if c.free > now then
      kept[#kept + 1] = c
    end
  end
  claims = kept
  local _, window = limit()
  kept = {}
  for _, s in ipairs(slots) do
    local latest = now + window
    if s.open then
      latest = latest + lease
    end
    s.free = math.min(s.free, latest)
    if s.free > now then
      kept[#kept + 1] = s
    end
  end
  slots = kept
  if #slots > MAX_SLOTS then
    table.sort(slots, function(a, b) return a.free < b.free end)
    kept = {}
    for i = #slots - MAX_SLOTS + 1, #slots do
      kept[#kept + 1] = slots[i]
    end
    slots = kept
  end
end

-- AIMD's increase: a whole window that used the limit without a 429 earns one more
-- (or 2 %), up to the rule's start.
local function probe()
  if kind ~= 'adaptive' or not learned then
    return
  end
  local ceiling = rule_max
  if ceiling <= 0 then
    ceiling = 4294967295
  end
  if learned.saturated and learned.max < ceiling and now - learned.changed_at >= learned.window_ms then
    learned.max = math.min(learned.max + math.max(math.floor(learned.max / 50), 1), ceiling)
    learned.changed_at = now
    learned.saturated = false
  end
end

-- AIMD's decrease, learning the server's window as ledger.rs's `learn` does.
local function learn(retry_after)
  local max, window = limit()
  local oldest = nil
  local counted = {}
  for _, s in ipairs(slots) do
    if not s.refused and s.free > now then
      counted[#counted + 1] = s
      if not oldest or s.at < oldest then
        oldest = s.at
      end
    end
  end
  local server_window = window
  if oldest then
    server_window = now - oldest + retry_after
  end
  window = math.max(math.min(window, server_window), retry_after)
  local in_window = 0
  for _, s in ipairs(counted) do
    if s.at + window > now then
      in_window = in_window + 1
    end
  end
  local taught = math.max(math.floor(in_window * DECREASE), 1)
  if max then
    taught = math.min(max, taught)
  end
  learned = {
    max = taught,
    window_ms = math.min(math.max(window, 1), MAX_LEARNED_WINDOW),
    changed_at = now,
    saturated = false,
  }
end

local function save()
  local state = { hold_until = hold_until, next_id = next_id, slots = slots, claims = claims }
  if learned then
    state.learned = learned
  end
  redis.call('SET', key, cjson.encode(state), 'PX', IDLE_TTL)
end

local function max_or_none(max)
  if max then
    return max
  end
  return -1
end

prune()

if op == 'admit' then
  -- An explicit limit is the user's word: no hold overrides it.
  if kind == 'adaptive' and now < hold_until then
    local max, window = limit()
    save()
    return { 0, hold_until - now, hold_until - now, max_or_none(max), window, follows(), junk }
  end
  probe()
  if kind == 'fixed' then
    local mine = nil
    for _, c in ipairs(claims) do
      if c.who == who then
        mine = c
      end
    end
    if not mine then
      mine = { who = who }
      claims[#claims + 1] = mine
    end
    mine.max = rule_max
    mine.window_ms = rule_window
    mine.free = now + rule_window + lease
  end
  local max, window = limit()
  if max and #slots >= max then
    if learned then
      learned.saturated = true
    end
    save()
    local done = nil
    local any_open = false
    for _, s in ipairs(slots) do
      if s.open then
        any_open = true
      elseif not done or s.free < done then
        done = s.free
      end
    end
    local earliest = now + window
    if done and any_open then
      earliest = math.min(done, now + window)
    elseif done then
      earliest = done
    end
    local recheck = earliest
    if any_open then
      recheck = math.min(earliest, now + POLL)
    end
    return { 0, earliest - now, recheck - now, max, window, follows(), junk }
  end
  next_id = next_id + 1
  slots[#slots + 1] = { id = next_id, open = true, refused = false, at = now, free = now + window + lease }
  save()
  return { 1, next_id, max_or_none(max), window, follows(), junk }
end

if op == 'finish' then
  local id = tonumber(ARGV[7])
  local outcome = ARGV[8]
  local retry_after = tonumber(ARGV[9]) or -1
  local had_lessons = learned ~= nil
  local _, window = limit()
  for _, s in ipairs(slots) do
    if s.id == id then
      s.open = false
      s.refused = outcome == 'R'
      s.free = now + window
    end
  end
  if outcome == 'R' then
    if retry_after < 0 then
      retry_after = 1000
    end
    retry_after = math.min(retry_after, MAX_HOLD)
    hold_until = math.max(hold_until, now + retry_after)
    if kind == 'adaptive' then
      learn(retry_after)
    end
  end
  save()
  local max, window_now = limit()
  local taught = 0
  if not had_lessons and learned then
    taught = 1
  end
  return { max_or_none(max), window_now, taught, junk }
end

return redis.error_reply('connkit ledger: unknown operation ' .. tostring(op))
