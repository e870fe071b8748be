#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, run the quickstart sweep on the
# embedded Temporal server, then aggregate it and write its report (both from the Parquet tables).
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-configs/quickstart.yaml}"
bash scripts/setup.sh
npx ntk-sweep run "$config"
run_dir=$(npx ntk-sweep validate "$config" --format json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).output))')
npx ntk-sweep report "$run_dir"
echo "report: $run_dir/report/index.html"
