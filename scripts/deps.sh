#!/usr/bin/env bash
# Installs the Debian 12 packages gst-libp2p needs to build and test.
# Idempotent: apt-get runs only when a package is missing.
set -euo pipefail

PACKAGES=(
  # build
  gcc clang meson ninja-build pkg-config python3
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgstreamer-plugins-bad1.0-dev libnice-dev libssl-dev libjson-glib-dev
  # run: webrtcbin (bad), its ICE transport (nice), sctp/dtls, tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-nice gstreamer1.0-tools
  # tests: sanitizers' runtime, valgrind, network namespaces, the
  # browser of the interop suite, and gdb (stacks of a process a test
  # finds hung)
  libclang-rt-14-dev valgrind iproute2 util-linux chromium gdb
)

missing=()
for p in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The interop suite runs js-libp2p in Node (20 or newer; the machines have
# it).  Its npm packages are pinned by tests/interop/package-lock.json.
if ! command -v node >/dev/null 2>&1; then
  echo "deps: node is missing: the interop suite needs Node.js 20 or newer" >&2
  exit 1
fi
interop=$(dirname "$0")/../tests/interop
if [ ! -f "$interop/node_modules/.package-lock.json" ] ||
   [ "$interop/package-lock.json" -nt "$interop/node_modules/.package-lock.json" ]; then
  echo "deps: npm ci in tests/interop"
  (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error)
fi
