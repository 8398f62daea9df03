#!/usr/bin/env bash
# The layout rules of docs/design.md ("Rooms"), checked on every test run:
#  1. only gst/gstlibp2pwebrtc*.[ch] use webrtcbin's and
#     GstWebRTCDataChannel's API (types, functions, signals, properties),
#     and gst/gstlibp2pice.[ch] (our GstWebRTCICE) GStreamer's WebRTC
#     library;
#  2. the protocol core gst/libp2p/ includes nothing of GStreamer;
#  3. no source file under gst/ is over 800 lines;
#  4. no function of the GStreamer rooms (gst/*.c) is over 80 lines, except
#     the tables that install properties and signals.
# Prints what breaks a rule; exits non-zero if any does.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0

api='gst_webrtc_|GST_WEBRTC_|GstWebRTC|gst/webrtc/|"(notify::)?(create-data-channel|on-data-channel|on-message-data|on-message-string|on-open|on-close|on-error|on-buffered-amount-low|send-data|send-string|set-local-description|set-remote-description|create-offer|create-answer|add-ice-candidate|ice-agent|sctp-transport|connection-state|ice-connection-state|buffered-amount|buffered-amount-low-threshold|ready-state|add-local-ip-address|remote-certificate|keepalive-conncheck)"'
for f in gst/*.c gst/*.h; do
  case "$f" in gst/gstlibp2pwebrtc.c|gst/gstlibp2pwebrtc.h|gst/gstlibp2pwebrtc-direct.c|gst/gstlibp2pwebrtc-priv.h|gst/gstlibp2pice.c) continue ;; esac
  if grep -nE "$api" "$f"; then
    echo "rule 1: $f uses webrtcbin's API (only gst/gstlibp2pwebrtc*.c may)"
    fail=1
  fi
done

if grep -nE '#include <gst/|#include "gst' gst/libp2p/*.c gst/libp2p/*.h; then
  echo "rule 2: the core gst/libp2p/ includes GStreamer"
  fail=1
fi

for f in gst/*.c gst/*.h gst/libp2p/*.c gst/libp2p/*.h; do
  n=$(wc -l < "$f")
  if [ "$n" -gt 800 ]; then
    echo "rule 3: $f has $n lines (at most 800)"
    fail=1
  fi
done

# A function: its name at the start of a line followed by " (", its body
# up to the next "}" at the start of a line.
for f in gst/*.c; do
  awk -v file="$f" '
    /^[A-Za-z_][A-Za-z0-9_]* \(/ && !/;$/ { name = $1; start = NR; next }
    /^}/ && name != "" {
      len = NR - start + 1
      if (len > 80 && name !~ /(class_init|install_properties|install_signals)$/)
        printf "rule 4: %s: %s has %d lines (at most 80)\n", file, name, len
      name = ""
    }' "$f"
done | tee /tmp/check-rooms.$$ 
if [ -s /tmp/check-rooms.$$ ]; then fail=1; fi
rm -f /tmp/check-rooms.$$

if [ "$fail" -eq 0 ]; then echo "rooms: all four rules hold"; fi
exit "$fail"
