#!/usr/bin/env bash
# Benchmarks of the WebRTC-direct listener (docs/listener.md, "Measured"):
#  1. 50 js-libp2p clients (Node) at once against tests/examples/listen-echo,
#     each echoing 256 KiB and staying connected: time to all connected,
#     the listener's threads and RSS before and with all 50 up (per
#     connection);
#  2. one connection's bulk echo, BULK_BYTES (default 8 MiB): a js-libp2p
#     client into our listener, next to our dialer (the README's
#     gst-launch-1.0 line) into a js-libp2p listener
#     (tests/interop/node-direct.mjs), in the same run.
# The clients all come from 127.0.0.1: the listener runs with
# max-new-per-source=<clients> (the default, 8 a second from one address,
# admits 24 in the ~3 s that js-libp2p's ICE retries; the others' dials
# time out, as the bound intends).
# Prints figures; not a test.  Usage: scripts/bench-listener.sh [clients]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/deps.sh >/dev/null
bash scripts/build.sh >/dev/null
export GST_PLUGIN_PATH="$root/build/plugin"
export GST_REGISTRY_1_0="$root/build/bench-registry.bin"
clients=${1:-50}
bulk=${BULK_BYTES:-8388608}
work=$(mktemp -d)
spid=
cleanup () {
  [ -n "$spid" ] && kill -INT "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

sample () {   # threads and RSS (KiB) of a process
  awk '/^Threads:/{ t = $2 } /^VmRSS:/{ r = $2 } END { print t, r }' "/proc/$1/status"
}

build/tests/examples/listen-echo /ip4/127.0.0.1/udp/0/webrtc-direct 0 \
  max-new-per-source="$clients" > "$work/server.out" 2> "$work/server.err" &
spid=$!
for _ in $(seq 1 100); do
  grep -q '^listening ' "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
addr=$(awk '/^listening /{ print $2 }' "$work/server.out")
read -r t0 r0 <<< "$(sample $spid)"

# 1. many clients at once
start=$(date +%s.%N)
HOLD_MS=8000 timeout 180 node tests/interop/node-dial.mjs "$addr" "$clients" 262144 \
  > "$work/many.out" &
npid=$!
peak_t=$t0; peak_r=$r0
while kill -0 $npid 2>/dev/null; do
  read -r t r <<< "$(sample $spid)"
  [ "$t" -gt "$peak_t" ] && peak_t=$t
  [ "$r" -gt "$peak_r" ] && peak_r=$r
  sleep 0.2
done
wait $npid || true
end=$(date +%s.%N)
ok=$(grep -c '"ev":"echo"' "$work/many.out" || true)
last=$(grep -o '"ev":"connected","client":[0-9]*,"peerId":"[^"]*","ms":[0-9]*' "$work/many.out" |
  sed 's/.*"ms"://' | sort -n | tail -1)
median=$(grep -o '"ev":"connected","client":[0-9]*,"peerId":"[^"]*","ms":[0-9]*' "$work/many.out" |
  sed 's/.*"ms"://' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "== $clients js-libp2p clients at once (256 KiB echo each, then 8 s connected)"
echo "echoed equal: $ok of $clients; dial to Noise done: median ${median} ms, last ${last} ms"
hs=$(awk '/^ready /{ print $4 }' "$work/server.out" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[NR] }')
echo "listener's view, first Binding Request to Noise done: median ${hs% *} ms, slowest ${hs#* } ms"
echo "accept rate: $(awk "BEGIN { printf \"%.1f\", $clients / ($last / 1000) }") connections/s (all $clients within ${last} ms)"
echo "listener threads: $t0 before, $peak_t with all up: $(awk "BEGIN { printf \"%.1f\", ($peak_t - $t0) / $clients }") per connection"
echo "listener RSS: $((r0 / 1024)) MiB before, $((peak_r / 1024)) MiB peak: $(awk "BEGIN { printf \"%.2f\", ($peak_r - $r0) / 1024 / $clients }") MiB per connection"

# 2. one connection's bulk echo, both directions of the comparison
timeout 120 node tests/interop/node-dial.mjs "$addr" 1 "$bulk" > "$work/bulk.out" || true
ms=$(grep -o "\"ms\":[0-9]*,\"bytes\":$bulk" "$work/bulk.out" | sed 's/"ms":\([0-9]*\).*/\1/')
mib=$(awk "BEGIN { print $bulk / 1048576 }")
echo "== bulk, $mib MiB echoed over one connection"
if [ -n "$ms" ]; then
  echo "js-libp2p (Node) -> our listener: ${ms} ms, $(awk "BEGIN { printf \"%.1f\", $mib * 2 / ($ms / 1000) }") MiB/s both ways"
else
  echo "js-libp2p (Node) -> our listener: FAILED: $(grep -o '"ev":"failed"[^}]*' "$work/bulk.out")"
fi
mkfifo "$work/ctl"
node tests/interop/node-direct.mjs < "$work/ctl" > "$work/node.out" &
exec 3> "$work/ctl"
for _ in $(seq 1 300); do grep -q '"listening"' "$work/node.out" 2>/dev/null && break; sleep 0.1; done
naddr=$(sed -n 's/.*"ev":"listening","addr":"\([^"]*\)".*/\1/p' "$work/node.out")
head -c "$bulk" /dev/urandom > "$work/in"
s2=$(date +%s.%N)
timeout 120 gst-launch-1.0 -q filesrc location="$work/in" ! p.sink_echo-1-0-0_0 \
  libp2pwebrtcbin name=p peer-address="$naddr" protocols=/echo/1.0.0 \
  p.src_echo-1-0-0_0 ! filesink location="$work/out"
e2=$(date +%s.%N)
exec 3>&-
cmp -s "$work/in" "$work/out" && same=equal || same=DIFFERENT
echo "our dialer (gst-launch line) -> js-libp2p listener: $(awk "BEGIN { printf \"%.0f\", ($e2 - $s2) * 1000 }") ms for the whole line (dial and process start included), $(awk "BEGIN { printf \"%.1f\", $mib * 2 / ($e2 - $s2) }") MiB/s both ways, $same"
