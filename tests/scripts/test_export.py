#!/usr/bin/env python3
"""The coordinator's export end to end, with the real canvass-server and binaries.

A collector interviews offline and syncs; a coordinator syncs and exports; the CSV files
are read with Python's csv module and the Stata/SPSS files with the `readstat` program.
Then, after a call-back, the collector edits a finalized record while the coordinator
cleans the same record with `canvass edit --key`, in a different field and in the same
field; both sync. The export merges the different fields and lists the same-field clash
with both candidates in conflicts.csv; after `canvass resolve` and a sync the clash is
gone for the server and for a second coordinator (same state digest, no conflicts
listed).

Run by ctest as: python3 test_export.py --source SRC --canvass BIN --server BIN
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FORM = "home_based_workers"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class World:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.env = dict(os.environ, CANVASS_PASSPHRASE="export test passphrase", NO_COLOR="1")
        self.key = os.path.join(work, "coordinator.key")

    def run(self, argv, home=None, ok=True):
        env = dict(self.env)
        if home:
            env["CANVASS_HOME"] = os.path.join(self.work, home)
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        if ok and p.returncode != 0:
            raise Failure("%s failed (%d):\n%s%s" % (" ".join(argv), p.returncode, p.stdout, p.stderr))
        return p

    def canvass(self, home, *argv, ok=True):
        return self.run([self.args.canvass, *argv], home=home, ok=ok)

    def server(self, *argv):
        return self.run([self.args.server, "--data", os.path.join(self.work, "server"), *argv])


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return rows


def readstat_csv(path, work):
    out = os.path.join(work, os.path.basename(path) + ".csv")
    subprocess.run(["readstat", path, out], check=True, capture_output=True, timeout=120)
    return read_csv(out)


def readstat_labels(path, work):
    out = os.path.join(work, os.path.basename(path) + ".json")
    subprocess.run(["extract_metadata", path, out], check=True, capture_output=True, timeout=120)
    with open(out, encoding="utf-8") as f:
        return {v["name"]: v for v in json.load(f)["variables"]}


def start_server(world):
    out = open(os.path.join(world.work, "server.out"), "w")
    err = open(os.path.join(world.work, "server.log"), "w")
    proc = subprocess.Popen([world.args.server, "--data", os.path.join(world.work, "server"), "run",
                             "--listen", "127.0.0.1:0"], stdout=out, stderr=err, env=world.env)
    deadline = time.time() + 60
    while time.time() < deadline:
        with open(os.path.join(world.work, "server.out")) as f:
            m = re.search(r"listening on (\S+)\n", f.read())
        if m:
            return proc, m.group(1)
        check(proc.poll() is None, "the server exited at start")
        time.sleep(0.05)
    raise Failure("the server did not start")


def enroll(world, address, home, role):
    if not os.path.exists(os.path.join(world.work, home)):
        world.canvass(home, "init")
    token = json.loads(world.server("token", "create", "--project", "survey", "--role", role,
                                    "--address", address, "--json").stdout)["token"]
    world.canvass(home, "enroll", token)


def export(world, home, out, *extra):
    p = world.canvass(home, "export", "--key", world.key, "--form", FORM, "--format", "all",
                      "--out", os.path.join(world.work, out), *extra)
    check("files are in " + os.path.join(world.work, out) in p.stdout, p.stdout)
    return os.path.join(world.work, out)


def check_first_export(world, out, answers):
    main = read_csv(os.path.join(out, FORM + ".csv"))
    check(len(main) == len(answers), "%d rows, %d answer sets" % (len(main), len(answers)))
    header = list(main[0].keys())
    check(header[0] == "SubmissionDate", header[:3])
    check(header[-10:] == ["KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
                           "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"], header[-10:])
    for column in ["place-location-Latitude", "place-location-Longitude", "place-location-Altitude",
                   "place-location-Accuracy", "respondent-age", "piece_rate-inputs_provided"]:
        check(column in header, "no column " + column)
    ages = sorted(int(r["respondent-age"]) for r in main)
    check(ages == sorted(a["age"] for a in answers), "ages differ")
    given = sorted(" ".join(a["inputs_provided"]) for a in answers if a.get("inputs_provided"))
    got = sorted(r["piece_rate-inputs_provided"] for r in main if r["piece_rate-inputs_provided"])
    check(given == got, "select_multiple cells differ: %s / %s" % (given, got))

    members = read_csv(os.path.join(out, FORM + "-hh_members.csv"))
    jobs = read_csv(os.path.join(out, FORM + "-member_jobs.csv"))
    check(list(members[0].keys())[-2:] == ["PARENT_KEY", "KEY"], "repeat file ends with PARENT_KEY, KEY")
    keys = {r["KEY"] for r in main}
    check(all(m["PARENT_KEY"] in keys for m in members), "a member's PARENT_KEY is a record's KEY")
    check(all(re.fullmatch(re.escape(m["PARENT_KEY"]) + r"/household/hh_members\[\d+\]", m["KEY"]) for m in members),
          "member keys: " + members[0]["KEY"])
    member_keys = {m["KEY"] for m in members}
    check(jobs and all(j["PARENT_KEY"] in member_keys for j in jobs), "a job's PARENT_KEY is a member's KEY")
    check(all(re.fullmatch(re.escape(j["PARENT_KEY"]) + r"/member_jobs\[\d+\]", j["KEY"]) for j in jobs),
          "job keys: " + jobs[0]["KEY"])
    check(len(members) == sum(len(a.get("hh_members", [])) for a in answers), "member count")

    for ext in ("dta", "sav"):
        data = readstat_csv(os.path.join(out, FORM + "." + ext), world.work)
        check(sorted(int(float(r["age"])) for r in data) == ages, ext + ": ages differ")
        labels = readstat_labels(os.path.join(out, FORM + "." + ext), world.work)
        check(labels["age"]["label"] == "How old are you?", ext + ": " + str(labels["age"]))
        cats = [c["label"] for c in labels["gender"]["categories"]
                if c["label"] not in ("not relevant", "not answered")]  # the missing values' labels
        check(cats == ["Woman", "Man", "Other / non-binary", "Prefers not to say"], ext + ": " + str(cats))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--canvass", required=True)
    ap.add_argument("--server", default="")
    args = ap.parse_args()
    if not args.server or not os.path.exists(args.server):
        print("skipped: canvass-server is not built")
        return 0
    if not shutil.which("readstat") or not shutil.which("extract_metadata"):
        print("FAIL: the readstat programs are missing (apt-get install readstat)")
        return 1
    form_file = os.path.join(args.source, "schemas/forms", FORM + ".json")
    answers_file = os.path.join(args.source, "schemas/forms", FORM + ".answers.jsonl")
    with open(answers_file, encoding="utf-8") as f:
        answers = [json.loads(line) for line in f if line.strip()]

    with tempfile.TemporaryDirectory(prefix="canvass-export-") as work:
        world = World(args, work)
        server = None
        try:
            world.canvass("coordinator", "init")
            recipient = world.canvass("coordinator", "keys", "create", "--out", world.key).stdout.strip()
            check(re.fullmatch(r"[0-9a-f]{64}", recipient), "keys create printed " + recipient)
            world.server("init")
            statement = os.path.join(work, "recipients.txt")
            world.canvass("coordinator", "keys", "recipients", "--key", world.key, "--project", "survey",
                          "--out", statement)
            world.server("project", "create", "survey", "--recipients", statement)
            world.server("form", "publish", "--project", "survey", form_file)
            server, address = start_server(world)
            enroll(world, address, "collector", "collector")
            enroll(world, address, "coordinator", "coordinator")
            enroll(world, address, "coordinator2", "coordinator")

            world.canvass("collector", "fill", FORM, "--answers", answers_file, "--finalize")
            world.canvass("collector", "sync")
            world.canvass("coordinator", "sync")
            out = export(world, "coordinator", "export1")
            check_first_export(world, out, answers)

            # A call-back: the collector edits a record offline while the coordinator cleans it.
            record = json.loads(world.canvass("collector", "records", "--json").stdout)[0]["id"]
            edit_file = os.path.join(work, "edit.json")
            with open(edit_file, "w") as f:
                json.dump({"age": 35, "can_read": "yes"}, f)
            world.canvass("collector", "edit", record, "--answers", edit_file)
            # The coordinator cleans with the key: one edit of two fields, one of them the collector's.
            cleaning_file = os.path.join(work, "cleaning.json")
            with open(cleaning_file, "w") as f:
                json.dump({"age": 36, "marital_status": "widowed"}, f)
            p = world.canvass("coordinator", "edit", record, "--answers", cleaning_file, ok=False)
            check(p.returncode == 1 and "give --key FILE" in p.stderr, "edit without the key: " + p.stderr)
            world.canvass("coordinator", "edit", record, "--answers", cleaning_file, "--key", world.key)
            world.canvass("collector", "sync")
            world.canvass("coordinator", "sync")

            out = export(world, "coordinator", "export2")
            row = [r for r in read_csv(os.path.join(out, FORM + ".csv")) if r["KEY"] == "uuid:" + record][0]
            check(row["respondent-can_read"] == "yes", "the collector's field: " + row["respondent-can_read"])
            check(row["respondent-marital_status"] == "widowed", "the coordinator's field")
            check(row["ReviewState"] == "hasIssues", row["ReviewState"])
            clash = [c for c in read_csv(os.path.join(out, "conflicts.csv")) if c["record"] == record]
            check(sorted(c["value"] for c in clash) == ["35", "36"], "conflicts.csv: %s" % clash)
            check({c["path"] for c in clash} == {"age"}, "conflicts.csv paths: %s" % clash)
            check(len({c["device"] for c in clash}) == 2, "two authors")

            world.canvass("coordinator", "resolve", record, "age", "--value", "35")
            world.canvass("coordinator", "sync")
            world.canvass("coordinator2", "sync")
            listed = json.loads(world.canvass("coordinator2", "conflicts", "--key", world.key, "--json").stdout)
            check(listed == [], "the second coordinator still sees %s" % listed)
            out = export(world, "coordinator2", "export3")
            check(read_csv(os.path.join(out, "conflicts.csv")) == [], "conflicts.csv after resolve")
            row = [r for r in read_csv(os.path.join(out, FORM + ".csv")) if r["KEY"] == "uuid:" + record][0]
            check(row["respondent-age"] == "35" and row["respondent-marital_status"] == "widowed", str(row))

            server_digest = json.loads(world.server("stats", "--project", "survey", "--json").stdout)["state_digest"]
            for home in ("coordinator", "coordinator2"):
                digest = json.loads(world.canvass(home, "status", "--json").stdout)["digest"]
                check(digest == server_digest, "%s digest %s, server %s" % (home, digest, server_digest))

            # A key that is not the project's: a clear error, nothing written.
            world.canvass("coordinator", "keys", "create", "--out", os.path.join(work, "other.key"))
            p = world.canvass("coordinator", "export", "--key", os.path.join(work, "other.key"), "--form", FORM,
                              "--out", os.path.join(work, "export4"), ok=False)
            check(p.returncode == 1 and "cannot decrypt any" in p.stderr, p.stderr)
        except Failure as e:
            print("FAIL:", e)
            log = os.path.join(work, "server.log")
            if os.path.exists(log):
                print(open(log).read()[-3000:])
            return 1
        finally:
            if server:
                server.terminate()
                server.wait(timeout=60)
    print("ok: export end to end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
