"""Local servers the pulled-list tests fetch from (HL-2): an HTTPS server with a
certificate authority made for the test (cryptography), and an SFTP server (paramiko)
with its own host key. Both listen on 127.0.0.1 on a free port, in a thread, and stop
with their fixture."""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import os
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import paramiko
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

# --- certificates -------------------------------------------------------------------------


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(key, path: Path) -> Path:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return path


@dataclass
class TestPKI:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_pki(folder: Path) -> TestPKI:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (x509.CertificateBuilder().subject_name(_name("ALPR test CA")).issuer_name(_name("ALPR test CA"))
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .sign(ca_key, hashes.SHA256()))

    def issue(common_name: str, *, server: bool):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca_cert.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True))
        if server:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
        return key, builder.sign(ca_key, hashes.SHA256())

    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(pem))
    server_key, server_cert = issue("127.0.0.1", server=True)
    client_key, client_cert = issue("alpr-puller", server=False)
    (folder / "server.pem").write_bytes(server_cert.public_bytes(pem))
    (folder / "client.pem").write_bytes(client_cert.public_bytes(pem))
    return TestPKI(ca=folder / "ca.pem", server_cert=folder / "server.pem",
                   server_key=_write_key(server_key, folder / "server.key"), client_cert=folder / "client.pem",
                   client_key=_write_key(client_key, folder / "client.key"))


# --- HTTPS --------------------------------------------------------------------------------


@dataclass
class FileServer:
    """What the HTTPS server answers: `replies` (status, body) first, one per request,
    then `status` and `body`; requests without `token` (when set) get 401."""

    body: bytes = b""
    status: int = 200
    token: str = ""
    replies: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    url: str = ""


def start_https(pki: TestPKI, state: FileServer, *, require_client_cert: bool = False):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            state.requests.append({"path": self.path, "authorization": self.headers.get("Authorization", ""),
                                   "client_cert": bool(self.connection.getpeercert())})
            if state.token and self.headers.get("Authorization") != f"Bearer {state.token}":
                status, body = 401, b"unauthorized"
            elif state.replies:
                status, body = state.replies.pop(0)
            else:
                status, body = state.status, state.body
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki.server_cert, pki.server_key)
    if require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki.ca)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"https://127.0.0.1:{httpd.server_address[1]}/lists/svs.csv"
    return httpd


# --- SFTP ---------------------------------------------------------------------------------


def ed25519_key(path: Path | None = None) -> paramiko.Ed25519Key:
    """A new Ed25519 key (written to `path` in OpenSSH format when given)."""
    text = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode()
    if path is not None:
        path.write_text(text)
        path.chmod(0o600)
    return paramiko.Ed25519Key(file_obj=io.StringIO(text))


class _SFTPFiles(paramiko.SFTPServerInterface):
    """Serves the files under `root`, read-only."""

    def __init__(self, server, root, *args, **kwargs):
        super().__init__(server, *args, **kwargs)
        self.root = root

    def _real(self, path):
        return os.path.join(self.root, self.canonicalize(path).lstrip("/"))

    def stat(self, path):
        try:
            return paramiko.SFTPAttributes.from_stat(os.stat(self._real(path)))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)

    lstat = stat

    def open(self, path, flags, attr):
        try:
            handle_file = open(self._real(path), "rb")  # noqa: SIM115 (closed by the SFTP handle)
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)
        handle = paramiko.SFTPHandle(flags)
        handle.readfile, handle.filename = handle_file, self._real(path)
        return handle


@dataclass
class SFTPState:
    root: Path
    username: str
    client_key: paramiko.PKey
    host_key: paramiko.PKey
    auth_attempts: list = field(default_factory=list)
    port: int = 0


class _SSHServer(paramiko.ServerInterface):
    def __init__(self, state: SFTPState):
        self.state = state

    def get_allowed_auths(self, username):
        return "publickey"

    def check_auth_publickey(self, username, key):
        self.state.auth_attempts.append(username)
        if username == self.state.username and key == self.state.client_key:
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


def start_sftp(state: SFTPState):
    """Returns a stop() callable."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    state.port = listener.getsockname()[1]
    stopping = threading.Event()
    transports = []

    def serve():
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            transport = paramiko.Transport(conn)
            transport.add_server_key(state.host_key)
            transport.set_subsystem_handler("sftp", paramiko.SFTPServer, _SFTPFiles, str(state.root))
            try:
                transport.start_server(server=_SSHServer(state))
            except (paramiko.SSHException, EOFError, OSError):
                transport.close()
                continue
            transports.append(transport)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    def stop():
        stopping.set()
        thread.join(timeout=2)
        listener.close()
        for transport in transports:
            transport.close()

    return stop
