#!/usr/bin/env bash
# smoldot (npm smoldot, the Polkadot light client, in headless Chromium)
# dials the WebRTC-direct listener (issue #12), inside the test's network
# namespace (run-in-netns.sh runs this script).  serve-smoldot listens on
# 198.18.0.1; smoldot gets Polkadot's real chain spec with that multiaddr as
# its only boot node.  Asserted: Noise completes (smoldot's peer id), its
# /<genesis>/block-announces/1 substream reaches the application with
# smoldot's handshake (light client, Polkadot's genesis hash), our answer
# keeps smoldot on the connection for 30 s, and its pings are answered.
# Usage (inside the namespace): run-listen-smoldot.sh <serve-smoldot binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
server=$1
genesis=91b171bb158e2d3848fa23a9f1c25182fb8e20313b2c1eb49219da7a70ce90c3
work=$(mktemp -d)
spid=
cleanup () {
  [ -n "$spid" ] && kill -INT "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$server" /ip4/198.18.0.1/udp/0/webrtc-direct "$genesis" > "$work/server.out" 2> "$work/server.err" &
spid=$!
for _ in $(seq 1 100); do
  grep -q '^listening ' "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
addr=$(awk '/^listening /{ print $2 }' "$work/server.out")
[ -n "$addr" ] || { echo "the listener did not start"; cat "$work/server.err"; exit 1; }
echo "listener: $addr"
timeout 120 node "$here/browser-smoldot.mjs" "$addr" 45 > "$work/s.out" 2> "$work/s.err" || true

fail () {
  echo "FAILED: $1"; echo "--- server:"; cat "$work/server.out"
  tail -20 "$work/server.err"; echo "--- smoldot:"; tail -30 "$work/s.out"
  tail -10 "$work/s.err"; exit 1
}
grep -q '"ev":"chain-added"' "$work/s.out" || fail "smoldot did not add the chain"
grep -q '^ready 12D3KooW' "$work/server.out" || fail "smoldot never authenticated"
grep -q '^handshake 2 [0-9]* ok$' "$work/server.out" ||
  fail "no block-announces handshake from smoldot (light, Polkadot's genesis)"
# connected for 30 s after Noise, without being removed before
last=$(awk '/^stats /{ s = $3 } END { print s + 0 }' "$work/server.out")
awk -v l="$last" 'BEGIN { exit !(l >= 30) }' || fail "smoldot left after $last s"
removed_at=$(awk '/^stats /{ t = $3 } /^removed /{ print t; exit }' "$work/server.out")
[ -z "$removed_at" ] || awk -v t="$removed_at" 'BEGIN { exit !(t >= 30) }' ||
  fail "smoldot's connection was removed after $removed_at s"
pings=$(awk '/^stats /{ p = $2 } END { print p + 0 }' "$work/server.out")
[ "$pings" -ge 1 ] || fail "none of smoldot's pings answered"
echo "smoldot: $(grep '^ready' "$work/server.out"), block-announces handshake $(grep '^handshake' "$work/server.out"), connected ${last} s, ${pings} pings answered"
