#!/bin/sh
# Registers the namespace the workers and `ntk-sweep run --address` use, once the server answers.
# Environment: TEMPORAL_ADDRESS (host:port), NAMESPACE (default: default), RETENTION (default: 720h, 30 days).
set -eu
ns=${NAMESPACE:-default}
i=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -lt 60 ] || { echo "Temporal at $TEMPORAL_ADDRESS is not healthy" >&2; exit 1; }
  sleep 2
done
if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$ns" >/dev/null 2>&1; then
  echo "namespace $ns exists"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$ns" --retention "${RETENTION:-720h}"
  echo "namespace $ns created"
fi
