#!/usr/bin/env bash
# The test command of the README: type-checks, lints (scripts/eslint.config.js: docs/architecture.md's layers), then runs every test/**/*.test.ts with node's test runner.
# Tests run one file at a time: several of them are CPU-heavy and the CI machine has 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit
npm run --silent lint
mapfile -t files < <(find test -name '*.test.ts' | sort)
# An empty test set must not pass as green.
[ "${#files[@]}" -gt 0 ] || { echo "test: no test files found under test/" >&2; exit 1; }
exec npx tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}" "$@"
