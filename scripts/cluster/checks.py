#!/usr/bin/env python3
"""The checks of scripts/test-cluster, against three running instances and
nginx in front of them. Standard library only: http.client with a small
cookie jar, a minimal WebSocket client on a raw socket, a fake
OpenAI-compatible ASR server whose answer can be slowed down, psql for the
database's side of the story. Each check prints what it did and what it saw;
the exit status is the number of failed checks (capped at 100)."""

import argparse
import base64
import http.client
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WAV = (b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\x80\x3e\0\0"
       b"\x02\0\x10\0data\0\0\0\0")
TRANSCRIPT = b"We agreed to ship the cluster test.\nCarol will write the docs by Monday.\n"
PASSWORD = "{}-password-cluster"

args = None
failures = []


def say(msg):
    print(f"    {msg}", flush=True)


def expect(ok, what):
    print(f"    [{'ok' if ok else 'FAIL'}] {what}", flush=True)
    if not ok:
        failures.append(what)
    return ok


# --- HTTP -----------------------------------------------------------------

class Browser:
    """Cookies and the CSRF token of one browser, usable on any instance."""

    def __init__(self, name):
        self.name = name
        self.cookies = {}
        self.csrf = None

    def request(self, base, method, path, body=None, headers=None, timeout=30):
        url = urllib.parse.urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        h = {"Origin": args.lb, "Connection": "close"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        started = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=h)
            res = conn.getresponse()
            data = res.read()
        finally:
            conn.close()
        for header in res.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in header or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = None
        return res.status, parsed, time.monotonic() - started

    def session(self, base):
        status, body, _ = self.request(base, "GET", "/api/session")
        if status == 200:
            self.csrf = body["csrf_token"]
        return status, body

    def login(self, base, user):
        self.session(base)
        status, body, _ = self.request(base, "POST", "/api/auth/login",
                                       {"username": user, "password": PASSWORD.format(user)})
        self.session(base)
        return status

    def upload(self, base, filename, content_type, data, timeout=30):
        boundary = uuid.uuid4().hex
        body = multipart(boundary, filename, content_type, data)
        return self.request(base, "POST", "/api/upload", body,
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
                            timeout=timeout)


def multipart(boundary, filename, content_type, data):
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode()


# --- WebSocket ------------------------------------------------------------

