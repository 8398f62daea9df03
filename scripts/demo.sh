#!/usr/bin/env bash
# The README's first command: install, build, run the demo: two libp2p
# peers in one process echo a 4 MiB file over /echo/1.0.0 through
# libp2pwebrtcbin and real webrtcbins on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c 4194304 /dev/urandom > "$dir/file"
echo "== the protocol core, frame by frame (core-demo)"
./build/tests/examples/core-demo
echo
echo "== libp2pwebrtcbin: echo of a 4 MiB file over /echo/1.0.0 (echo-file)"
GST_PLUGIN_PATH="$PWD/build/plugin" ./build/tests/examples/echo-file \
  "$dir/file" "$dir/echoed"
