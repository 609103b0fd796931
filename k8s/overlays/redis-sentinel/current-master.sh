#!/bin/sh
# Prints the current master of the Sentinel set as host:port: the first sentinel of
# SENTINELS that answers names it; when none does (the first start of the set) it is
# SEED_MASTER. Used by start-redis.sh and start-sentinel.sh, so that a restarted node or
# sentinel joins the master of today, not the one of the first start.
# Env: SENTINELS (host:port, space-separated), SEED_MASTER (host:port), REDIS_PASSWORD;
# $1: the master group name.
set -eu
for s in $SENTINELS; do
  answer=$(timeout 3 redis-cli -h "${s%:*}" -p "${s##*:}" -a "$REDIS_PASSWORD" --no-auth-warning \
    SENTINEL get-master-addr-by-name "$1" 2>/dev/null) || continue
  host=$(echo "$answer" | sed -n 1p)
  port=$(echo "$answer" | sed -n 2p)
  case "$port" in '' | *[!0-9]*) continue ;; esac
  echo "$host:$port"
  exit 0
done
echo "$SEED_MASTER"
