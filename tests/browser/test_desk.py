#!/usr/bin/env python3
"""The coordinator's desk in a real headless browser, on the real programs: a canvass-server on
127.0.0.1 (OS-chosen port), a collector who syncs interviews, a second coordinator whose
correction clashes with the collector's own edit of the same field, then `canvass desk`. The
browser opens the printed link, finds the records and the counts, opens the clashing record,
settles the conflict by one click, marks another record "has issues" with a comment, and
syncs; the second coordinator then receives both changes (no conflict left, the export's
ReviewState says hasIssues). A request without the secret, a spent link, a rebinding Host and
cross-site POSTs are refused. A screenshot of each page goes into --screenshots.

Run by ctest as: /usr/bin/python3 test_desk.py --source SRC --canvass BIN --server BIN --screenshots DIR
"""
import argparse
import csv
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support", "py"))
from canvass_story import Device, Failure, Server  # noqa: E402

FORM = "street_vendors"


def check(cond, message):
    if not cond:
        raise Failure(message)


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--lang=en-US", "--no-first-run",
                "--disable-background-networking", "--disable-component-update"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(driver, selector, seconds=30):
    """The element `selector` once the page that holds it has loaded (a click on a form's
    button returns before the next page is there), or None."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        return WebDriverWait(driver, seconds).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector)))
    except TimeoutException:
        return None


class Desk:
    """`canvass desk` as a child process; its first lines give the link."""

    def __init__(self, device, key_file, devices_file):
        self.proc = subprocess.Popen([device.binary, "desk", "--key", key_file, "--devices", devices_file],
                                     env=device.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = None
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise Failure("the desk exited: " + self.proc.stderr.read())
            if line.startswith("open "):
                self.url = line.split()[1]
                break
        check(self.url, "the desk printed no link")
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        parts = urllib.parse.urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port
        self.base = "http://%s:%d" % (self.host, self.port)

    def request(self, method, path, body=None, headers=None, host=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        h = {"Host": host or "%s:%d" % (self.host, self.port)}
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        conn.close()
        return r.status, dict(r.getheaders()), data

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--canvass", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--screenshots", required=True)
    args = ap.parse_args()
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("FAIL: python3-selenium is missing (scripts/setup.sh installs it)")
        return 1
    if not os.path.exists("/usr/bin/chromium") or not os.path.exists("/usr/bin/chromedriver"):
        print("FAIL: chromium and chromium-driver are missing (scripts/setup.sh installs them)")
        return 1
    os.makedirs(args.screenshots, exist_ok=True)
    form_path = os.path.join(args.source, "schemas", "forms", FORM + ".json")
    answers_path = os.path.join(args.source, "schemas", "forms", FORM + ".answers.jsonl")
    with open(answers_path) as f:
        answers = [json.loads(line) for line in f if line.strip()]

    with tempfile.TemporaryDirectory(prefix="canvass-desk-") as root:
        server = Server(args.server, root)
        alice = Device(args.canvass, root, "alice")
        coordinator = Device(args.canvass, root, "coordinator")
        coordinator2 = Device(args.canvass, root, "coordinator2")
        for d in (alice, coordinator, coordinator2):
            d.cmd("init")
        key = os.path.join(root, "coordinator.key")
        coordinator.cmd("keys", "create", "--out", key)
        statement = os.path.join(root, "recipients.txt")
        coordinator.cmd("keys", "recipients", "--key", key, "--project", "vendors", "--out", statement)
        server.cmd("init")
        server.cmd("project", "create", "vendors", "--recipients", statement)
        server.cmd("form", "publish", "--project", "vendors", form_path)
        address = server.start()
        desk = None
        driver = None
        try:
            for d, role, label in ((alice, "collector", "Alice Mensah"), (coordinator, "coordinator", "Desk"),
                                   (coordinator2, "coordinator", "Second coordinator")):
                token = json.loads(server.cmd("token", "create", "--project", "vendors", "--role", role,
                                              "--address", address, "--label", label, "--json").stdout)["token"]
                d.cmd("enroll", token)
            alice.cmd("fill", FORM, "--answers", answers_path, "--finalize")
            alice.cmd("sync")
            coordinator2.cmd("sync")
            records = alice.json("records")
            check(len(records) == len(answers), "alice holds %d records" % len(records))
            clash, reviewed = records[0]["id"], records[1]["id"]
            # The clash: the second coordinator corrects the age while alice edits it offline.
            coordinator2.cmd("resolve", clash, "age", "--value", "40", "--key", key)
            coordinator2.cmd("sync")
            edit = os.path.join(root, "edit.json")
            with open(edit, "w") as f:
                json.dump({"age": 41}, f)
            alice.cmd("edit", clash, "--answers", edit)
            alice.cmd("sync")
            coordinator.cmd("sync")
            listed = coordinator.json("conflicts", "--key", key)
            check([c["path"] for c in listed] == ["age"], "the clash: %r" % listed)
            devices = os.path.join(root, "devices.json")
            with open(devices, "w") as f:
                f.write(server.cmd("devices", "--json").stdout)

            desk = Desk(coordinator, key, devices)

            # Refusals, before the browser takes the link.
            status, headers, _ = desk.request("GET", "/")
            check(status == 403, "a request without the secret: %d" % status)
            check(headers.get("Cache-Control") == "no-store", "refusals are hardened too: %r" % headers)
            link = urllib.parse.urlsplit(desk.url)
            status, _, _ = desk.request("GET", link.path + "?" + link.query, host="evil.example:%d" % desk.port)
            check(status == 403, "a rebinding Host: %d" % status)

            driver = browser()
            from selenium.webdriver.common.by import By
            driver.get(desk.url)
            check(driver.current_url == desk.base + "/", "the link leaves a clean URL: " + driver.current_url)
            count = driver.find_element(By.CSS_SELECTOR, "section[data-form='%s'] .count" % FORM)
            check(count.text == str(len(answers)), "the count: " + count.text)
            body = driver.find_element(By.TAG_NAME, "body").text
            check("Alice Mensah" in body, "the researcher's name is not on the forms page")
            driver.save_screenshot(os.path.join(args.screenshots, "forms.png"))
            cookie = driver.get_cookie("canvass_desk_%d" % desk.port)
            check(cookie and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict", "cookie: %r" % cookie)
            session = "%s=%s" % (cookie["name"], cookie["value"])

            # The link is spent; cross-site POSTs are refused even with the session.
            status, _, _ = desk.request("GET", link.path + "?" + link.query)
            check(status == 403, "a spent link: %d" % status)
            form_body = "record=%s&state=approved" % reviewed
            status, _, _ = desk.request("POST", "/review", form_body,
                                        {"Cookie": session, "Origin": "http://evil.example",
                                         "Content-Type": "application/x-www-form-urlencoded"})
            check(status == 403, "a POST from another origin: %d" % status)
            status, _, _ = desk.request("POST", "/review", form_body,
                                        {"Cookie": session, "Origin": desk.base,
                                         "Content-Type": "application/x-www-form-urlencoded"})
            check(status == 403, "a POST without the CSRF token: %d" % status)

            # The table: every record, then a search.
            driver.find_element(By.CSS_SELECTOR, "section[data-form='%s'] h2 a" % FORM).click()
            wait_for(driver, "#matched")
            check(driver.find_element(By.ID, "matched").text == str(len(answers)), "the table's count")
            driver.save_screenshot(os.path.join(args.screenshots, "table.png"))
            market = answers[0]["market"]
            box = driver.find_element(By.ID, "q")
            box.send_keys(market)
            box.submit()
            wait_for(driver, "input#q[value='%s']" % market)
            expected = sum(1 for a in answers if market in json.dumps(a))
            shown = int(driver.find_element(By.ID, "matched").text)
            check(0 < shown <= expected, "search %s: %d shown, at most %d expected" % (market, shown, expected))

            # The clashing record: settle by keeping alice's 41.
            driver.get(desk.base + "/record?id=" + clash)
            driver.save_screenshot(os.path.join(args.screenshots, "record-conflict.png"))
            candidates = driver.find_elements(By.CSS_SELECTOR, ".conflict[data-path='age'] form.candidate")
            check(len(candidates) == 2, "%d candidates" % len(candidates))
            chosen = [c for c in candidates if c.find_element(By.CSS_SELECTOR, ".value").text == "41"]
            check(chosen, "no candidate 41: %r" % [c.text for c in candidates])
            chosen[0].find_element(By.TAG_NAME, "button").click()
            check(wait_for(driver, "#no-conflicts"), "the conflict is still open")
            age = driver.find_element(By.CSS_SELECTOR, ".field[data-path='age'] .answer").text
            check(age == "41", "age after settling: " + age)
            driver.save_screenshot(os.path.join(args.screenshots, "record-settled.png"))

            # A review with a comment, in French for the page's words.
            driver.get(desk.base + "/record?id=" + reviewed + "&lang=fr")
            check("Revue" in driver.find_element(By.TAG_NAME, "body").text, "the page is not in French")
            driver.find_element(By.ID, "state-hasIssues").click()
            driver.find_element(By.ID, "comment").send_keys("Check the age & the <market>")
            driver.find_element(By.ID, "save-review").click()
            check(wait_for(driver, "#review-state[data-state='hasIssues']"), "the review was not saved")
            state = driver.find_element(By.ID, "review-state").get_attribute("data-state")
            check(state == "hasIssues", "review state: " + state)
            comment = driver.find_element(By.ID, "review-comment").text
            check(comment == "Check the age & the <market>", "comment: " + comment)
            driver.save_screenshot(os.path.join(args.screenshots, "record-review.png"))

            driver.get(desk.base + "/map?id=" + FORM)
            points = driver.find_elements(By.CSS_SELECTOR, "svg.map a.point")
            check(len(points) == len(answers), "%d points on the map" % len(points))
            driver.save_screenshot(os.path.join(args.screenshots, "map.png"))
            driver.get(desk.base + "/?lang=es")
            driver.save_screenshot(os.path.join(args.screenshots, "forms-es.png"))

            # The keyboard alone: the first Tab reaches the skip link, Enter follows it.
            from selenium.webdriver.common.keys import Keys
            driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
            focused = driver.switch_to.active_element
            check(focused.get_attribute("class") == "skip", "the first Tab: %r" % focused.get_attribute("outerHTML"))
            focused.send_keys(Keys.ENTER)
            time.sleep(0.2)
            check(driver.current_url.endswith("#main"), "the skip link: " + driver.current_url)
            # A phone's width: the record page fits, nothing wider than the screen but the table.
            driver.set_window_size(390, 844)
            driver.get(desk.base + "/record?id=" + reviewed)
            wide = driver.execute_script("return document.documentElement.scrollWidth")
            check(wide <= 400, "the record page is %d px wide on a phone" % wide)
            driver.save_screenshot(os.path.join(args.screenshots, "record-phone.png"))
            driver.set_window_size(1280, 1000)

            driver.find_element(By.ID, "sync").click()
            check(wait_for(driver, "#synced, .error"), "the sync page did not come")
            check(driver.find_elements(By.ID, "synced"), "sync: " + driver.find_element(By.TAG_NAME, "body").text)
            report = driver.find_element(By.CSS_SELECTOR, "pre.report").text
            check("sent 2 changesets, 2 acknowledged" in report, "sync report: " + report)
            driver.save_screenshot(os.path.join(args.screenshots, "synced.png"))
        finally:
            if driver:
                driver.quit()
            if desk:
                desk.stop()

        try:
            # The other coordinator receives both changes.
            coordinator2.cmd("sync")
            check(coordinator2.json("conflicts", "--key", key) == [], "the second coordinator still sees the clash")
            out = os.path.join(root, "export")
            coordinator2.cmd("export", "--key", key, "--form", FORM, "--out", out)
            with open(os.path.join(out, FORM + ".csv"), newline="", encoding="utf-8") as f:
                rows = {r["KEY"]: r for r in csv.DictReader(f)}
            check(rows["uuid:" + reviewed]["ReviewState"] == "hasIssues", "ReviewState: %r" % rows["uuid:" + reviewed])
            check(rows["uuid:" + clash]["vendor-age"] == "41", "age: %r" % rows["uuid:" + clash]["vendor-age"])
            check(rows["uuid:" + clash]["ReviewState"] in ("", "edited"), rows["uuid:" + clash]["ReviewState"])
            digest = server.stats("vendors")["state_digest"]
            check(coordinator2.json("status")["digest"] == digest, "the second coordinator's digest")
        finally:
            server.stop()
    print("desk: ok; screenshots in " + args.screenshots)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print("FAILED: %s" % e, file=sys.stderr)
        sys.exit(1)
