#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, then run the quickstart width study.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx tsx scripts/width-study.ts "${1:-configs/quickstart.yaml}"
