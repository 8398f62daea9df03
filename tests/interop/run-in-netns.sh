#!/bin/sh
# Runs a command in a private network namespace with one address,
# 198.18.0.1/24, on one end of a veth pair whose other end has none, and the
# default route into it: headless Chromium gathers a host candidate there
# (it never gathers 127.0.0.1), and nothing can leave the namespace.
# Needs root (CI runs as root) or unprivileged user namespaces.
set -e
exec unshare -n -- sh -c '
  set -e
  ip link set lo up
  ip link add gl0 type veth peer name gl1
  ip addr add 198.18.0.1/24 dev gl0
  ip link set gl0 up
  ip link set gl1 up
  ip route add default dev gl0
  exec "$@"' sh "$@"
