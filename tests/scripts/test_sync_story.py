#!/usr/bin/env python3
"""The whole story on one machine, through the real programs: a canvass-server on 127.0.0.1,
two collectors and a coordinator enroll with tokens, the collectors save interviews offline
and sync (through a relay that records the wire), the coordinator syncs and ends with the
server's state digest. Then: none of the saved answers appears in the server's database, its
log or the captured bytes; a second sync with nothing to do moves no changeset; refusals
(reused token, revoked device) are clear and store nothing.

Run by ctest as: python3 test_sync_story.py --source SRC --canvass BIN --server BIN
"""
import argparse
import csv
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support", "py"))
from canvass_story import Device, Failure, Relay, Server, files_containing, run, secrets_in  # noqa: E402

FORM = "street_vendors"


def check(cond, message):
    if not cond:
        raise Failure(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--canvass", required=True)
    parser.add_argument("--server", required=True)
    args, _ = parser.parse_known_args()
    if not args.server:
        print("canvass-server is not built; nothing to test")
        return 0
    form_path = os.path.join(args.source, "schemas", "forms", FORM + ".json")
    answers_path = os.path.join(args.source, "schemas", "forms", FORM + ".answers.jsonl")
    with open(form_path) as f:
        form = json.load(f)
    with open(answers_path) as f:
        lines = [l for l in f.read().splitlines() if l.strip()]

    photo_path = os.path.join(args.source, "schemas", "forms", "stall.png")
    with open(photo_path, "rb") as f:
        photo = f.read()
    with tempfile.TemporaryDirectory(prefix="canvass-story-") as root:
        # Some answers name this photo of a stall, beside the answers file.
        shutil.copy(photo_path, root)
        server = Server(args.server, root)
        coordinator = Device(args.canvass, root, "coordinator")
        alice = Device(args.canvass, root, "alice")
        bob = Device(args.canvass, root, "bob")
        carol = Device(args.canvass, root, "carol")      # a collector out of reach of any network
        olga = Device(args.canvass, root, "olga")        # an organizer who carries carol's work

        for d in (coordinator, alice, bob, carol, olga):
            d.cmd("init")
        key_file = os.path.join(root, "coordinator.key")
        recipient = coordinator.cmd("keys", "create", "--out", key_file).stdout.split()[-1]
        statement = os.path.join(root, "recipients.txt")
        coordinator.cmd("keys", "recipients", "--key", key_file, "--project", "vendors", "--out", statement)
        server.cmd("init")
        created = server.cmd("project", "create", "vendors", "--recipients", statement).stdout
        fingerprint = created.split("fingerprint ")[1].split()[0]
        check(recipient in created, "the project does not name the coordinator's key: " + created)
        server.cmd("form", "publish", "--project", "vendors", form_path)
        address = server.start()
        relay = Relay(address)
        try:
            for d, role in ((alice, "collector"), (bob, "collector"), (carol, "collector"),
                            (olga, "organizer"), (coordinator, "coordinator")):
                token = server.token("vendors", role, relay.address)
                out = d.cmd("enroll", token, "--fingerprint", fingerprint[:16]).stdout
                check("enrolled in project vendors as " + role in out, out)
                check(FORM in d.cmd("forms").stdout, "the published form was not installed")

            # A token works once.
            again = bob.cmd("enroll", token, check=False)
            check(again.returncode == 1 and "used" in again.stderr, "reused token: " + again.stderr)

            # Offline interviews, then sync.
            half = len(lines) // 2
            carried = lines[:3]
            for d, chunk in ((alice, lines[:half]), (bob, lines[half:])):
                path = os.path.join(root, d.home + ".jsonl")
                with open(path, "w") as f:
                    f.write("\n".join(chunk) + "\n")
                d.cmd("fill", FORM, "--answers", path, "--finalize")
                out = d.cmd("sync").stdout
                check("sent %d changesets, %d acknowledged" % (len(chunk), len(chunk)) in out, out)
                check(d.json("status")["unsent_changesets"] == 0, "changesets left unsent")

            # Carol has no network: an organizer carries her work in a bundle file.
            path = os.path.join(root, "carol.jsonl")
            with open(path, "w") as f:
                f.write("\n".join(carried) + "\n")
            carol.cmd("fill", FORM, "--answers", path, "--finalize")
            bundle = os.path.join(root, "carol.bundle")
            carol.cmd("bundle", "export", "--out", bundle)
            out = olga.cmd("bundle", "import", bundle).stdout
            check("kept 3 new changesets of 1 device and 1 attachment" in out, out)
            carried_record = olga.json("records")[0]["id"]
            shown = olga.json("show", carried_record)
            check(shown["readable"] is False and shown["answers"] is None,
                  "an organizer could read a carried record: %r" % shown)
            out = olga.cmd("sync").stdout
            check("sent 3 changesets, 3 acknowledged" in out, out)
            tampered = os.path.join(root, "tampered.bundle")
            with open(bundle, "rb") as f:
                data = bytearray(f.read())
            data[len(data) // 2] ^= 0x01
            with open(tampered, "wb") as f:
                f.write(data)
            refused = bob.cmd("bundle", "import", tampered, check=False)
            check(refused.returncode == 1, "a tampered bundle was accepted")

            out = coordinator.cmd("sync").stdout
            total = len(lines) + len(carried)
            check("received %d changesets" % total in out, out)
            stats = server.stats("vendors")
            status = coordinator.json("status")
            check(status["digest"] == stats["state_digest"],
                  "coordinator digest %s != server %s" % (status["digest"], stats["state_digest"]))
            records = coordinator.json("records")
            check(len(records) == total, "coordinator holds %d records" % len(records))
            # The photos reached the coordinator, carol's through olga's bundle among them.
            exported = os.path.join(root, "export")
            coordinator.cmd("export", "--key", key_file, "--form", FORM, "--format", "csv", "--out", exported)
            with open(os.path.join(exported, "media", "stall.png"), "rb") as f:
                check(f.read() == photo, "the exported photo is not the one taken")
            with open(os.path.join(exported, FORM + ".csv"), newline="") as f:
                rows = list(csv.DictReader(f))
            with_photo = [r for r in rows if r["AttachmentsExpected"] == "1"]
            check(len(with_photo) == sum('"stall_photo"' in l for l in lines + carried),
                  "records with a photo: %d" % len(with_photo))
            check(all(r["AttachmentsPresent"] == "1" for r in with_photo), "a photo did not arrive")

            # A sync with nothing to do sends and receives no changeset.
            out = alice.cmd("sync").stdout
            check("sent 0 changesets" in out and "received 0 changesets" in out, out)

            # Collectors never receive others' answers.
            check(len(alice.json("records")) == half, "a collector received other devices' records")

            # Revocation: the device is refused with a clear message and nothing is stored.
            device = alice.json("status")["device"]
            server.cmd("revoke", device)
            extra = os.path.join(root, "extra.json")
            with open(extra, "w") as f:
                f.write(lines[0])
            alice.cmd("fill", FORM, "--answers", extra, "--finalize")
            before = server.stats("vendors")
            refused = alice.cmd("sync", check=False)
            check(refused.returncode == 1 and "revoked" in refused.stderr, "revoked: " + refused.stderr)
            check(server.stats("vendors")["changesets"] == before["changesets"], "a revoked device stored data")
        finally:
            server.stop()

        secrets = secrets_in(form, lines)
        check(len(secrets) >= 10, "too few free-text answers to search for: %r" % secrets)
        hits = files_containing(server.data, secrets)
        with open(server.log_path, "rb") as f:
            log = f.read()
        hits += [(server.log_path, s) for s in secrets if s.encode() in log]
        hits += [("wire", s) for s in secrets if s.encode() in bytes(relay.captured)]
        # Nor the photo: no 32 bytes of it anywhere on the server, the wire or in the bundle.
        pieces = [photo[i:i + 32] for i in range(0, len(photo) - 32, 64)]
        for dirpath, _, names in os.walk(server.data):
            for name in names:
                with open(os.path.join(dirpath, name), "rb") as f:
                    data = f.read()
                hits += [(os.path.join(dirpath, name), "photo") for p in pieces if p in data]
        with open(bundle, "rb") as f:
            data = f.read()
        hits += [("bundle", "photo") for p in pieces if p in data]
        hits += [("wire", "photo") for p in pieces if p in bytes(relay.captured)]
        with open(bundle, "rb") as f:
            hits += [("bundle", s) for s in secrets if s.encode() in f.read()]
        check(len(relay.captured) > 1000, "the relay captured nothing")
        check(not hits, "answers in clear: %r" % hits[:5])
        # The devices' own stores keep them sealed too.
        for d in (alice, bob, carol, olga, coordinator):
            hits = files_containing(d.home, secrets)
            check(not hits, "answers in clear in a device store: %r" % hits[:5])
    print("story: ok")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print("FAILED: %s" % e, file=sys.stderr)
        sys.exit(1)
