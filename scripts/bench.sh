#!/usr/bin/env bash
# Installs what is needed, builds (optimised) and runs the benchmarks:
# libp2pwebrtcbin against the raw webrtcbin data channel, and the core.
# Takes about 5 minutes on 2 cores.  Pass --quick for a 30-second run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh >/dev/null
GST_PLUGIN_PATH="$PWD/build/plugin" ./build/tests/bench/bench-element "$@"
./build/tests/bench/bench-core
