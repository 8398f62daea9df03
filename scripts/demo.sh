#!/usr/bin/env bash
# The README's first command: install, build, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh >/dev/null
./build/tests/examples/core-demo
