"""Scenario-test harness: starts the real frontgate binary on port 0 and talks to it.

Frontgate(...) starts one instance (in-memory state unless db= is given), waits for the
ready line, and exposes the ports. control() calls the control API; http() sends a request
to the data-plane listener with a chosen Host. Every instance is stopped with SIGTERM in
stop() (or at the end of a `with` block), and its exit code is checked.
"""
import http.client
import http.server
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading

BIN = os.environ.get("FRONTGATE_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "frontgate")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "fixtures")


class StartError(Exception):
    def __init__(self, code, stderr):
        super().__init__(f"frontgate exited {code}: {stderr}")
        self.code = code
        self.stderr = stderr


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value) as sent
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_named(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body)


def send_raw(port, method, path, host, headers=(), body=None):
    """One request to 127.0.0.1:port with exactly these headers ((name, value) pairs,
    duplicates allowed) and Host; no Accept-Encoding added. A Response."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host)
    for k, v in headers:
        conn.putheader(k, v)
    if body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    r = conn.getresponse()
    out = Response(r.status, r.getheaders(), r.read())
    conn.close()
    return out


def request(port, method, path, body=None, headers=None, host="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    hdrs = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        body = body.encode()
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if "Host" not in hdrs:
        conn.putheader("Host", host)
    for k, v in hdrs.items():
        conn.putheader(k, v)
    if body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    r = conn.getresponse()
    out = Response(r.status, r.getheaders(), r.read())
    conn.close()
    return out


class Frontgate:
    def __init__(self, *args, db=":memory:", fixtures=(), params=None, check=True):
        self.tmp = tempfile.mkdtemp(prefix="fg-test-")
        self.ready_file = os.path.join(self.tmp, "ready.json")
        argv = [BIN, "--db", db, "--http", "127.0.0.1:0", "--https", "127.0.0.1:0",
                "--dns", "127.0.0.1:0", "--control", "127.0.0.1:0",
                "--ready-file", self.ready_file]
        for f in fixtures:
            argv += ["--fixture", f]
        for k, v in (params or {}).items():
            argv += ["--param", f"{k}={v}"]
        argv += list(args)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     cwd=self.tmp)
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read().decode()
            code = self.proc.wait()
            self.proc.stdout.close()
            self.proc.stderr.close()
            if check:
                raise StartError(code, err)
            self.ready = None
            self.exit_code, self.stderr = code, err
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        self.ready = json.loads(line)
        self.http_port = self.ready["http"]
        self.control_port = self.ready["control"]
        self.dns_port = self.ready["dns"]
        self.https_port = self.ready["https"]

    def control(self, method, path, body=None, headers=None):
        return request(self.control_port, method, path, body, headers)

    def http(self, method, path, host, body=None, headers=None):
        return request(self.http_port, method, path, body, headers, host=host)

    def deploy(self, name, template, params=None, expect=(200, 201)):
        body = {"Template": template, "Parameters": params or {}}
        r = self.control("PUT", f"/stacks/{name}", body)
        if expect and r.status not in expect:
            raise AssertionError(f"deploy {name}: {r.status} {r.body!r}")
        return r

    def stop(self):
        if self.ready is None or self.proc.poll() is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("frontgate did not stop within 20 s of SIGTERM")
        self.stderr = self.proc.stderr.read().decode()
        self.proc.stdout.close()
        self.proc.stderr.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        if code != 0:
            raise AssertionError(f"frontgate exited {code} on SIGTERM: {self.stderr}")
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# ------------------------------------------------------------------ helpers for tests
# (added for the lifecycle/state/crash tests; nothing above depends on them)

PORTS0 = ["--http", "127.0.0.1:0", "--https", "127.0.0.1:0", "--dns", "127.0.0.1:0",
          "--control", "127.0.0.1:0"]


def start_raw(args, cwd=None):
    """Starts the binary with exactly `args` (nothing added) and reads its first stdout line.
    Returns (proc, line) where line is the raw bytes of the ready line (b"" if it exited)."""
    proc = subprocess.Popen([BIN] + list(args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=cwd)
    return proc, proc.stdout.readline()


def stop_raw(proc, sig=signal.SIGTERM, timeout=20):
    """Sends sig (if still running), waits, closes the pipes. Returns (exit code, stderr)."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"frontgate did not exit within {timeout} s of signal {sig}")
    err = proc.stderr.read().decode(errors="replace")
    proc.stdout.close()
    proc.stderr.close()
    return code, err


def run_to_exit(args, cwd=None, timeout=20):
    """Runs the binary to completion (for start-up failures, --help). Returns CompletedProcess
    with text stdout/stderr."""
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


def start_ready(args, cwd=None):
    """start_raw that expects the ready line: raises StartError (with stderr) otherwise."""
    proc, line = start_raw(args, cwd)
    if not line:
        code, err = stop_raw(proc)
        raise StartError(code, err)
    return proc, line


class Origin:
    """A user's HTTP server on 127.0.0.1 (port 0) for integrations and origins: records every
    request ({"method", "path", "headers", "body"}) and answers what answer(request) returns,
    (status, [(name, value)], body) or None when answer() wrote the response itself."""

    def __init__(self):
        self.requests = []
        self.arrived = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_one(self):
                n = int(self.headers.get("Content-Length") or 0)
                req = {"method": self.command, "path": self.path,
                       "headers": list(self.headers.items()),
                       "body": self.rfile.read(n) if n else b""}
                with outer.arrived:
                    outer.requests.append(req)
                    outer.arrived.notify_all()
                out = outer.answer(req, self)
                if out is None:
                    return
                status, headers, body = out
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD" and status != 304:
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = handle_one

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client that went away (timeouts are tested)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, req, handler):
        raise NotImplementedError

    def wait_for(self, cond, timeout=20):
        """Blocks until cond(requests) holds (woken by each arriving request); False when
        timeout seconds pass first."""
        with self.arrived:
            return self.arrived.wait_for(lambda: cond(self.requests), timeout)

    def last(self):
        return self.requests[-1]

    def header(self, name, req=None):
        for k, v in (req or self.last())["headers"]:
            if k.lower() == name.lower():
                return v
        return None

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
