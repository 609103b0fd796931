#!/bin/sh
# Starts one node of the Redis Cluster: the shipped settings (redis.conf), the password,
# and the node's stable name, which it announces as its hostname. A node that already
# belongs to the cluster (nodes.conf on its volume) first learns the current IP of every
# node from that node's name: after all pods restarted with new IPs, the addresses in
# nodes.conf are stale and no node could reach another.
# Env: SELF (this node's host:port), REDIS_PASSWORD; FILES (default: this script's
# directory), RUN_DIR (writable, default /tmp), DATA_DIR (default: working directory).
# Extra arguments go to redis-server.
set -eu
FILES=${FILES:-$(dirname "$0")}
RUN_DIR=${RUN_DIR:-/tmp}
DATA_DIR=${DATA_DIR:-.}
{
  cat "$FILES/redis.conf"
  echo "port ${SELF##*:}"
  echo "requirepass \"$REDIS_PASSWORD\""
  echo "masterauth \"$REDIS_PASSWORD\""
  echo "cluster-announce-hostname ${SELF%:*}"
} >"$RUN_DIR/redis.conf"
nodes="$DATA_DIR/nodes.conf"
if [ -s "$nodes" ] && command -v getent >/dev/null; then
  # Field 2 is ip:port@cport[,hostname[,aux...]]: replace the ip with the name's address.
  awk '{
    n = split($2, f, ",")
    if (n >= 2 && f[2] != "" && f[2] !~ /=/) {
      cmd = "getent hosts " f[2]; line = ""; cmd | getline line; close(cmd)
      split(line, r, " ")
      if (r[1] != "" && match(f[1], /:[0-9]+@/)) $2 = r[1] substr($2, RSTART)
    }
    print
  }' "$nodes" >"$nodes.new"
  mv "$nodes.new" "$nodes"
fi
echo "starting cluster node ${SELF}"
exec redis-server "$RUN_DIR/redis.conf" "$@"
