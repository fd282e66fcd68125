#!/usr/bin/env python3
"""Checks that the public API (core/include/canvass/) names no third-party library.

core/include/canvass/ is what the command line's interview renderer, apps and bindings build
on; its headers include only the C++ standard library and each other. The build compiles
each one alone with only core/include/ on the include path (the canvass_public_headers
target), so a public header cannot lean on a private one; this test catches what that
compile cannot: a header of nlohmann/json, SQLite, libsodium, Boost/Asio or any other
library installed on the machine, which the compiler would find anyway.

Run by ctest as: python3 test_public_headers.py --source SRC --canvass BIN --server BIN
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
# The C and C++ standard headers a public header may use: names without a folder or a
# suffix (<string>, <cstdint>), and the C headers canvass.h includes.
C_HEADERS = {"stddef.h", "stdint.h"}


def problems(source):
    root = os.path.join(source, "core", "include", "canvass")
    out = []
    for name in sorted(os.listdir(root)):
        if not name.endswith((".h", ".hpp")):
            continue
        path = os.path.join(root, name)
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                header = m.group(2)
                if header.startswith("canvass/") and os.path.exists(os.path.join(root, header[len("canvass/"):])):
                    continue
                if "/" not in header and "." not in header:
                    continue  # <string>, <vector>: the standard library
                if header in C_HEADERS:
                    continue
                out.append(f"core/include/canvass/{name}:{number}: includes {header}: a public header may "
                           f"include only the standard library and other headers of core/include/canvass/")
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--canvass")
    parser.add_argument("--server")
    args = parser.parse_args()
    found = problems(args.source)
    for line in found:
        print(line)
    if found:
        return 1
    print("test_public_headers: core/include/canvass/ names no third-party library")
    return 0


if __name__ == "__main__":
    sys.exit(main())
