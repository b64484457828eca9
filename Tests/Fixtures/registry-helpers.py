#!/usr/bin/env python3
"""Servers imggit's registry tests run beside a real docker-registry, on 127.0.0.1 only.

  registry-helpers.py token-issuer PORT KEY CERT USER PASS
      A token service for distribution's `auth: token:` setup: it checks HTTP basic auth
      (USER:PASS) and answers {"token": JWT}, the JWT signed RS256 (with openssl) by KEY and
      carrying CERT in its x5c header, granting the scope that was asked for. Anonymous
      requests get a token with no access, as real token services do.

  registry-helpers.py fault-proxy PORT UPSTREAM_PORT CONTROL LOG
      A proxy in front of the registry that counts and breaks requests. Every request is
      logged to LOG as one line `METHOD PATH STATUS BYTES`. CONTROL is a JSON file read on
      every request: {"faults": [FAULT, ...]}; each blob GET takes the first fault whose
      "match" (a substring of the path, default "/blobs/") fits, and the fault is then used
      up (unless "times" says how often). A FAULT is one of
        {"status": 503, "retry_after": 1}   answer with that status (also 500, 429)
        {"cut_after": N}                    send N bytes of the body, then drop the connection
        {"ignore_range": true}              forward without the Range header (a 200, whole)
        {"corrupt": true}                   flip one byte in the middle of the body
        {"trickle": SECONDS}                send the headers, then nothing for SECONDS
        {"rate": BYTES_PER_SECOND}          send the body no faster than that
"""
import base64
import http.client
import http.server
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_issuer(port, key, cert, user, password):
    with open(cert) as f:
        pem = f.read()
    der = base64.b64decode("".join(l for l in pem.splitlines() if "CERTIFICATE" not in l))

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            auth = self.headers.get("Authorization", "")
            authed = False
            if auth.startswith("Basic "):
                u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
                if (u, p) != (user, password):
                    self.send_response(401)
                    self.end_headers()
                    return
                authed = True
            access = []
            for scope in query.get("scope", []):
                kind, name, actions = scope.split(":")
                access.append({"type": kind, "name": name, "actions": actions.split(",") if authed else []})
            now = int(time.time())
            header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
            claims = {
                "iss": "imggit-test-issuer",
                "sub": user if authed else "",
                "aud": query.get("service", [""])[0],
                "exp": now + 600,
                "nbf": now - 10,
                "iat": now,
                "jti": os.urandom(8).hex(),
                "access": access,
            }
            signing = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
            with tempfile.NamedTemporaryFile() as f:
                f.write(signing)
                f.flush()
                sig = subprocess.run(
                    ["openssl", "dgst", "-sha256", "-sign", key, f.name], check=True, capture_output=True
                ).stdout
            token = signing.decode() + "." + b64url(sig)
            body = json.dumps({"token": token, "expires_in": 600}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    serve(port, Handler)


def fault_proxy(port, upstream_port, control, log):
    lock = threading.Lock()
    used = {}

    def take_fault(path):
        try:
            with open(control) as f:
                faults = json.load(f).get("faults", [])
        except (OSError, ValueError):
            return None
        with lock:
            for i, fault in enumerate(faults):
                if fault.get("match", "/blobs/") not in path:
                    continue
                if used.get(i, 0) >= fault.get("times", 1):
                    continue
                used[i] = used.get(i, 0) + 1
                return fault
        return None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def record(self, status, sent):
            with lock, open(log, "a") as f:
                f.write(f"{self.command} {self.path} {status} {sent}\n")

        def handle_any(self):
            length = int(self.headers.get("Content-Length", "0") or 0)
            chunked = self.headers.get("Transfer-Encoding", "").lower() == "chunked"
            body = self.rfile.read(length) if length else (read_chunked(self.rfile) if chunked else b"")
            fault = take_fault(self.path) if self.command == "GET" and "/blobs/sha256:" in self.path else None
            if fault and "status" in fault:
                msg = b'{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}'
                self.send_response(fault["status"])
                if "retry_after" in fault:
                    self.send_header("Retry-After", str(fault["retry_after"]))
                self.send_header("Content-Length", str(len(msg)))
                self.end_headers()
                self.wfile.write(msg)
                self.record(fault["status"], 0)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "transfer-encoding")}
            if fault and fault.get("ignore_range"):
                headers.pop("Range", None)
            if chunked:
                headers["Content-Length"] = str(len(body))
            up = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
            up.request(self.command, self.path, body=body if body else None, headers=headers)
            resp = up.getresponse()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() in ("transfer-encoding", "connection"):
                    continue
                if k.lower() == "location":
                    v = v.replace(f"127.0.0.1:{upstream_port}", f"127.0.0.1:{port}")
                self.send_header(k, v)
            if resp.getheader("Content-Length") is None:
                data = resp.read()
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.record(resp.status, len(data))
                return
            self.end_headers()
            if self.command == "HEAD":
                self.record(resp.status, 0)
                return
            total = int(resp.getheader("Content-Length"))
            sent = 0
            if fault and "trickle" in fault:
                self.wfile.flush()
                time.sleep(fault["trickle"])
                self.record(resp.status, 0)
                self.close_connection = True
                return
            corrupt_at = total // 2 if fault and fault.get("corrupt") else -1
            cut = fault.get("cut_after") if fault else None
            while sent < total:
                chunk = resp.read(min(65536, total - sent))
                if not chunk:
                    break
                if corrupt_at >= sent and corrupt_at < sent + len(chunk):
                    b = bytearray(chunk)
                    b[corrupt_at - sent] ^= 0xFF
                    chunk = bytes(b)
                if cut is not None and sent + len(chunk) > cut:
                    chunk = chunk[: cut - sent]
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    self.wfile.flush()
                    self.record(resp.status, sent)
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                try:
                    self.wfile.write(chunk)
                except OSError:
                    self.record(resp.status, sent)
                    self.close_connection = True
                    return
                sent += len(chunk)
                if fault and "rate" in fault:
                    self.wfile.flush()
                    time.sleep(len(chunk) / fault["rate"])
            self.record(resp.status, sent)

        do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any

    serve(port, Handler)


def read_chunked(rfile):
    out = b""
    while True:
        size = int(rfile.readline().strip(), 16)
        if size == 0:
            rfile.readline()
            return out
        out += rfile.read(size)
        rfile.readline()


def serve(port, handler):
    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    Server(("127.0.0.1", port), handler).serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "token-issuer":
        token_issuer(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])
    elif sys.argv[1] == "fault-proxy":
        fault_proxy(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
