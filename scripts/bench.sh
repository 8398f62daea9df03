#!/usr/bin/env bash
# Installs what is needed, builds (optimised) and runs the benchmarks:
# libp2pwebrtcbin against the raw webrtcbin data channel, and the core;
# then one substream's 256 MiB with and without a consumer that pauses 2 s
# (tests/element/test_flow.c: the receive side's flow control).
# Takes about 6 minutes on 2 cores.  Pass --quick for a 30-second run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh >/dev/null
GST_PLUGIN_PATH="$PWD/build/plugin" ./build/tests/bench/bench-element "$@"
./build/tests/bench/bench-core
echo
echo "Receive flow control: 256 MiB on one substream, the consumer pausing"
echo "after 64 MiB (payload MB/s from the first byte to the last, pause included)"
for pause in 0 2; do
  [ "${1:-}" = --quick ] && size=32 || size=256
  GST_PLUGIN_PATH="$PWD/build/plugin" SIZE_MIB=$size PAUSE_S=$pause \
    ./build/tests/element/test-flow -p /flow/pause-loses-nothing 2>&1 |
    sed -n 's/^# \([0-9]* MiB with a [0-9]* s pause: [0-9.]* MB\/s\).*; b held its receive path \([0-9]*\) times.*/  \1, receive path held \2 times/p'
done
