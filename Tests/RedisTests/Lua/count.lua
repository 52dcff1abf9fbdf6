-- A write to replicate: counts its runs on KEYS[1] (SentinelFailoverTests).
return redis.call("INCR", KEYS[1])
