#!/bin/sh
# Starts one data node of the Sentinel set: the shipped settings (redis.conf), the
# password, the node's stable name (what replicas and sentinels announce instead of a pod
# IP that changes), and `replicaof` the current master unless that is this node.
# Env: SELF (this node's host:port), SEED_MASTER, SENTINELS, REDIS_PASSWORD;
# FILES (the directory of this script, default its own), RUN_DIR (writable, default /tmp).
# Extra arguments go to redis-server.
set -eu
FILES=${FILES:-$(dirname "$0")}
RUN_DIR=${RUN_DIR:-/tmp}
name=$(awk '$1 == "sentinel" && $2 == "monitor" { print $3; exit }' "$FILES/sentinel.conf")
master=$(sh "$FILES/current-master.sh" "$name")
{
  cat "$FILES/redis.conf"
  echo "port ${SELF##*:}"
  echo "requirepass \"$REDIS_PASSWORD\""
  echo "masterauth \"$REDIS_PASSWORD\""
  echo "replica-announce-ip ${SELF%:*}"
  echo "replica-announce-port ${SELF##*:}"
  if [ "$master" != "$SELF" ]; then echo "replicaof ${master%:*} ${master##*:}"; fi
} >"$RUN_DIR/redis.conf"
echo "starting ${SELF} with master ${master}"
exec redis-server "$RUN_DIR/redis.conf" "$@"
