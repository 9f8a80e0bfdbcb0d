package io.llmgateway.limit;

/**
 * The Lua scripts behind {@link SharedWindows}, each one atomic step in Redis. A window is a hash of
 * bucket number to count; every script deletes the buckets that left their window as it passes by.
 */
final class WindowScripts {
    static final long MINUTE_TTL_MILLIS = 61_000;

    private static final String LIVE = ""
            + "local function live(key, cur, span)\n"
            + "  local kv = redis.call('HGETALL', key)\n"
            + "  local total, dead, buckets = 0, {}, {}\n"
            + "  for i = 1, #kv, 2 do\n"
            + "    local b = tonumber(kv[i])\n"
            + "    if b <= cur - span then\n"
            + "      dead[#dead + 1] = kv[i]\n"
            + "    else\n"
            + "      local n = tonumber(kv[i + 1])\n"
            + "      total = total + n\n"
            + "      buckets[#buckets + 1] = b\n"
            + "      buckets[#buckets + 1] = n\n"
            + "    end\n"
            + "  end\n"
            + "  if #dead > 0 then redis.call('HDEL', key, unpack(dead)) end\n"
            + "  return total, buckets\n"
            + "end\n";

    /*
     * KEYS: per candidate, its rpm, tpm and rpd hashes and its provider's budget; last, the client key's
     * budget (an unused name where there is no budget). ARGV[1] tokens, ARGV[2] current second, ARGV[3]
     * the key budget's limit (-1 = none), ARGV[4] its ttl (0 = none), then per candidate: rpm limit, tpm
     * limit, rpd limit (-1 = unlimited, still counted), rpd bucket, rpd span, rpd ttl, provider budget
     * limit (-1 = none), its ttl, the request's worst-case cost at this candidate's price (nano-dollars,
     * charged to both budgets; 0, an unpriced route, checks and charges no budget). Returns {admitted candidate (1-based, 0 none), tpm ticket, the key budget's
     * figure, then per candidate evaluated: code, rpm, tpm, rpd (counts after the script), bucket whose
     * expiry frees room (-1 unknown), the provider budget's figure}.
     */
    static final LuaScript RESERVE = LuaScript.of(
            "reserve",
            LIVE
                    + "local function frees(buckets, total, amount, limit)\n"
                    + "  local excess = total + amount - limit\n"
                    + "  local order = {}\n"
                    + "  for i = 1, #buckets, 2 do order[#order + 1] = i end\n"
                    + "  table.sort(order, function(x, y) return buckets[x] < buckets[y] end)\n"
                    + "  for _, i in ipairs(order) do\n"
                    + "    excess = excess - buckets[i + 1]\n"
                    + "    if excess <= 0 then return buckets[i] end\n"
                    + "  end\n"
                    + "  return -1\n"
                    + "end\n"
                    + "local function figure(key, limit)\n"
                    + "  if limit < 0 then return 0 end\n"
                    + "  return tonumber(redis.call('GET', key) or '0')\n"
                    + "end\n"
                    + "local function charge(key, amount, ttl)\n"
                    + "  local v = redis.call('INCRBY', key, amount)\n"
                    + "  if tonumber(ttl) > 0 then redis.call('PEXPIRE', key, ttl) end\n"
                    + "  return v\n"
                    + "end\n"
                    + "local tokens, sec = ARGV[1], ARGV[2]\n"
                    + "local ntokens, nsec = tonumber(tokens), tonumber(sec)\n"
                    + "local n = (#KEYS - 1) / 4\n"
                    + "local kk, kLimit, kTtl = KEYS[#KEYS], tonumber(ARGV[3]), ARGV[4]\n"
                    + "local kSpent = figure(kk, kLimit)\n"
                    + "local out = {0, 0, kSpent}\n"
                    + "for c = 1, n do\n"
                    + "  local o = 4 + (c - 1) * 9\n"
                    + "  local rpmLimit, tpmLimit, rpdLimit = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3])\n"
                    + "  local day, daySpan, dayTtl = ARGV[o + 4], tonumber(ARGV[o + 5]), ARGV[o + 6]\n"
                    + "  local pLimit, pTtl, worst = tonumber(ARGV[o + 7]), ARGV[o + 8], ARGV[o + 9]\n"
                    + "  local nworst = tonumber(worst)\n"
                    + "  local rk, tk, dk, pk = KEYS[4 * c - 3], KEYS[4 * c - 2], KEYS[4 * c - 1], KEYS[4 * c]\n"
                    + "  local r, rb = live(rk, nsec, 60)\n"
                    + "  local t, tb = live(tk, nsec, 60)\n"
                    + "  local d, db = live(dk, tonumber(day), daySpan)\n"
                    + "  local p = figure(pk, pLimit)\n"
                    + "  local code, wait = 0, 0\n"
                    + "  if nworst > 0 and pLimit >= 0 and nworst > pLimit - p then\n"
                    + "    code = 5\n"
                    + "  elseif nworst > 0 and kLimit >= 0 and nworst > kLimit - kSpent then\n"
                    + "    code = 6\n"
                    + "  elseif rpmLimit >= 0 and r + 1 > rpmLimit then\n"
                    + "    code, wait = 2, frees(rb, r, 1, rpmLimit)\n"
                    + "  elseif rpdLimit >= 0 and d + 1 > rpdLimit then\n"
                    + "    code, wait = 3, frees(db, d, 1, rpdLimit)\n"
                    + "  elseif tpmLimit >= 0 and t + ntokens > tpmLimit then\n"
                    + "    code, wait = 4, frees(tb, t, ntokens, tpmLimit)\n"
                    + "  end\n"
                    + "  if code == 0 then\n"
                    + "    redis.call('HINCRBY', rk, sec, 1)\n"
                    + "    redis.call('PEXPIRE', rk, " + MINUTE_TTL_MILLIS + ")\n"
                    + "    redis.call('HINCRBY', tk, sec, tokens)\n"
                    + "    redis.call('PEXPIRE', tk, " + MINUTE_TTL_MILLIS + ")\n"
                    + "    redis.call('HINCRBY', dk, day, 1)\n"
                    + "    redis.call('PEXPIRE', dk, dayTtl)\n"
                    + "    r, t, d = r + 1, t + ntokens, d + 1\n"
                    + "    if nworst > 0 and pLimit >= 0 then p = charge(pk, worst, pTtl) end\n"
                    + "    if nworst > 0 and kLimit >= 0 then out[3] = charge(kk, worst, kTtl) end\n"
                    + "    out[1], out[2] = c, nsec\n"
                    + "  end\n"
                    + "  out[#out + 1] = code\n"
                    + "  out[#out + 1] = r\n"
                    + "  out[#out + 1] = t\n"
                    + "  out[#out + 1] = d\n"
                    + "  out[#out + 1] = wait\n"
                    + "  out[#out + 1] = p\n"
                    + "  if code == 0 then break end\n"
                    + "end\n"
                    + "return out\n");

