#!/usr/bin/env bash
# The fast loop (npm run test:unit): the unit tests (test/unit/<area>/, mirroring src/), the sweep
# workflow on stub activities (test/workflows/) and the history replays (test/replay/), without
# the type-check. The integration, CLI, interop, report and width-study tests run in `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find test/unit test/workflows test/replay -name '*.test.ts' | sort)
[ "${#files[@]}" -gt 0 ] || { echo "test:unit: no test files found" >&2; exit 1; }
# Two files at a time, one per core of the CI machine: none of these holds a core for more than a
# few seconds (the CPU-heavy width studies are in test/studies/, run by `npm test`).
exec npx tsx --test --test-concurrency=2 "${files[@]}" "$@"
