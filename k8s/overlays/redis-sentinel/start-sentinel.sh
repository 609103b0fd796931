#!/bin/sh
# Starts one sentinel: sentinel.conf with `sentinel monitor` pointed at the current master
# (the quorum and timings stay as shipped), the sentinels' password (the same as the data
# nodes'), and this sentinel's stable name.
# Env: SELF (this sentinel's host:port), SEED_MASTER, SENTINELS, REDIS_PASSWORD;
# FILES (default: this script's directory), RUN_DIR (writable, default /tmp).
# Extra arguments go to redis-server.
set -eu
FILES=${FILES:-$(dirname "$0")}
RUN_DIR=${RUN_DIR:-/tmp}
name=$(awk '$1 == "sentinel" && $2 == "monitor" { print $3; exit }' "$FILES/sentinel.conf")
master=$(sh "$FILES/current-master.sh" "$name")
{
  awk -v host="${master%:*}" -v port="${master##*:}" \
    '$1 == "sentinel" && $2 == "monitor" { $4 = host; $5 = port } { print }' "$FILES/sentinel.conf"
  echo "dir $RUN_DIR"
  echo "port ${SELF##*:}"
  echo "sentinel announce-ip ${SELF%:*}"
  echo "sentinel announce-port ${SELF##*:}"
  echo "requirepass \"$REDIS_PASSWORD\""
  echo "sentinel sentinel-pass \"$REDIS_PASSWORD\""
  echo "sentinel auth-pass $name \"$REDIS_PASSWORD\""
} >"$RUN_DIR/sentinel.conf"
echo "sentinel ${SELF} monitoring ${name} at ${master}"
exec redis-server "$RUN_DIR/sentinel.conf" --sentinel "$@"
