#!/bin/sh
# Runs echo-file on a 3 MiB file of random bytes; passes if it says OK.
set -e
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c 3145728 /dev/urandom > "$dir/in"
"$1" "$dir/in" "$dir/out"
cmp "$dir/in" "$dir/out"
