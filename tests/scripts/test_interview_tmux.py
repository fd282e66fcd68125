#!/usr/bin/env python3
"""A whole interview of schemas/forms/waste_pickers.json in a real terminal under tmux.

The interviewer answers on a pseudo-terminal as a person would: a refused answer (the
constraint message is shown, the question asked again), a step back to change an earlier
answer, a section skipped by its relevance, a choice filter, a default, two instances of a
repeat and a repeat_count. Midway the canvass process is killed with SIGKILL; the draft
must hold every answer given, and `canvass interview --resume` must continue where it
stopped and finalize the record.

Every wait polls the screen for the text expected next (never a fixed sleep), with a
generous timeout for a loaded machine. The tmux server runs on a private socket.

Usage (ctest runs it this way):
  test_interview_tmux.py --source SRC --canvass BIN [--server BIN]
"""
import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

WAIT_SECONDS = 90  # for any one screen; the whole test takes a few seconds when idle
FORM_ID = "waste_pickers"
SKIPPED_SECTION = "Authorities and access to waste"


class Failure(Exception):
    pass


class Terminal:
    """One tmux session running one canvass command, read through capture-pane."""

    def __init__(self, socket, conf, name, command):
        self.socket, self.conf, self.name = socket, conf, name
        self.answered = 0  # prompts answered so far (lines starting with '>')
        self.tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "50", command)

    def tmux(self, *args):
        result = subprocess.run(["tmux", "-L", self.socket, "-f", self.conf, *args],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise Failure(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def screen(self):
        """Everything the pane has shown, wrapped lines joined, trailing blanks dropped."""
        lines = [l.rstrip() for l in self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", self.name).split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def pane(self, fmt):
        return self.tmux("display-message", "-p", "-t", self.name, fmt).strip()

    def wait(self, ready, what):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            lines = self.screen()
            found = ready(lines)
            if found is not None:
                return found
            time.sleep(0.05)
        raise Failure(f"waited {WAIT_SECONDS}s for {what}; the screen ends with:\n" + "\n".join(self.screen()[-40:]))

    def question(self, expected):
        """Waits for the next prompt (a bare '>' on the last line, after the prompts already
        answered) and returns the text shown since the previous one, which must hold `expected`."""

        def ready(lines):
            prompts = [i for i, l in enumerate(lines) if l.startswith(">")]
            if len(prompts) <= self.answered or lines[-1] != ">":
                return None
            start = prompts[-2] + 1 if len(prompts) > 1 else 0
            block = "\n".join(lines[start:])
            if expected not in block:
                raise Failure(f"expected {expected!r} before the prompt, got:\n{block}")
            return block

        return self.wait(ready, repr(expected))

    def answer(self, expected, text):
        """Waits for the question showing `expected`, then types `text` and Enter."""
        block = self.question(expected)
        if text:
            self.tmux("send-keys", "-t", self.name, "-l", text)
        self.tmux("send-keys", "-t", self.name, "Enter")
        self.answered += 1
        return block

    def wait_exit(self, killed=False):
        """The exit status (None when `killed` by a signal, which tmux 3.3 reports without a
        status). tmux can miss the SIGCHLD of a pane's process (libutempter's handler,
        tmux/tmux#311) and leave it a zombie, never marking the pane dead: the wait nudges
        this test's own tmux server with SIGCHLD, the maintainers' workaround. A pane may also
        look dead before its status is known (tmux/tmux#4841): wait for the status too."""
        server = int(self.pane("#{pid}"))

        def ended(_lines):
            dead, status = self.pane("#{pane_dead}|#{pane_dead_status}").split("|")
            if dead == "1" and (status or killed):
                return (int(status),) if status else (None,)
            os.kill(server, signal.SIGCHLD)
            return None

        return self.wait(ended, "canvass to exit")[0]


def canvass_json(canvass, env, *args):
    out = subprocess.run([canvass, *args, "--json"], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def first_half(t):
    """From the first question to the first sale, the screen checked along the way."""
    t.question("Survey round: 2026-R1")  # read_only: shown with its default, not asked
    t.answer("agrees to be interviewed", "y")
    t.answer("Date of the interview", "2026-09-12")
    t.answer("Date and time the interview started", "2026-09-12 09:25")
    t.answer("Interviewer code", "pn01")
    t.answer("The code is two capital letters followed by two digits", "PN01")
    t.answer("Country", "in")
    city = t.answer("City", "pune")
    if "Pune" not in city or "Dakar" in city or "Durban" in city:
        raise Failure("the choice filter should offer Indian cities only:\n" + city)
    t.answer("GPS position", "18.5024 73.8267 562 11")
    t.answer("First name or nickname", "Ramesh")
    age = t.answer("How old are you?", "150")
    if not re.search(r"question \d+ of \d+\n\* How old are you\?", age):
        raise Failure(f"the question does not say where it is:\n{age}")
    t.answer("The age must be between 14 and 100.", "32")  # refused, asked again
    t.answer("Gender of the respondent", "<")  # one step back...
    t.answer("Enter keeps 32", "")  # ...shows the answer, Enter keeps it
    t.answer("Gender of the respondent", "male")
    t.answer("Highest level of schooling", "secondary")
    t.answer("For how many years", "5")
    t.answer("Where do you collect most", "back")  # back across a section heading, then change it
    t.answer("Enter keeps 5", "4")
    t.answer("Where do you collect most", "sorting_centre")  # no authorities section
    t.answer("Enter answers 6", "")  # the form's default
    t.answer("How many hours", "8")
    t.answer("Which materials do you collect?", "cardboard pet glass")
    t.answer("Which of these do you use", "sacks, gloves")
    t.answer("Did you sell materials", "yes")
    t.answer('Add a "Sales in the last 7 days"? [y/N]', "y")
    sold = t.answer("Material sold", "pet")
    if "Textiles" in sold:
        raise Failure("only the materials collected may be sold:\n" + sold)
    t.answer("Quantity sold (kg)", "67")
    t.answer("Price received per kg", "23")
    t.answer("Who bought it?", "middleman")
    t.answer("Do you trust this buyer's scale?", "no")
    t.question('Add a "Sales in the last 7 days"? (1 so far) [y/N]')


def second_half(t):
    """From the second sale to finalizing."""
    t.answer('Add a "Sales in the last 7 days"? (1 so far) [y/N]', "y")
    t.answer("── Sales in the last 7 days 2 ──", "glass")
    t.answer("Quantity sold (kg)", "27")
    t.answer("Price received per kg", "4.5")
    t.answer("Who bought it?", "company")
    t.answer("(2 so far)", "n")
    t.answer("Total sales in the last 7 days: 1662.5 INR", "290")  # a note showing a calculation
    t.answer("were you injured or did you fall ill", "no")
    t.answer("identity card", "dont_know")
    t.answer("Which of these do you have", "health")
    t.answer("Are you a member of a cooperative", "yes")
    t.answer("What kind of organization?", "union")
    t.answer("Name of the organization", "Nagar Kachra Shramik Sangh")
    t.answer("What does the organization do for you?", "none")
    t.answer("How many children under 18", "2")
    t.answer("Age of child number 1", "15")
    t.answer("Does this child go to school?", "no")
    t.answer("help you collect or sort?", "yes")
    t.answer("Age of child number 2", "12")
    t.answer("Does this child go to school?", "yes")
    t.answer("help you collect or sort?", "yes")
    t.answer("Interviewer's comments", "")
    summary = t.answer("Finalize this interview? [y/n]", "y")
    for line in ("First name or nickname: Ramesh", "How old are you?: 32", "Material sold: Glass",
                 "Age of child number 2: 12"):
        if line not in summary:
            raise Failure(f"the summary lacks {line!r}:\n{summary}")
    t.wait(lambda lines: True if any("Finalized record" in l for l in lines) else None, "the record to be finalized")


def check_draft_after_kill(canvass, env):
    records = canvass_json(canvass, env, "records")
    if len(records) != 1 or records[0]["status"] != "draft":
        raise Failure(f"expected one draft after the kill, got {records}")
    answers = canvass_json(canvass, env, "show", records[0]["id"])["answers"]
    expected = {"interviewer": "PN01", "city": "pune", "first_name": "Ramesh", "age": 32, "years_picking": 4,
                "days_per_week": 6, "materials": ["cardboard", "pet", "glass"]}
    for key, value in expected.items():
        if answers.get(key) != value:
            raise Failure(f"the draft lost {key}: {answers.get(key)!r} instead of {value!r}")
    sales = answers.get("sales", [])
    if len(sales) != 1 or sales[0].get("scale_fair") != "no":
        raise Failure(f"the draft should hold the whole first sale, got {sales}")
    return records[0]["id"]


def check_final_record(canvass, env, record):
    shown = canvass_json(canvass, env, "show", record)
    answers = shown["answers"]
    if shown["status"] != "finalized":
        raise Failure(f"the record is {shown['status']}")
    checks = {"years_picking": 4, "weekly_sales": 1662.5, "location": {"lat": 18.5024, "lon": 73.8267, "alt": 562, "acc": 11},
              "equipment": ["sacks", "gloves"], "org_benefits": ["none"], "children_n": 2}
    for key, value in checks.items():
        if answers.get(key) != value:
            raise Failure(f"{key}: {answers.get(key)!r} instead of {value!r}")
    # The order of a finalized record's instances is the merge's (schemas/protocol/changeset.md,
    # "Instances"); the interview's order is checked in the draft, so compare contents here.
    if sorted(s["sale_material"] for s in answers["sales"]) != ["glass", "pet"]:
        raise Failure(f"sales: {answers['sales']}")
    if sorted(c["child_age"] for c in answers["children"]) != [12, 15]:
        raise Failure(f"children: {answers['children']}")
    if "harassed_12m" in answers:
        raise Failure("the skipped section has an answer")


def run(args, work):
    home = os.path.join(work, "home")
    env = dict(os.environ, CANVASS_HOME=home, CANVASS_PASSPHRASE="tmux test passphrase")
    env.pop("NO_COLOR", None)  # the terminal gets the colour version
    subprocess.run([args.canvass, "init"], env=env, check=True, capture_output=True)
    form = os.path.join(args.source, "schemas", "forms", FORM_ID + ".json")
    subprocess.run([args.canvass, "form", "add", form], env=env, check=True, capture_output=True)

    conf = os.path.join(work, "tmux.conf")
    with open(conf, "w") as f:
        f.write("set -g remain-on-exit on\nset -g history-limit 100000\n")
    socket = "canvass-interview-" + uuid.uuid4().hex[:12]
    prefix = "exec env " + " ".join(shlex.quote(f"{k}={env[k]}") for k in ("CANVASS_HOME", "CANVASS_PASSPHRASE"))
    try:
        first = Terminal(socket, conf, "first", f"{prefix} {shlex.quote(args.canvass)} interview {FORM_ID}")
        first_half(first)
        os.kill(int(first.pane("#{pane_pid}")), signal.SIGKILL)  # mid-interview, at the add question
        first.wait_exit(killed=True)
        screen = "\n".join(first.screen())
        record = check_draft_after_kill(args.canvass, env)

        second = Terminal(socket, conf, "second",
                          f"{prefix} {shlex.quote(args.canvass)} interview --resume {record[:8]}")
        second.question("Resuming a draft")
        second_half(second)
        status = second.wait_exit()
        if status != 0:
            raise Failure(f"canvass exited with {status}")
        screen += "\n".join(second.screen())
        if SKIPPED_SECTION in screen:
            raise Failure("the authorities section should be skipped for a sorting centre")
        check_final_record(args.canvass, env, record)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
        # tmux leaves the socket file of a killed server behind.
        socket_dir = os.path.join(os.environ.get("TMUX_TMPDIR", "/tmp"), f"tmux-{os.getuid()}")
        try:
            os.unlink(os.path.join(socket_dir, socket))
        except FileNotFoundError:
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--canvass", required=True)
    parser.add_argument("--server", default="")
    args = parser.parse_args()
    if not shutil.which("tmux"):
        print("test_interview_tmux: tmux is needed (apt-get install tmux)", file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix="canvass-interview-")
    try:
        run(args, work)
    except (Failure, subprocess.CalledProcessError) as e:
        detail = e.stderr if isinstance(e, subprocess.CalledProcessError) else ""
        print(f"FAIL: {e}\n{detail or ''}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("ok: interview of waste_pickers through tmux, killed and resumed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
