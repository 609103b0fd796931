#!/bin/sh
# Creates the cluster from NODES (3 masters, each with one replica) once. Idempotent: it
# does nothing when a node already reports cluster_state:ok, and refuses (exit 1, so the Job
# retries) when the nodes already belong to a cluster that is not ok yet, such as during a
# failover or while restarted nodes rejoin.
# Env: NODES (host:port, space-separated, 6 of them), REDIS_PASSWORD.
set -eu
cli() {
  node=$1
  shift
  timeout 5 redis-cli -h "${node%:*}" -p "${node##*:}" -a "$REDIS_PASSWORD" --no-auth-warning "$@" | tr -d '\r'
}
field() { cli "$1" CLUSTER INFO | sed -n "s/^$2://p"; }

for node in $NODES; do
  tries=0
  until [ "$(cli "$node" PING 2>/dev/null)" = PONG ]; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then echo "$node does not answer" >&2 && exit 1; fi
    sleep 2
  done
done
for node in $NODES; do
  if [ "$(field "$node" cluster_state)" = ok ]; then
    echo "cluster already created ($node reports cluster_state:ok): nothing to do"
    exit 0
  fi
done
for node in $NODES; do
  if [ "$(field "$node" cluster_slots_assigned)" != 0 ] || [ "$(field "$node" cluster_known_nodes)" != 1 ]; then
    echo "$node already belongs to a cluster that is not ok: not creating another" >&2
    exit 1
  fi
done
# shellcheck disable=SC2086 # one argument per node
redis-cli -a "$REDIS_PASSWORD" --no-auth-warning --cluster create $NODES --cluster-replicas 1 --cluster-yes
first=${NODES%% *}
tries=0
until [ "$(field "$first" cluster_state)" = ok ]; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then echo "cluster created but not ok after 60 s" >&2 && exit 1; fi
  sleep 2
done
echo "cluster created"
