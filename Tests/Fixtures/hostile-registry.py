#!/usr/bin/env python3
"""A scripted, hostile registry for imggit's tests, on a loopback address only.

  hostile-registry.py HOST PORT SCENARIO LOG

HOST must be in 127.0.0.0/8. SCENARIO is a JSON file, read again on every request so a test
can change it between commands:

  {"routes": [ROUTE, ...]}

The first ROUTE whose "method" ("*" or the request's) and "path" (the request's path with its
query, exactly; or "prefix") fit answers. A ROUTE may say:
  "status": 200                      the status (default 200)
  "headers": {"K": "V"}              headers to send
  "body": "text" | "body_b64": "…"   the body (Content-Length is set unless "no_length")
  "auth": "Basic dTpw" | "Bearer T"  the Authorization the route needs; without it the answer is
                                     401 with "challenge" as WWW-Authenticate
  "drip": SECONDS                    send the body one byte at a time, SECONDS apart
  "endless": true                    after the body, send zeros until the client goes away
  "times": N                         the route answers N requests, then is skipped
  "cut": N                           send N bytes of the body, then close the connection
  "hang": SECONDS                    send nothing for SECONDS, then close (no headers at all)

Every request is appended to LOG as one JSON line: {"server": "HOST:PORT", "method",
"path", "headers": {...}, "body_length"}, so tests can see where every Authorization went.
A request no route fits gets 404 with a distribution-style error body.
"""
import base64
import http.server
import ipaddress
import json
import socketserver
import sys
import threading
import time


def main(host, port, scenario, log):
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit(f"{host} is not a loopback address")
    lock = threading.Lock()
    used = {}

    def pick(method, path):
        try:
            with open(scenario) as f:
                routes = json.load(f).get("routes", [])
        except (OSError, ValueError):
            routes = []
        with lock:
            for i, r in enumerate(routes):
                if r.get("method", "*") not in ("*", method):
                    continue
                if "path" in r and r["path"] != path:
                    continue
                if "prefix" in r and not path.startswith(r["prefix"]):
                    continue
                if "times" in r and used.get(i, 0) >= r["times"]:
                    continue
                used[i] = used.get(i, 0) + 1
                return r
        return None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length", "0") or 0)
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                length = drain_chunked(self.rfile)
            elif length:
                remaining = length
                while remaining > 0:
                    chunk = self.rfile.read(min(remaining, 1 << 16))
                    if not chunk:
                        break
                    remaining -= len(chunk)
            with lock, open(log, "a") as f:
                f.write(
                    json.dumps(
                        {
                            "server": f"{host}:{port}",
                            "method": self.command,
                            "path": self.path,
                            "headers": {k: v for k, v in self.headers.items()},
                            "body_length": length,
                        }
                    )
                    + "\n"
                )
            route = pick(self.command, self.path)
            if route is None:
                self.answer(404, {"Content-Type": "application/json"}, b'{"errors":[{"code":"NAME_UNKNOWN"}]}')
                return
            if "hang" in route:
                time.sleep(route["hang"])
                self.close_connection = True
                return
            if "auth" in route and self.headers.get("Authorization") != route["auth"]:
                headers = {"WWW-Authenticate": route.get("challenge", 'Basic realm="hostile"')}
                self.answer(401, headers, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
                return
            body = route.get("body", "").encode()
            if "body_b64" in route:
                body = base64.b64decode(route["body_b64"])
            headers = dict(route.get("headers", {}))
            self.send_response(route.get("status", 200))
            for k, v in headers.items():
                self.send_header(k, v)
            if not route.get("no_length") and not route.get("endless"):
                self.send_header("Content-Length", str(len(body)))
            else:
                self.close_connection = True
            self.end_headers()
            if self.command == "HEAD":
                return
            try:
                if "cut" in route:
                    self.wfile.write(body[: route["cut"]])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if "drip" in route:
                    for i in range(len(body)):
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(route["drip"])
                else:
                    self.wfile.write(body)
                if route.get("endless"):
                    zeros = b"\0" * 65536
                    deadline = time.time() + 120
                    while time.time() < deadline:
                        self.wfile.write(zeros)
            except OSError:
                self.close_connection = True

        def answer(self, status, headers, body):
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    Server((host, port), Handler).serve_forever()


def drain_chunked(rfile):
    total = 0
    while True:
        line = rfile.readline()
        if not line:
            return total
        size = int(line.strip().split(b";")[0] or b"0", 16)
        if size == 0:
            rfile.readline()
            return total
        remaining = size
        while remaining > 0:
            chunk = rfile.read(min(remaining, 1 << 16))
            if not chunk:
                return total
            remaining -= len(chunk)
        total += size
        rfile.readline()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
