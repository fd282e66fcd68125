#!/usr/bin/env python3
"""A disk that fills up under the command line.

A field device's store holds one record. Then `canvass fill` saves 240 records (a bulk
import) and one record while the files the command may write are capped (RLIMIT_FSIZE, the
kernel's per-process file-size limit: past it a write fails as on a full disk). Each time
the command must fail with a message that names the store's file and says what to do, and
save nothing of what it was asked. Once the cap is lifted the store is whole: the record
saved before is there, `status` works, and the same commands save everything.

Run by ctest as: python3 test_disk_full.py --source SRC --canvass BIN --server BIN
"""
import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile

FORM = "home_based_workers"
CAP = 64 * 1024  # bytes any one file may reach while the disk is "full"


class Failure(Exception):
    pass


def capped():
    # A write past the cap fails with EFBIG instead of killing the process with SIGXFSZ.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (CAP, CAP))


def canvass(args, env, *cmd, limit=False, stdin=None):
    return subprocess.run([args.canvass, *cmd], env=env, capture_output=True, text=True,
                          input=stdin, preexec_fn=capped if limit else None, timeout=300)


def must(proc, what):
    if proc.returncode != 0:
        raise Failure(f"{what} exited {proc.returncode}: {proc.stderr}")
    return proc


def answers(source):
    with open(os.path.join(source, "schemas", "forms", FORM + ".answers.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def records(args, env):
    out = must(canvass(args, env, "records", "--json"), "canvass records").stdout
    return json.loads(out)


def expect_told(proc, home, what):
    if proc.returncode == 0:
        raise Failure(f"{what} succeeded on a full disk: {proc.stdout}")
    err = proc.stderr
    if os.path.join(home, "device.db") not in err:
        raise Failure(f"{what}: the error does not name the store's file: {err!r}")
    if "free some space" not in err and "heck the storage" not in err:
        raise Failure(f"{what}: the error does not say what to do: {err!r}")
    if "Traceback" in err or "terminate called" in err:
        raise Failure(f"{what}: crashed: {err!r}")


def run(args, work):
    home = os.path.join(work, "home")
    env = dict(os.environ, CANVASS_HOME=home, CANVASS_PASSPHRASE="disk full passphrase",
               NO_COLOR="1")
    must(canvass(args, env, "init"), "canvass init")
    form = os.path.join(args.source, "schemas", "forms", FORM + ".json")
    must(canvass(args, env, "form", "add", form), "canvass form add")
    lines = answers(args.source)
    must(canvass(args, env, "fill", FORM, "--finalize", "--answers", "-",
                 stdin=json.dumps(lines[0])), "the first record")
    before = records(args, env)
    if len(before) != 1:
        raise Failure(f"{len(before)} records after the first save")

    batch = []
    for i in range(240):
        a = dict(lines[i % len(lines)])
        a["interview_start"] = "2026-09-12T%02d:%02d:%02d+05:30" % (8 + i // 60, i % 60, i % 53)
        batch.append(json.dumps(a))
    jsonl = "\n".join(batch) + "\n"

    bulk = canvass(args, env, "fill", FORM, "--finalize", "--answers", "-", stdin=jsonl,
                   limit=True)
    expect_told(bulk, home, "a bulk import of 240 records")
    one = canvass(args, env, "fill", FORM, "--finalize", "--answers", "-",
                  stdin=jsonl.splitlines()[1], limit=True)
    if one.returncode != 0:
        expect_told(one, home, "one record")

    # The disk has room again: everything saved before is there, nothing of the failed import.
    after = records(args, env)
    ids = {r["id"] for r in after}
    if before[0]["id"] not in ids:
        raise Failure("the record saved before the disk filled is gone")
    if len(after) not in (1, 2):
        raise Failure(f"{len(after)} records after a refused import of 240: part of it was saved")
    status = must(canvass(args, env, "status", "--json"), "canvass status").stdout
    if json.loads(status).get("finalized") != len(after):
        raise Failure(f"status disagrees with the records: {status}")
    must(canvass(args, env, "fill", FORM, "--finalize", "--answers", "-", stdin=jsonl),
         "the bulk import once there is room")
    final = records(args, env)
    if len(final) < 241:
        raise Failure(f"{len(final)} records once there is room, not 241 or 242")
    print(f"ok: full disk refused with the file named ({bulk.stderr.strip()[:120]}...); "
          f"{len(final)} records once there is room")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--source", required=True)
    p.add_argument("--canvass", required=True)
    p.add_argument("--server", default="")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="canvass-disk-full-") as work:
        try:
            run(args, work)
        except Failure as e:
            print(f"FAIL: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
