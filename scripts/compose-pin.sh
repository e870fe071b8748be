#!/bin/sh
# Prints the version docker-compose.yml pins for VARIABLE (the default in its `${VARIABLE:-…}`), so
# that scripts/setup.sh builds what the compose file runs: the file is the one home of the pin.
# Fails when the variable has no default there, or two different ones.
#   scripts/compose-pin.sh TEMPORAL_VERSION [COMPOSE_FILE]   # → 1.31.0
set -eu
var=${1:?usage: compose-pin.sh VARIABLE [COMPOSE_FILE]}
compose=${2:-"$(dirname "$0")/../docker-compose.yml"}
pins=$(grep -o "\${$var:-[^}]*}" "$compose" | sed "s/^\${$var:-//; s/}\$//" | sort -u)
case $(printf '%s' "$pins" | grep -c '') in
  1) printf '%s\n' "$pins" ;;
  0) echo "compose-pin: $compose has no \${$var:-…} default" >&2; exit 1 ;;
  *) echo "compose-pin: $compose pins $var to several versions: $(echo $pins)" >&2; exit 1 ;;
esac