    /* KEYS[1] a tpm hash. ARGV: ticket bucket, delta, current second. Returns the bucket's count, -1 if gone. */
    static final LuaScript ADJUST = LuaScript.of(
            "adjust",
            ""
                    + "if tonumber(ARGV[1]) <= tonumber(ARGV[3]) - 60 then return -1 end\n"
                    + "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -1 end\n"
                    + "local v = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])\n"
                    + "if v < 0 then\n"
                    + "  redis.call('HSET', KEYS[1], ARGV[1], 0)\n"
                    + "  v = 0\n"
                    + "end\n"
                    + "return v\n");

    /* KEYS: rpm, tpm, rpd. ARGV: current second, requests (rpm), tokens (tpm), requests (rpd), rpd bucket, rpd ttl. */
    static final LuaScript RECORD = LuaScript.of(
            "record",
            ""
                    + "if tonumber(ARGV[2]) > 0 then\n"
                    + "  redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])\n"
                    + "  redis.call('PEXPIRE', KEYS[1], " + MINUTE_TTL_MILLIS + ")\n"
                    + "end\n"
                    + "if tonumber(ARGV[3]) > 0 then\n"
                    + "  redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[3])\n"
                    + "  redis.call('PEXPIRE', KEYS[2], " + MINUTE_TTL_MILLIS + ")\n"
                    + "end\n"
                    + "if tonumber(ARGV[4]) > 0 then\n"
                    + "  redis.call('HINCRBY', KEYS[3], ARGV[5], ARGV[4])\n"
                    + "  redis.call('PEXPIRE', KEYS[3], ARGV[6])\n"
                    + "end\n"
                    + "return 1\n");

    /* KEYS: per provider rpm, tpm, rpd. ARGV[1] current second, then per provider: rpd bucket, rpd span. */
    static final LuaScript CURRENT = LuaScript.of(
            "current",
            LIVE
                    + "local nsec = tonumber(ARGV[1])\n"
                    + "local out = {}\n"
                    + "for c = 1, #KEYS / 3 do\n"
                    + "  out[#out + 1] = live(KEYS[3 * c - 2], nsec, 60)\n"
                    + "  out[#out + 1] = live(KEYS[3 * c - 1], nsec, 60)\n"
                    + "  out[#out + 1] = live(KEYS[3 * c], tonumber(ARGV[2 * c]), tonumber(ARGV[2 * c + 1]))\n"
                    + "end\n"
                    + "return out\n");

    private WindowScripts() {}
}
