#!/usr/bin/env bash
# js-libp2p in headless Chromium dials the WebRTC-direct listener (issue
# #12): tests/examples/listen-echo listens on 198.18.0.1 inside the test's
# network namespace (run-in-netns.sh runs this script; Chromium never
# gathers 127.0.0.1), browser-dial.mjs bundles dial-core.mjs into a page:
# connect, identify, ping, 1 MiB echoed with equal SHA-256.
# Usage (inside the namespace): run-listen-browser.sh <listen-echo binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
server=$1
work=$(mktemp -d)
spid=
cleanup () {
  [ -n "$spid" ] && kill -INT "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$server" /ip4/198.18.0.1/udp/0/webrtc-direct > "$work/server.out" 2> "$work/server.err" &
spid=$!
for _ in $(seq 1 100); do
  grep -q '^listening ' "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
addr=$(awk '/^listening /{ print $2 }' "$work/server.out")
[ -n "$addr" ] || { echo "the listener did not start"; cat "$work/server.err"; exit 1; }
echo "listener: $addr"
if ! timeout 120 node "$here/browser-dial.mjs" "$addr" 1048576 > "$work/b.out" 2> "$work/b.err"; then
  echo "FAILED: Chromium's dial"; cat "$work/b.out"; tail -20 "$work/b.err"
  cat "$work/server.out"; tail -20 "$work/server.err"; exit 1
fi
grep -q '"ev":"identify".*"agentVersion":"gst-libp2p/' "$work/b.out"
grep -q '"ev":"pong"' "$work/b.out"
grep -q '"ev":"echo".*"bytes":1048576' "$work/b.out"
echo "Chromium: $(grep -o '"ev":"connected"[^}]*' "$work/b.out"), pong $(grep -o '"rtt":[0-9]*' "$work/b.out"), 1 MiB echo $(grep -o '"ms":[0-9]*,"bytes":1048576' "$work/b.out"), SHA-256 equal"
