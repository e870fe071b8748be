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
npm run --silent build # dist/: the compiled CLI, which bin/ntk-sweep.js runs while it matches the sources

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
# ---- Debian packages the tests drive -------------------------------------------------------------
# Installed with apt-get only when missing and we are root (apt-get update once); otherwise one line
# says how to install it and which test fails without it.
apt_updated=false
debian_package() { # PACKAGE FOUND-CHECK NEEDED-BY
  if "$2"; then
    say "$1 is present"
  elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing $1 (apt-get)"
    $apt_updated || { apt-get update -qq; apt_updated=true; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    say "$1 is missing: install it with 'sudo apt-get install $1'; $3 fails without it"
  fi
}
# Chromium, driven by playwright-core (which never downloads a browser of its own here). CHROMIUM_PATH overrides the path.
chromium_found() { [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; }
debian_package chromium chromium_found "the report's browser test (test/report/browser.test.ts)"
# tmux: the display test drives a real `ntk-sweep run` in a tmux pane and reads its screens back.
tmux_found() { command -v tmux >/dev/null 2>&1; }
debian_package tmux tmux_found "the terminal-display test (test/cli/display-tmux.test.ts)"
# HAProxy terminates TLS, demands client certificates and negotiates ALPN h2, which the workers' gRPC
# client requires (stunnel 5.68 cannot negotiate ALPN). HAPROXY_PATH overrides the path.
haproxy_found() { [ -x "${HAPROXY_PATH:-/usr/sbin/haproxy}" ]; }
debian_package haproxy haproxy_found "the mTLS test (test/integration/mtls.test.ts)"
# ---- end Debian packages ------------------------------------------------------------------------

# ---- Compose Specification schema, for docker-compose.yml's check (test/unit/docker/compose.test.ts) ----
# No Docker engine runs in CI, so the compose file is validated against the official JSON schema,
# which ships inside the Go module compose-go (the library `docker compose` parses files with).
# The Go module proxy serves it; the module's checksum is verified by Go. Written to .cache/.
compose_go="github.com/compose-spec/compose-go/v2@v2.16.2"
compose_schema=.cache/compose-spec.json
if [ -s "$compose_schema" ] && [ "$(cat .cache/compose-spec.version 2>/dev/null)" = "$compose_go" ]; then
  say "compose-spec schema is up to date"
elif command -v go >/dev/null 2>&1; then
  say "fetching the compose-spec schema ($compose_go)"
  mkdir -p .cache
  if compose_dir=$(go mod download -json "$compose_go" | node -e \
      'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})'); then
    cp "$compose_dir/schema/compose-spec.json" "$compose_schema"
    chmod u+w "$compose_schema" # the module cache is read-only
    echo "$compose_go" > .cache/compose-spec.version
  else
    say "could not download $compose_go; test/unit/docker/compose.test.ts fails without its schema"
  fi
else
  say "Go is not on PATH, so the compose-spec schema was not fetched (https://go.dev/dl);"
  say "  test/unit/docker/compose.test.ts fails without it"
fi
# ---- end Compose Specification schema ------------------------------------------------------------

# ---- Temporal CLI: the embedded server of `ntk-sweep run` and of the integration tests --------------
# Looked for in the order orchestration/temporal-cli.ts uses: TEMPORAL_CLI_PATH, `temporal` on PATH,
# .cache/bin/temporal (built here with Go and kept between runs), else the Temporal SDK's download
# into .cache/temporal-sdk (needs internet). With none of these, stop and say how to get one.
temporal_version=1.5.1
temporal_module=github.com/temporalio/cli/cmd/temporal
temporal_bin_dir="${NTK_SWEEP_CACHE_DIR:-$PWD/.cache}/bin"   # NTK_SWEEP_CACHE_DIR: as orchestration/temporal-cli.ts
temporal_built="$temporal_bin_dir/temporal"
temporal_built_version() { go version -m "$temporal_built" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/temporalio/cli" { print $3 }'; }
if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  [ -x "$TEMPORAL_CLI_PATH" ] || { echo "setup: TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file" >&2; exit 1; }
  say "Temporal CLI: $TEMPORAL_CLI_PATH (TEMPORAL_CLI_PATH)"
elif command -v temporal >/dev/null 2>&1; then
  say "Temporal CLI: $(command -v temporal) (PATH)"
elif [ -x "$temporal_built" ] && { ! command -v go >/dev/null 2>&1 || [ "$(temporal_built_version)" = "v$temporal_version" ]; }; then
  say "Temporal CLI: $temporal_built is up to date (v$temporal_version)"
elif command -v go >/dev/null 2>&1; then
  say "building the Temporal CLI v$temporal_version with Go into $temporal_bin_dir (several minutes, once)"
  GOBIN="$temporal_bin_dir" go install "$temporal_module@v$temporal_version"
else
  say "no Temporal CLI and no Go: asking the Temporal SDK to download one (needs internet)"
  if ! cli=$(npx tsx orchestration/temporal-cli.ts); then
    echo "setup: no Temporal CLI could be found or installed (see above for how to get one)" >&2
    exit 1
  fi
  say "Temporal CLI: $cli (downloaded by the SDK)"
fi
# ---- end Temporal CLI -----------------------------------------------------------------------------

# ---- Temporal server on PostgreSQL: docker-compose.yml's topology without Docker -------------------
# For docs/deploy.md's bare-metal steps and test/integration/topology.test.ts. The server and its SQL
# tool are built with Go at the version docker-compose.yml pins (scripts/compose-pin.sh reads it: the
# compose file is the one home of the pin) into the same cache as the Temporal CLI, and that version's
# PostgreSQL schemas are copied beside them. PostgreSQL itself is Debian's package, installed only
# when missing and we are root.
server_version="v$(scripts/compose-pin.sh TEMPORAL_VERSION)"
server_module=go.temporal.io/server
server_bin="$temporal_bin_dir/temporal-server"
sql_tool_bin="$temporal_bin_dir/temporal-sql-tool"
server_home="${NTK_SWEEP_CACHE_DIR:-$PWD/.cache}/temporal-server"   # schema/ and the version they belong to
module_version() { go version -m "$1" 2>/dev/null | awk -v m="$server_module" '$1 == "mod" && $2 == m { print $3 }'; }
server_ready() {
  [ -x "$server_bin" ] && [ -x "$sql_tool_bin" ] && [ "$(cat "$server_home/version" 2>/dev/null)" = "$server_version" ] &&
    { ! command -v go >/dev/null 2>&1 ||
      { [ "$(module_version "$server_bin")" = "$server_version" ] && [ "$(module_version "$sql_tool_bin")" = "$server_version" ]; }; }
}
if server_ready; then
  say "Temporal server and SQL tool $server_version are up to date ($temporal_bin_dir)"
elif command -v go >/dev/null 2>&1; then
  say "building the Temporal server and SQL tool $server_version with Go into $temporal_bin_dir (about 7 minutes, once)"
  server_tmp=$(mktemp -d)
  GOBIN="$server_tmp" go install "$server_module/cmd/server@$server_version" "$server_module/cmd/tools/sql@$server_version"
  mkdir -p "$temporal_bin_dir"
  mv "$server_tmp/server" "$server_bin"
  mv "$server_tmp/sql" "$sql_tool_bin"
  rmdir "$server_tmp"
  server_src="$(go env GOMODCACHE)/$server_module@$server_version"   # the source go install just fetched
  rm -rf "$server_home"
  mkdir -p "$server_home"
  cp -R "$server_src/schema" "$server_home/schema"
  chmod -R u+w "$server_home" # the module cache is read-only
  echo "$server_version" > "$server_home/version"
else
  say "Go is not on PATH, so the Temporal server was not built (https://go.dev/dl);"
  say "  test/integration/topology.test.ts fails without it"
fi

# PostgreSQL: initdb and pg_ctl on PATH or in Debian's /usr/lib/postgresql/<major>/bin.
pg_found() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
debian_package postgresql pg_found "the topology test (test/integration/topology.test.ts)"
# ---- end Temporal server on PostgreSQL -------------------------------------------------------------

say "done"
