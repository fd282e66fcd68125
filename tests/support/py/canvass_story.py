"""Helpers for end-to-end tests: a real canvass-server on 127.0.0.1 with an OS-chosen port,
field devices with their own stores, and a TCP relay that records the bytes on the wire."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

PASSPHRASE = "correct horse battery staple"


class Failure(Exception):
    pass


def run(cmd, env=None, check=True, input_text=None, timeout=300):
    proc = subprocess.run(cmd, env=env, input=input_text, capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


class Server:
    def __init__(self, binary, root):
        self.binary = binary
        self.data = os.path.join(root, "server")
        self.log_path = os.path.join(root, "server.log")
        self.proc = None
        self.address = None

    def cmd(self, *args, check=True):
        return run([self.binary, "--data", self.data, *args], check=check)

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "--data", self.data, "run", "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            raise Failure(f"server did not start: {line!r}")
        self.address = line.strip().split()[-1]
        # Keep draining stdout so the server never blocks on a full pipe.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        return self.address

    def stop(self, sig_kill=False):
        if self.proc and self.proc.poll() is None:
            if sig_kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            self.proc.wait(timeout=60)
        if getattr(self, "log", None):
            self.log.close()

    def stats(self, project):
        return json.loads(self.cmd("stats", "--project", project, "--json").stdout)

    def token(self, project, role, address):
        out = self.cmd("token", "create", "--project", project, "--role", role, "--address", address,
                       "--json").stdout
        return json.loads(out)["token"]


class Device:
    def __init__(self, binary, root, name):
        self.binary = binary
        self.home = os.path.join(root, name)
        self.env = dict(os.environ, CANVASS_HOME=self.home, CANVASS_PASSPHRASE=PASSPHRASE, NO_COLOR="1")

    def cmd(self, *args, check=True, input_text=None):
        return run([self.binary, *args], env=self.env, check=check, input_text=input_text)

    def json(self, *args):
        return json.loads(self.cmd(*args, "--json").stdout)


class Relay:
    """Forwards 127.0.0.1:<port> to a target and keeps a copy of every byte either way."""

    def __init__(self, target):
        host, port = target.rsplit(":", 1)
        self.target = (host, int(port))
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        self.captured = bytearray()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _pipe(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self.lock:
                    self.captured += data
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()


def text_fields(form):
    """Names of the form's free-text questions, at any depth."""
    names = set()

    def walk(rows):
        for row in rows:
            if row.get("type") == "text":
                names.add(row["name"])
            walk(row.get("children", []))
    walk(form["survey"])
    return names


def secrets_in(form, answers_lines, minimum=6):
    """Free-text answers of some answer sets: what must never appear in clear outside a device.
    (Choice names are left out: they are in the form, which the server publishes.)"""
    fields = text_fields(form)
    found = set()

    def walk(answers):
        for key, value in answers.items():
            if key in fields and isinstance(value, str) and len(value) >= minimum:
                found.add(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        walk(item)
    for line in answers_lines:
        walk(json.loads(line))
    return sorted(found)


def files_containing(root, needles):
    """(path, needle) for every file under root holding a needle, in UTF-8 bytes."""
    hits = []
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                data = f.read()
            for n in needles:
                if n.encode() in data:
                    hits.append((path, n))
    return hits
