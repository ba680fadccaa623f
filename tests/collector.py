"""A minimal collector for tests: HTTPS on 127.0.0.1 with a self-signed
certificate made on the spot, following docs/sync-protocol.md.

It keeps the newest revision of each site's month, checks the Ed25519
signature against the registered key, and can be told to fail.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import re
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from schoolintake.sitekey import verify

_PATH = re.compile(r"^/api/v1/sites/([0-9]{2}[KMQRX][0-9]{3})/reports/([0-9]{4}-[0-9]{2})$")


def self_signed(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) PEM files for 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test collector")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "collector.pem", directory / "collector.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Collector:
    url: str
    cert: Path
    #: site → registered public key (raw bytes)
    keys: dict[str, bytes] = field(default_factory=dict)
    #: (site, period) → (revision, payload document)
    stored: dict[tuple[str, str], tuple[int, dict]] = field(default_factory=dict)  # type: ignore[type-arg]
    requests: list[tuple[str, str]] = field(default_factory=list)
    #: answer this status to the next requests (then normal service)
    fail_next: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, path: str, body: bytes) -> tuple[int, dict]:  # type: ignore[type-arg]
        with self.lock:
            self.requests.append((method, path))
            if self.fail_next:
                return self.fail_next.pop(0), {"error": "try later"}
            match = _PATH.match(path)
            if method != "PUT" or not match:
                return 404, {"error": "no such resource"}
            site, period = match.groups()
            try:
                envelope = json.loads(body)
                payload = envelope["payload"].encode("ascii")
                signature = base64.b64decode(envelope["signature"])
                document = json.loads(payload)
            except (ValueError, KeyError):
                return 400, {"error": "not a signed report"}
            key = self.keys.get(site)
            if key is None:
                return 403, {"error": "unknown site; register its key"}
            if base64.b64decode(envelope["public_key"]) != key or not verify(key, payload, signature):
                return 401, {"error": "bad signature"}
            if document["site"]["doe_code"] != site or document["period"] != period:
                return 400, {"error": "URL and report disagree"}
            revision = document["revision"]
            held = self.stored.get((site, period))
            if held is not None and held[0] > revision:
                return 409, {"error": "a newer revision is held", "revision": held[0]}
            if held is not None and held[0] == revision:
                return 200, {"status": "unchanged", "revision": revision}
            self.stored[site, period] = (revision, document)
            return 201, {"status": "stored", "revision": revision}


@contextmanager
def running_collector(directory: Path) -> Iterator[Collector]:
    cert, key = self_signed(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # a stuck client cannot hold the test

        def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer("PUT")

        def do_GET(self) -> None:  # noqa: N802
            self._answer("GET")

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            status, body = collector.handle(method, self.path, self.rfile.read(length))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    collector = Collector(f"https://127.0.0.1:{server.server_address[1]}", cert)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield collector
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
