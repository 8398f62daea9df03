#!/usr/bin/env bash
# The README's second command: install, build and run every test.
#   1. unit tests of the protocol core, element tests (two real webrtcbins
#      on 127.0.0.1), the echo-file example, and the interop suite against
#      js-libp2p in Node (tests/interop)
#   2. all of them again built with ASan + UBSan (LeakSanitizer on)
#   3. the core's unit tests under valgrind (no definite leaks)
#   4. each libFuzzer target for FUZZ_SECONDS (default 20) with ASan + UBSan
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-20}
bash scripts/deps.sh || exit 1

total_pass=0
total_fail=0
add () {  # label, testlog.json
  local r
  if [ ! -f "$2" ]; then
    echo "$1: no test log" >&2
    total_fail=$((total_fail + 1))
    return
  fi
  r=$(python3 scripts/summary.py "$1" "$2")
  total_pass=$((total_pass + ${r% *}))
  total_fail=$((total_fail + ${r#* }))
}
step () { echo; echo "=== $*"; }

step "build"
bash scripts/build.sh >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

step "tests"
meson test -C build --print-errorlogs --num-processes 2
add "tests" build/meson-logs/testlog.json

step "tests with AddressSanitizer + UndefinedBehaviorSanitizer"
if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
if ninja -C build-asan >/dev/null; then
  # Allocation stacks are unwound in full (fast_unwind_on_malloc=0; about
  # twice the time): the system libraries have no frame pointers, so the
  # fast unwinder stops at g_malloc, which leaves a leak report without its
  # culprit and no suppression able to match (tests/lsan.supp).
  # The plugin under test carries ASan: GStreamer must load plugins in this
  # process (no plugin-scanner child without the ASan runtime), and only the
  # system plugins the element needs, so LeakSanitizer sees our code and
  # not that of every plugin on the machine.
  sysplugins=$(mktemp -d)
  gstdir=$(pkg-config --variable=pluginsdir gstreamer-1.0)
  for p in coreelements app webrtc nice sctp dtls srtp rtpmanager rtp; do
    ln -s "$gstdir/libgst$p.so" "$sysplugins/"
  done
  GST_REGISTRY_FORK=no GST_PLUGIN_SYSTEM_PATH_1_0="$sysplugins" \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
  LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp":print_suppressions=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs --num-processes 2
  add "asan+ubsan" build-asan/meson-logs/testlog.json
  rm -rf "$sysplugins"
else
  echo "sanitizer build failed"; total_fail=$((total_fail + 1))
fi

step "unit tests under valgrind"
meson test -C build --suite unit --print-errorlogs --num-processes 2 \
  --logbase valgrind \
  --wrapper "valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
# meson names the log after the base and the wrapper
add "valgrind" build/meson-logs/valgrind-valgrind.json

step "fuzz targets, ${FUZZ_SECONDS} s each"
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzz=true -Dgst=false \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
if ninja -C build-fuzz >/dev/null; then
  for t in varint frame mss-dialer mss-listener multiaddr direct sdp identify multiaddr-bin \
      sctp listen; do
    work=$(mktemp -d)
    if timeout $((FUZZ_SECONDS + 60)) "build-fuzz/tests/fuzz/fuzz-$t" \
        -max_total_time="$FUZZ_SECONDS" -max_len=4096 -rss_limit_mb=2048 \
        -artifact_prefix="$work/" "$work" "tests/fuzz/corpus/$t" > "$work/log" 2>&1; then
      echo "fuzz-$t: $(grep -E "DONE" "$work/log" | tail -1)"
      total_pass=$((total_pass + 1))
    else
      echo "fuzz-$t: FAILED"; tail -40 "$work/log"
      total_fail=$((total_fail + 1))
    fi
    rm -rf "$work"
  done
else
  echo "fuzz build failed"; total_fail=$((total_fail + 1))
fi

echo
echo "${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ]
