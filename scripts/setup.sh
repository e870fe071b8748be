#!/usr/bin/env bash
# Installs everything ntk-sweep and its tests need, from scratch, into the checkout:
#   node_modules/  npm packages (npm ci, from package-lock.json)
#   .venv/         the Python peers and readers of the checks (python/requirements.txt)
# Safe to rerun: each step is skipped when what it installs is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required but not on PATH ($2)" >&2; exit 1; }
}
need node "Node.js 20 or newer"
need npm "comes with Node.js"
need python3 "Python 3.11 is tested; used only for the checks against neural-tangents and the Parquet readers"

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "setup: Node.js $(node --version) is too old; ntk-sweep needs 20 or newer" >&2; exit 1; }

# npm packages. The lock file's hash is kept inside node_modules so an unchanged tree is not reinstalled.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.lock-hash
else
  say "node_modules is up to date"
fi

# Python venv for the checks (neural-tangents, JAX, pyarrow, pandas, polars, DuckDB).
req_hash=$(sha256sum python/requirements.txt | cut -d' ' -f1)
if [ "$(cat .venv/.requirements-hash 2>/dev/null)" != "$req_hash" ]; then
  say "creating .venv from python/requirements.txt (a few minutes the first time)"
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/pip install --quiet --disable-pip-version-check -r python/requirements.txt
  echo "$req_hash" > .venv/.requirements-hash
else
  say ".venv is up to date"
fi
# ---- Chromium, for the report's browser test (test/report/browser.test.ts) --------------------
# Debian's chromium, driven by playwright-core (which never downloads a browser of its own here).
# Installed only when missing and we are root; otherwise say how. CHROMIUM_PATH overrides the path.
chromium_bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium_bin" ]; then
  say "chromium is present ($chromium_bin)"
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing chromium (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  say "chromium is missing: install it with 'sudo apt-get install chromium' (or set CHROMIUM_PATH);"
  say "  the report's browser test fails without it"
fi
# ---- end Chromium -------------------------------------------------------------------------------

say "done"
