#!/usr/bin/env python3
"""Counts test cases in meson testlog.json files.

A TAP test contributes one case per "ok"/"not ok" line; any other test counts
as one case.  Prints one line per log and returns the totals on stdout as
"PASSED FAILED" for test.sh."""
import json
import sys


def count(path):
    passed = failed = 0
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            sub_ok = sub_fail = 0
            for out in (t.get("stdout") or "").splitlines():
                if out.startswith("ok "):
                    sub_ok += 1
                elif out.startswith("not ok "):
                    sub_fail += 1
            if sub_ok + sub_fail == 0:
                if t["result"] in ("OK", "EXPECTEDFAIL", "SKIP"):
                    sub_ok = 1
                else:
                    sub_fail = 1
            elif t["result"] not in ("OK", "EXPECTEDFAIL") and sub_fail == 0:
                # crashed or timed out after its last reported case
                sub_fail = 1
            passed += sub_ok
            failed += sub_fail
    return passed, failed


if __name__ == "__main__":
    label, path = sys.argv[1], sys.argv[2]
    p, f = count(path)
    print(f"{label}: {p} passed, {f} failed", file=sys.stderr)
    print(p, f)