class Socket:
    """A WebSocket client that collects text messages in a thread."""

    def __init__(self, browser, base, path):
        url = urllib.parse.urlsplit(base)
        self.where = f"{path} on {base}"
        self.sock = socket.create_connection((url.hostname, url.port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\nOrigin: {args.lb}\r\n"
                           f"Cookie: {cookie}\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise OSError("connection closed during the handshake")
            head += chunk
        status = head.split(b"\r\n", 1)[0].decode()
        if " 101 " not in status:
            raise OSError(f"handshake answered {status}")
        self.sock.settimeout(None)
        self.messages = []
        self.closed = None
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise OSError("eof")
            buf += chunk
        return buf

    def _read(self):
        try:
            while True:
                b0, b1 = self._exact(2)
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack(">H", self._exact(2))[0]
                elif n == 127:
                    n = struct.unpack(">Q", self._exact(8))[0]
                payload = self._exact(n)
                op = b0 & 0x0F
                if op == 1:
                    with self.cond:
                        self.messages.append(json.loads(payload))
                        self.cond.notify_all()
                elif op == 8:
                    code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None
                    with self.cond:
                        self.closed = (code, payload[2:].decode(errors="replace"))
                        self.cond.notify_all()
                    return
                elif op == 9:
                    self._send(0xA, payload)
        except OSError:
            with self.cond:
                self.closed = self.closed or ("eof", "")
                self.cond.notify_all()

    def _send(self, op, payload):
        mask = os.urandom(4)
        frame = bytes([0x80 | op, 0x80 | len(payload)]) + mask
        frame += bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(frame)

    def wait_for(self, pred, timeout):
        """The first message matching `pred`, or None after `timeout`."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for m in self.messages:
                    if pred(m):
                        return m
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self.cond.wait(left)

    def wait_closed(self, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self.closed and time.monotonic() < deadline:
                self.cond.wait(deadline - time.monotonic())
            return self.closed

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- The fake ASR server --------------------------------------------------

class Asr:
    delay = 0.0
    requests = 0
    lock = threading.Lock()


class AsrHandler(BaseHTTPRequestHandler):
    def log_message(self, *_):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with Asr.lock:
            Asr.requests += 1
        time.sleep(Asr.delay)
        body = json.dumps({"text": "", "language": "en", "segments": [
            {"start": 0.0, "end": 4.0, "text": "We agreed to run three instances."},
            {"start": 4.0, "end": 8.0, "text": "Carol will watch the load balancer."},
        ]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the instance that asked was killed


# --- Processes, database and bucket ---------------------------------------

def pid(name):
    with open(os.path.join(args.state, f"{name}.pid")) as f:
        return int(f.read())


def start(name):
    subprocess.run([os.path.join(args.state, f"{name}.sh")], check=True)


def alive(p):
    try:
        os.kill(p, 0)
        return True
    except ProcessLookupError:
        return False


def wait_ready(base, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Browser("probe").request(base, "GET", "/readyz", timeout=5)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def sql(query):
    out = subprocess.run(["psql", args.database_url, "-Atqc", query],
                         check=True, capture_output=True, text=True).stdout
    return out.strip()


def bucket(query):
    url = urllib.parse.urlsplit(args.s3)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", f"{url.path}?{query}")
    data = conn.getresponse().read().decode()
    conn.close()
    return data


def objects():
    return set(re.findall(r"<Key>([^<]+)</Key>", bucket("list-type=2")))


def multipart_uploads():
    return len(re.findall(r"<Upload>", bucket("uploads")))


def instance_of_worker(worker):
    for name in args.instances:
        with open(os.path.join(args.state, f"{name}.log"), errors="replace") as f:
            if worker in f.read():
                return name
    return None


def wait_task(browser, task_id, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = sql(f"SELECT status FROM tasks WHERE id = '{task_id}'")
        if status in ("completed", "failed"):
            return status
        time.sleep(0.5)
    return sql(f"SELECT status FROM tasks WHERE id = '{task_id}'")


def revisions(task_id):
    return int(sql(f"SELECT count(*) FROM minutes_revisions WHERE task_id = '{task_id}'"))


# --- The checks -----------------------------------------------------------

def check_sessions(a, b, c):
    alice = Browser("alice")
    expect(alice.login(a, "alice") == 200, "alice logs in on A")
    for name, base in (("B", b), ("C", c)):
        status, body, _ = alice.request(base, "GET", "/api/auth/me")
        expect(status == 200 and body["username"] == "alice",
               f"A's session works on {name}: GET /api/auth/me → {status}")
    before = dict(alice.cookies)
    status, _, _ = alice.request(b, "POST", "/api/session/refresh")
    rotated = alice.cookies.get("rt") != before.get("rt") and alice.cookies.get("sid") != before.get("sid")
    expect(status == 200 and rotated, f"refresh on B → {status}, new sid and rt: {rotated}")
    status, _, _ = alice.request(c, "GET", "/api/auth/me")
    expect(status == 200, f"the pair rotated on B is honoured on C → {status}")

    other = Browser("alice-2")
    other.login(b, "alice")
    _, body, _ = other.request(b, "GET", "/api/sessions")
    mine = next(s["id"] for s in body["sessions"] if s["current"])
    status, _, _ = alice.request(a, "DELETE", f"/api/sessions/{mine}")
    expect(status == 204, f"alice revokes her second browser's series on A → {status}")
    for name, base in (("B", b), ("C", c)):
        status, _, _ = other.request(base, "GET", "/api/auth/me")
        expect(status == 401, f"the revoked browser is refused on {name} at once → {status}")
    return alice


def check_progress(alice, a, b):
    events = Socket(alice, b, "/ws")
    Asr.delay = 2
    status, task, _ = alice.upload(a, "call.wav", "audio/wav", WAV)
    expect(status == 201, f"audio upload on A → {status}")
    task_id = task["task_id"]
    watch = Socket(alice, b, f"/ws/{task_id}")
    first = watch.wait_for(lambda m: True, 10)
    say(f"/ws/{task_id[:8]}… on B, first message: {first and (first['status'], first['stage'])}")
    done = watch.wait_for(lambda m: m.get("status") == "completed", 30)
    closed = watch.wait_closed(5)
    seen = [(m["status"], m["stage"]) for m in watch.messages]
    expect(done is not None and closed and closed[0] == 1000,
           f"the task socket on B saw {seen}, closed {closed}")
    got = events.wait_for(lambda m: m.get("task_id") == task_id and m.get("status") == "completed", 10)
    seen = [(m["status"], m["stage"]) for m in events.messages if m.get("task_id") == task_id]
    expect(got is not None, f"the event socket /ws on B saw {seen}")
    events.close()
    Asr.delay = 0


def check_sharing(alice, a, b, c):
    bob = Browser("bob")
    bob.login(c, "bob")
    events = Socket(bob, c, "/ws")
    status, task, _ = alice.upload(a, "notes.txt", "text/plain", TRANSCRIPT)
    task_id = task["task_id"]
    wait_task(alice, task_id, 20)
    status, _, _ = alice.request(a, "PUT", f"/api/tasks/{task_id}/shares/bob", {"permission": "view"})
    expect(status == 200, f"alice shares a task with bob on A → {status}")
    got = events.wait_for(lambda m: m == {"type": "task_shared", "task_id": task_id}, 5)
    expect(got is not None, f"bob's event socket on C got task_shared: {got}")
    status, _, _ = bob.request(b, "GET", f"/api/tasks/{task_id}")
    expect(status == 200, f"bob reads the shared task on B → {status}")
    status, _, _ = alice.request(a, "DELETE", f"/api/tasks/{task_id}/shares/bob")
    expect(status == 204, f"alice revokes the share on A → {status}")
    got = events.wait_for(lambda m: m == {"type": "access_lost", "task_id": task_id}, 5)
    expect(got is not None, f"bob's event socket on C got access_lost: {got}")
    status, _, _ = bob.request(c, "GET", f"/api/tasks/{task_id}")
    expect(status == 404, f"bob reads the task on C after the revocation → {status}")
    events.close()


def check_kill_worker(alice):
    Asr.delay = 15
    asked = Asr.requests
    status, task, _ = alice.upload(args.lb, "long.wav", "audio/wav", WAV)
    expect(status == 201, f"a slow audio upload through nginx → {status}")
    task_id = task["task_id"]
    worker, deadline = "", time.monotonic() + 15
    while not worker and time.monotonic() < deadline:
        worker = sql(f"SELECT coalesce(locked_by, '') FROM jobs WHERE task_id = '{task_id}'")
        time.sleep(0.2)
    victim = instance_of_worker(worker) if worker else None
    if not expect(victim is not None, f"the job is claimed by worker {worker or '-'} on {victim}"):
        return
    time.sleep(1)
    killed_at = time.monotonic()
    os.kill(pid(victim), signal.SIGKILL)
    say(f"kill -9 instance {victim} while its ASR request sleeps")
    Asr.delay = 2
    status = wait_task(alice, task_id, 90)
    took = time.monotonic() - killed_at
    claims = sql(f"SELECT count(*) FROM jobs WHERE task_id = '{task_id}'")
    expect(status == "completed", f"the task completes {took:.0f} s after the kill (lease 30 s): {status}")
    expect(revisions(task_id) == 1 and claims == "0",
           f"completed exactly once: {revisions(task_id)} minutes revision, {claims} job rows left, "
           f"{Asr.requests - asked} ASR requests (the killed one and the reclaimed one)")
    start(victim)
    expect(wait_ready(args.urls[victim]), f"instance {victim} restarted and ready")
    Asr.delay = 0


def check_pg_restart(alice):
    results, stop = [], threading.Event()
    phase = {"now": "before"}

    def load(n):
        while not stop.is_set():
            who = Browser(f"load-{n}")
            try:
                status, body, took = who.upload(args.lb, f"load-{n}.txt", "text/plain", TRANSCRIPT)
            except OSError as e:
                status, body, took = f"error {e}", None, 0
            task_id = body.get("task_id") if status == 201 else None
            code = (body or {}).get("error", {}).get("code") if status != 201 else None
            results.append((phase["now"], status, took, task_id, code))
            time.sleep(0.2)

    before = int(sql("SELECT count(*) FROM tasks"))
    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(3)
    subprocess.run([os.path.join(args.state, "pg-stop.sh")], check=True)
    phase["now"] = "down"
    say("PostgreSQL stopped under load (4 uploaders through nginx)")
    direct = []
    for name, base in args.urls.items():
        try:
            status, body, took = alice.request(base, "GET", "/api/tasks", timeout=30)
            direct.append((name, status, body and body["error"]["code"], round(took, 1)))
        except OSError as e:
            direct.append((name, f"error {e}", None, 0))
    time.sleep(4)
    phase["now"] = "restarting"
    subprocess.run([os.path.join(args.state, "pg-start.sh")], check=True)
    say("PostgreSQL started again")
    time.sleep(5)
    phase["now"] = "after"
    time.sleep(3)
    stop.set()
    for t in threads:
        t.join()

    down = [r for r in results if r[0] == "down"]
    slowest = max((r[2] for r in down), default=0)
    expect(down and all(r[1] == 503 for r in down) and slowest <= 7,
           f"while down: {len(down)} uploads, answers {sorted({str(r[1]) for r in down})}, "
           f"codes {sorted({str(r[4]) for r in down})}, slowest {slowest:.1f} s")
    expect(all(d[1] == 503 for d in direct), f"GET /api/tasks on each instance while down: {direct}")
    ready = {name: wait_ready(base, 30) for name, base in args.urls.items()}
    expect(all(ready.values()), f"every instance ready again on its own: {ready}")
    after = [r for r in results if r[0] == "after"]
    expect(after and all(r[1] == 201 for r in after),
           f"after the restart: {len(after)} uploads, answers {sorted({str(r[1]) for r in after})}")
    accepted = [r[3] for r in results if r[1] == 201]
    refused = [r for r in results if r[1] != 201]
    time.sleep(1)
    for task_id in accepted:
        wait_task(alice, task_id, 30)
    rows = sql("SELECT id || ' ' || status FROM tasks ORDER BY upload_timestamp").splitlines()[before:]
    statuses = dict(line.split(" ") for line in rows)
    lost = [t for t in accepted if statuses.get(t) != "completed"]
    expect(not lost, f"{len(accepted)} accepted uploads, all completed: lost or unfinished {lost}")
    expect(len(rows) == len(accepted),
           f"{len(rows)} new task rows for {len(accepted)} accepted and {len(refused)} refused uploads")
    twice = sql("SELECT count(*) FROM (SELECT task_id FROM minutes_revisions "
                "GROUP BY task_id HAVING count(*) > 1) t")
    expect(twice == "0", f"tasks with more than one minutes revision: {twice}")

    sockets = {name: Socket(alice, base, "/ws") for name, base in args.urls.items()}
    status, task, _ = alice.upload(args.lb, "after.txt", "text/plain", TRANSCRIPT)
    heard = {name: s.wait_for(lambda m: m.get("task_id") == task["task_id"]
                              and m.get("status") == "completed", 15) is not None
             for name, s in sockets.items()}
    expect(all(heard.values()), f"LISTEN again on every instance: event sockets saw completion {heard}")
    for s in sockets.values():
        s.close()


def check_sigterm_mid_upload(alice):
    victim = args.instances[-1]
    base = urllib.parse.urlsplit(args.urls[victim])
    tasks_before, objects_before = sql("SELECT count(*) FROM tasks"), objects()
    boundary = uuid.uuid4().hex
    size = 20 * 1024 * 1024
    body = multipart(boundary, "big.wav", "audio/wav", WAV + bytes(size))
    sock = socket.create_connection((base.hostname, base.port), timeout=30)
    cookie = "; ".join(f"{k}={v}" for k, v in alice.cookies.items())
    sock.sendall((f"POST /api/upload HTTP/1.1\r\nHost: {base.netloc}\r\nOrigin: {args.lb}\r\n"
                  f"Cookie: {cookie}\r\nX-CSRF-Token: {alice.csrf}\r\n"
                  f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                  f"Content-Length: {len(body)}\r\n\r\n").encode())
    sent = 12 * 1024 * 1024
    sock.sendall(body[:sent])
    time.sleep(1)
    in_flight = multipart_uploads()
    p = pid(victim)
    os.kill(p, signal.SIGTERM)
    say(f"sent {sent >> 20} MiB of {len(body) >> 20} MiB to {victim} "
        f"({in_flight} S3 multipart upload in progress), then SIGTERM, then the client stalls")
    stopped_at = time.monotonic()
    try:
        answer = sock.recv(4096).split(b"\r\n", 1)[0].decode() or "connection closed"
    except OSError as e:
        answer = f"error {e}"
    sock.close()
    while alive(p) and time.monotonic() - stopped_at < 30:
        time.sleep(0.2)
    took = time.monotonic() - stopped_at
    expect(not alive(p), f"{victim} answered {answer!r} and exited {took:.1f} s after SIGTERM")
    time.sleep(1)
    expect(sql("SELECT count(*) FROM tasks") == tasks_before, "no task row was written")
    expect(objects() == objects_before and multipart_uploads() == 0,
           f"no object and no multipart upload left: {len(objects() - objects_before)} new objects, "
           f"{multipart_uploads()} multipart uploads")
    start(victim)
    expect(wait_ready(args.urls[victim]), f"instance {victim} restarted and ready")


def check_s3_away(alice):
    tasks_before = sql("SELECT count(*) FROM tasks")
    os.kill(pid("moto"), signal.SIGKILL)
    say("the S3 server (moto) is killed")
    codes = []
    for n in range(3):
        status, body, took = alice.upload(args.lb, "away.txt", "text/plain", TRANSCRIPT, timeout=60)
        codes.append((status, body and body.get("error", {}).get("code"), round(took, 1)))
    expect(all(c[0] == 503 for c in codes), f"uploads while S3 is away: {codes}")
    expect(sql("SELECT count(*) FROM tasks") == tasks_before, "no task row was written")
    start("moto")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            url = urllib.parse.urlsplit(args.s3)
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=2)
            conn.request("PUT", url.path)
            conn.getresponse().read()
            break
        except OSError:
            time.sleep(0.2)
    say("moto started again (empty: it keeps objects in memory) and the bucket created")
    status, task, _ = alice.upload(args.lb, "back.txt", "text/plain", TRANSCRIPT)
    done = status == 201 and wait_task(alice, task["task_id"], 20)
    expect(done == "completed", f"an upload after S3 is back → {status}, task {done}")
    expect(len(objects()) == 1,
           f"the bucket holds exactly that upload: {len(objects())} object(s)")


def main():
    global args
    parser = argparse.ArgumentParser()
    parser.add_argument("--lb", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--s3", required=True, help="the bucket's URL")
    parser.add_argument("--asr-port", type=int, required=True)
    parser.add_argument("instance", nargs=3, help="NAME=URL")
    args = parser.parse_args()
    args.urls = dict(i.split("=", 1) for i in args.instance)
    args.instances = list(args.urls)
    server = ThreadingHTTPServer(("127.0.0.1", args.asr_port), AsrHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    a, b, c = args.urls.values()

    checks = [
        ("sessions across instances", lambda: check_sessions(a, b, c)),
        ("progress reaches sockets on another instance", lambda: check_progress(alice, a, b)),
        ("sharing and its revocation reach another instance", lambda: check_sharing(alice, a, b, c)),
        ("kill -9 of the instance running a job", lambda: check_kill_worker(alice)),
        ("PostgreSQL restarted under load", lambda: check_pg_restart(alice)),
        ("SIGTERM mid-upload", lambda: check_sigterm_mid_upload(alice)),
        ("the S3 server away", lambda: check_s3_away(alice)),
    ]
    alice = None
    for title, check in checks:
        print(f"--- {title}", flush=True)
        started = time.monotonic()
        try:
            result = check()
            if alice is None:
                alice = result
        except Exception as e:  # a crashed check is a failed check; go on with the next
            expect(False, f"{title}: {type(e).__name__}: {e}")
        say(f"({time.monotonic() - started:.1f} s)")
    print(f"--- {len(failures)} failed" + "".join(f"\n    {f}" for f in failures), flush=True)
    sys.exit(min(len(failures), 100))


if __name__ == "__main__":
    main()
