#!/usr/bin/env python3
"""Checks that canvass reads the time and draws randomness in one place each.

Every part that needs the time of day is handed a canvass::Clock (core/include/canvass/clock.hpp),
so a test or a simulated device runs the whole program on its own time; keys, nonces and
ids come from core/src/crypto/random.cpp (the OS CSPRNG) or an injected merge::Random.
This test fails when code outside those two files reads the wall clock or a random source
directly. Monotonic clocks (steady_clock) measure durations and timeouts and are allowed.

Run by ctest as: python3 test_one_clock.py --source SRC --canvass BIN --server BIN
"""
import argparse
import os
import re
import sys

PARTS = ["core/src", "core/include", "cli-client/src", "sync-server/src", "bindings"]
EXTENSIONS = (".cpp", ".hpp", ".c", ".h", ".java")

# What reads the wall clock, and the one file allowed to.
CLOCK = re.compile(r"system_clock::now|\btime\s*\(\s*(nullptr|NULL|0)\s*\)|\bgettimeofday\s*\(|"
                   r"CLOCK_REALTIME|currentTimeMillis|Instant\.now|LocalDate\.now")
CLOCK_HOME = "core/src/util/clock.cpp"

# What draws randomness, and the one file allowed to.
RANDOM = re.compile(r"\brandombytes_\w+\s*\(|random_device|\bs?rand\s*\(|\bmt19937|"
                    r"new\s+(Secure)?Random\s*\(|Math\.random|getrandom\s*\(|/dev/u?random")
RANDOM_HOME = "core/src/crypto/random.cpp"


def strip_comments(text):
    """Removes // and /* */ comments so a comment naming a call is not a finding."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def findings(source):
    out = []
    for part in PARTS:
        root = os.path.join(source, part)
        for folder, _, files in os.walk(root):
            for name in sorted(files):
                if not name.endswith(EXTENSIONS):
                    continue
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, source).replace(os.sep, "/")
                if "/test/" in rel or "/tests/" in rel:
                    continue  # a binding's own tests may use the JVM's clock
                with open(path, encoding="utf-8", errors="replace") as f:
                    lines = strip_comments(f.read()).split("\n")
                for number, line in enumerate(lines, 1):
                    if rel != CLOCK_HOME and CLOCK.search(line):
                        out.append(f"{rel}:{number}: reads the wall clock; take a canvass::Clock "
                                   f"(canvass/clock.hpp) instead: {line.strip()}")
                    if rel != RANDOM_HOME and RANDOM.search(line):
                        out.append(f"{rel}:{number}: draws randomness directly; use crypto/random.hpp "
                                   f"or an injected merge::Random: {line.strip()}")
    return out


def self_test():
    """The patterns catch what they are for (so this test can fail)."""
    assert CLOCK.search("auto t = std::chrono::system_clock::now();")
    assert CLOCK.search("std::time_t t = time(nullptr);")
    assert CLOCK.search("long t = System.currentTimeMillis();")
    assert not CLOCK.search("auto t = std::chrono::steady_clock::now();")
    assert RANDOM.search("randombytes_buf(p, n);")
    assert RANDOM.search("std::random_device rd;")
    assert RANDOM.search("int r = rand();")
    assert not RANDOM.search("merge::Random& random = store.random();")
    assert strip_comments("a // system_clock::now\nb /* rand() */ c") == "a \nb  c"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--canvass")
    parser.add_argument("--server")
    args = parser.parse_args()
    self_test()
    found = findings(args.source)
    for f in found:
        print(f, file=sys.stderr)
    if found:
        print(f"test_one_clock: {len(found)} direct read(s) of the clock or of randomness", file=sys.stderr)
        return 1
    print("test_one_clock: one clock (util/clock.cpp) and one random source (crypto/random.cpp)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
