"""The files the production guide installs: systemd units, the nginx site and the Caddyfile.

systemd-analyze loads every unit as systemd would. The checks of what each file must say run
everywhere, so a site that parses but lets query strings into a log, appends to X-Forwarded-For
or serves documents fails. Where nginx or Caddy is installed, it checks its site and serves it in
front of a stand-in app server that answers with the headers it received.
"""

from __future__ import annotations

import http.client
import http.server
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "docs" / "deploy"
GUIDE = ROOT / "docs" / "production.md"
UNITS = sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])
NGINX = DEPLOY / "nginx-confide.conf"
CADDY = DEPLOY / "Caddyfile"
# Timers on the server and the command each one's service runs.
SERVER_TIMERS = {
    "confide-backup": "manage.py backup",
    "confide-clearsessions": "manage.py clearsessions",
    "confide-audit-verify": "manage.py audit_verify",
}
DOCUMENT_LIMIT_MB = 10  # confide.clients.models.Document.MAX_BYTES

Unit = dict[str, dict[str, list[str]]]


def parse_unit(path: Path) -> Unit:
    """Return section -> key -> values; systemd allows a key more than once."""
    unit: Unit = defaultdict(lambda: defaultdict(list))
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        assert section, f"{path.name}: {line!r} before any section"
        unit[section][key.strip()].append(value.strip())
    return unit


def one(unit: Unit, section: str, key: str) -> str:
    values = unit[section][key]
    assert len(values) == 1, f"[{section}] {key}: expected one value, found {values}"
    return values[0]


def test_every_unit_loads_cleanly_in_systemd(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail(
            "systemd-analyze is missing; it comes with systemd (apt-get install systemd) and "
            "checks the units in docs/deploy as systemd would load them"
        )
    # The programs the units start must exist and be executable, or systemd-analyze says so:
    # give each one missing here a stand-in under the temporary folder, at the same path.
    sandbox = tmp_path / "root"
    copies = []
    for unit in UNITS:
        text = unit.read_text()
        for program in sorted(set(re.findall(r"^Exec\w*=[-@:+!]*(/\S+)", text, re.M))):
            if Path(program).exists():
                continue
            stand_in = sandbox / program.lstrip("/")
            stand_in.parent.mkdir(parents=True, exist_ok=True)
            stand_in.write_text("#!/bin/sh\n")
            stand_in.chmod(0o755)
            text = re.sub(rf"(?<=[=]){re.escape(program)}(?=\s)", str(stand_in), text)
        copy = tmp_path / unit.name
        copy.write_text(text)
        copies.append(str(copy))
    result = subprocess.run(
        [analyze, "verify", *copies], capture_output=True, text=True, timeout=60, check=False
    )
    # Unknown keys and unparsable values are only warnings to systemd: any output is a failure.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_app_server_unit() -> None:
    unit = parse_unit(DEPLOY / "confide.service")
    service = unit["Service"]
    command = one(unit, "Service", "ExecStart")
    assert command.startswith("/srv/confide/current/.venv/bin/gunicorn confide.wsgi ")
    for option in ("--config gunicorn.conf.py", "--bind 127.0.0.1:8000", "--no-control-socket"):
        assert option in command
    assert one(unit, "Service", "Type") == "notify"  # gunicorn tells systemd when it is up
    assert one(unit, "Service", "Restart") == "on-failure"
    assert_runs_as_the_app(unit)
    assert service["ReadWritePaths"] == ["/srv/confide/var /srv/confide/media"]
    assert one(unit, "Install", "WantedBy") == "multi-user.target"


def test_the_worker_unit() -> None:
    unit = parse_unit(DEPLOY / "confide-worker@.service")
    command = one(unit, "Service", "ExecStart")
    assert command.startswith("/srv/confide/current/.venv/bin/python manage.py confide_worker ")
    assert "--no-reload" in command
    assert one(unit, "Service", "Restart") == "on-failure"
    # It finishes the message in hand on SIGTERM: a slow mail server may take most of a minute.
    assert int(one(unit, "Service", "TimeoutStopSec")) >= 60
    assert one(unit, "Service", "KillMode") == "mixed"  # SIGTERM to the worker alone first
    assert_runs_as_the_app(unit)
    assert unit["Service"]["ReadWritePaths"] == ["/srv/confide/var /srv/confide/media"]


def assert_runs_as_the_app(unit: Unit) -> None:
    assert one(unit, "Service", "User") == "confide"
    assert one(unit, "Service", "WorkingDirectory") == "/srv/confide/current"
    assert unit["Service"]["EnvironmentFile"] == ["/etc/confide/env"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "UMask": "0077",
    }.items():
        assert one(unit, "Service", key) == value, key


@pytest.mark.parametrize("name", sorted(SERVER_TIMERS))
def test_each_server_timer_starts_its_command(name: str) -> None:
    service = parse_unit(DEPLOY / f"{name}.service")
    timer = parse_unit(DEPLOY / f"{name}.timer")
    assert one(service, "Service", "Type") == "oneshot"
    assert one(service, "Service", "ExecStart") == (
        f"/srv/confide/current/.venv/bin/python {SERVER_TIMERS[name]}"
    )
    assert_runs_as_the_app(service)
    # The backup writes under var/ (BACKUP_DIR); nothing else may be written.
    assert service["Service"]["ReadWritePaths"] == ["/srv/confide/var"]
    # A failed backup or a broken audit chain is mailed, not left in the journal alone.
    assert one(service, "Unit", "OnFailure") == "confide-failure@%n.service"
    assert one(timer, "Timer", "OnCalendar")
    assert one(timer, "Timer", "Persistent") == "true"  # a run missed while down happens at boot
    assert one(timer, "Install", "WantedBy") == "timers.target"


def test_the_failure_mail_and_the_drill_from_elsewhere() -> None:
    failure = parse_unit(DEPLOY / "confide-failure@.service")
    assert "/usr/sbin/sendmail -t" in one(failure, "Service", "ExecStart")
    drill = parse_unit(DEPLOY / "confide-drill.service")
    command = one(drill, "Service", "ExecStart")
    assert command.startswith("/usr/bin/ssh -o BatchMode=yes root@practice.example.org ")
    # As the owner role (migrate.env too): the drill creates and drops a database.
    assert command.endswith(" OWNER=1 /usr/local/bin/confide-manage restore_drill --identity -")
    # The identity goes over SSH on standard input; it is never stored on the server.
    assert one(drill, "Service", "StandardInput").startswith("file:%h/")
    assert "--identity /" not in command
    timer = parse_unit(DEPLOY / "confide-drill.timer")
    assert one(timer, "Timer", "Persistent") == "true"


def test_confide_manage_runs_manage_py_as_the_app(tmp_path: Path) -> None:
    """It hands systemd-run the user, the release and the environment files, and no secret."""
    fake = tmp_path / "systemd-run"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    fake.chmod(0o755)
    script = DEPLOY / "confide-manage"
    assert script.stat().st_mode & 0o111, "confide-manage must be executable"

    def run(*args: str, **environment: str) -> list[str]:
        result = subprocess.run(
            ["/bin/sh", str(script), *args], capture_output=True, text=True, timeout=30,
            check=True, stdin=subprocess.DEVNULL,
            env={"PATH": f"{tmp_path}:/usr/bin:/bin", **environment},
        )  # fmt: skip
        return result.stdout.splitlines()

    common = ["--pipe", "--wait", "--quiet", "--collect", "--uid=confide"]
    assert run("check", "--deploy") == [
        *common,
        "--working-directory=/srv/confide/current",
        "--property=EnvironmentFile=/etc/confide/env",
        "/srv/confide/current/.venv/bin/python", "manage.py", "check", "--deploy",
    ]  # fmt: skip
    assert run("migrate", OWNER="1", RELEASE="/srv/confide/releases/2") == [
        *common,
        "--working-directory=/srv/confide/releases/2",
        "--property=EnvironmentFile=/etc/confide/env",
        "--property=EnvironmentFile=/etc/confide/migrate.env",
        "/srv/confide/releases/2/.venv/bin/python", "manage.py", "migrate",
    ]  # fmt: skip


def nginx_blocks(text: str, opening: str) -> list[tuple[str, str]]:
    """Return each block opened by ``opening`` (a regular expression): its name and body."""
    text = re.sub(r"#[^\n]*", "", text)
    blocks = []
    for match in re.finditer(rf"({opening})\s*\{{", text):
        depth, end = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        blocks.append((" ".join(match.group(1).split()), text[match.end() : end - 1]))
    return blocks


def directives(text: str) -> list[str]:
    """Return every directive and block opening, spaces made single."""
    text = re.sub(r"#[^\n]*", "", text)
    return [" ".join(part.split()) for part in re.split(r"[;{}]", text) if part.strip()]


def test_nginx_site_structure() -> None:
    text = NGINX.read_text()
    lines = directives(text)
    (_, plain), (_, tls) = nginx_blocks(text, r"server")
    assert "listen 80" in directives(plain)
    assert dict(nginx_blocks(plain, r"location\s+\S+")) == {
        "location /.well-known/acme-challenge/": "\n        root /var/www/letsencrypt;\n    ",
        "location /": "\n        return 301 https://$host$request_uri;\n    ",
    }  # certbot's webroot, and everything else to HTTPS
    blocks = dict(nginx_blocks(tls, r'location\s+(?:~\s+"[^"]*"|\S+)'))
    for line in (
        "listen 443 ssl http2",
        "listen [::]:443 ssl http2",
        "server_name practice.example.org",
        "ssl_certificate /etc/letsencrypt/live/practice.example.org/fullchain.pem",
        "ssl_certificate_key /etc/letsencrypt/live/practice.example.org/privkey.pem",
        "server 127.0.0.1:8000 max_fails=3 fail_timeout=10s",
    ):
        assert line in lines, line

    # Every access log uses the format without the query string or the referrer.
    log_format = re.search(r"log_format confide ((?:'[^']*'\s*)+);", text)
    assert log_format, "log_format confide"
    assert "$uri" in log_format.group(1)
    for leak in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "referer"):
        assert leak not in log_format.group(1), leak
    access_logs = [line for line in lines if line.startswith("access_log")]
    assert access_logs
    assert all(line.endswith(" confide") for line in access_logs), access_logs

    # Uploads: a 10 MB document and the form around it, and not much more.
    size = next(line for line in lines if line.startswith("client_max_body_size"))
    megabytes = int(size.split()[1].rstrip("mM"))
    assert DOCUMENT_LIMIT_MB < megabytes <= DOCUMENT_LIMIT_MB + 2

    # The app: one X-Forwarded-For entry (TRUSTED_PROXY_COUNT=1), the scheme, the host.
    app = directives(blocks["location /"])
    for line in (
        "proxy_pass http://confide_app",
        "proxy_set_header Host $host",
        "proxy_set_header X-Forwarded-For $remote_addr",
        "proxy_set_header X-Forwarded-Proto $scheme",
    ):
        assert line in app, line
    assert "$proxy_add_x_forwarded_for" not in text  # appending keeps what the client sent

    # Django sends HSTS and the other security headers; nginx must not send them twice.
    for header in ("Strict-Transport-Security", "Referrer-Policy", "X-Frame-Options"):
        assert header not in text, header
    # Static files from the release's STATIC_ROOT, photos from MEDIA_ROOT, nothing else.
    static = [name for name in blocks if "/static/" in name]
    assert len(static) == 2  # hashed names, and the rest
    assert all("alias /srv/confide/current/staticfiles/" in blocks[name] for name in static)
    assert "alias /srv/confide/media/" in directives(blocks["location /media/"])
    aliases = re.findall(r"alias (\S+);", text)
    assert all(
        a.startswith(("/srv/confide/current/staticfiles/", "/srv/confide/media/")) for a in aliases
    ), aliases
    assert "/srv/confide/var" not in text  # documents are sealed in the database, never files


def nginx_in(tmp_path: Path, *, extra: str = "", **replacements: str) -> list[str]:
    """Write the site with a throw-away certificate and logs under ``tmp_path``.

    Return nginx's command line for it, or skip when nginx or openssl is not installed.
    """
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    openssl = shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx is not installed; test_nginx_site_structure checks the site's text")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=practice.example.org", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    (tmp_path / "logs").mkdir()
    live = "/etc/letsencrypt/live/practice.example.org"
    site = (
        NGINX.read_text()
        .replace(f"{live}/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace(f"{live}/privkey.pem", str(tmp_path / "key.pem"))
        .replace("/var/log/nginx/", f"{tmp_path}/logs/")
    )
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n{extra}events {{}}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    include {tmp_path}/site.conf;\n}}\n"
    )
    return [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    result = subprocess.run(
        [*nginx_in(tmp_path), "-t"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr


def test_caddy_site_structure() -> None:
    text = re.sub(r"#[^\n]*", "", CADDY.read_text())
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    assert lines[0] == "practice.example.org {"  # a name: automatic HTTPS and the redirect
    assert "reverse_proxy 127.0.0.1:8000" in lines
    # Caddy replaces a client's X-Forwarded-For by default; no header rules may undo it.
    assert not [line for line in lines if line.startswith("header_up")]
    assert "trusted_proxies" not in text
    # The access log: the query string cut from the address, no referrer.
    log = text[text.index("log {") : text.index("request_body")]
    assert "format filter {" in log
    assert 'request>uri regexp "[?].*$" ""' in lines
    assert "request>headers>Referer delete" in lines
    assert f"max_size {DOCUMENT_LIMIT_MB + 1}MB" in lines
    assert "Strict-Transport-Security" not in text
    assert "handle_path /static/* {" in lines
    assert "root * /srv/confide/current/staticfiles" in lines
    assert "handle_path /media/* {" in lines
    roots = [line for line in lines if line.startswith("root ")]
    assert roots == ["root * /srv/confide/current/staticfiles", "root * /srv/confide/media"]


def test_caddy_accepts_the_site(tmp_path: Path) -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("Caddy is not installed; test_caddy_site_structure checks the site's text")
    (tmp_path / "logs").mkdir()
    config = tmp_path / "Caddyfile"
    config.write_text(CADDY.read_text().replace("/var/log/caddy/", f"{tmp_path}/logs/"))
    environment = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [caddy, "validate", "--config", str(config), "--adapter", "caddyfile"],
        capture_output=True, text=True, timeout=60, check=False, env=environment,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"level":"warn"' not in result.stderr  # an unformatted Caddyfile warns too


def test_the_guide_names_every_file_and_only_files_that_exist() -> None:
    guide = GUIDE.read_text()
    named = set(re.findall(r"\]\(deploy/([^)]+)\)", guide))  # the guide's links
    present = {path.name for path in DEPLOY.iterdir()}
    assert named == present


# Running the sites: a stand-in app server that answers with the headers it was sent.


class _EchoHeaders(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test's output clean."""


@contextmanager
def echo_app() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoHeaders)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(command: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"nothing listens on {port}"
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stderr:
            process.stderr.close()


SPOOFED = {"X-Forwarded-For": "203.0.113.9", "Referer": "https://elsewhere.example.org/?ref=1"}


def test_nginx_passes_one_address_and_logs_no_query(tmp_path: Path) -> None:
    plain, tls = free_port(), free_port()
    with echo_app() as app:
        command = nginx_in(
            tmp_path,
            extra="daemon off;\n",
            **{
                "127.0.0.1:8000": f"127.0.0.1:{app}",
                "listen 80;": f"listen 127.0.0.1:{plain};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{tls} ssl http2;",
                "listen [::]:80;": "",
                "listen [::]:443 ssl http2;": "",
            },
        )
        with running(command, tls):
            unverified = ssl.create_default_context()
            unverified.check_hostname = False
            unverified.verify_mode = ssl.CERT_NONE
            client = http.client.HTTPSConnection("127.0.0.1", tls, timeout=10, context=unverified)
            headers = {"Host": "practice.example.org", "X-Forwarded-Proto": "http", **SPOOFED}
            client.request("GET", "/office/?q=SECRETSEARCH", headers=headers)
            response = client.getresponse()
            seen = json.loads(response.read())
            assert response.status == 200
            # Exactly the address nginx heard from: what TRUSTED_PROXY_COUNT=1 reads.
            assert seen["X-Forwarded-For"] == "127.0.0.1"
            assert seen["X-Forwarded-Proto"] == "https"
            assert seen["Host"] == "practice.example.org"
            # A body over the upload limit is refused before it reaches the app.
            client.request("POST", "/office/", headers={"Host": "practice.example.org",
                           "Content-Length": str(12 * 1024 * 1024)})  # fmt: skip
            too_big = client.getresponse()
            too_big.read()
            assert too_big.status == 413
            client.close()

            redirect = http.client.HTTPConnection("127.0.0.1", plain, timeout=10)
            redirect.request("GET", "/about/?a=1", headers={"Host": "practice.example.org"})
            moved = redirect.getresponse()
            assert (moved.status, moved.getheader("Location")) == (
                301,
                "https://practice.example.org/about/?a=1",
            )
            redirect.close()
    log = (tmp_path / "logs" / "confide-access.log").read_text()
    assert '"GET /office/ HTTP/1.1" 200' in log
    assert '"GET /about/ HTTP/1.1" 301' in log
    for secret in ("SECRETSEARCH", "a=1", "elsewhere.example.org", "?"):
        assert secret not in log, secret


def test_caddy_passes_one_address_and_logs_no_query(tmp_path: Path) -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("Caddy is not installed; test_caddy_site_structure checks the site's text")
    port = free_port()
    (tmp_path / "logs").mkdir()
    with echo_app() as app:
        # Plain HTTP on a spare port: the certificate is Caddy's business, the rest is the site's.
        site = (
            CADDY.read_text()
            .replace("/var/log/caddy/", f"{tmp_path}/logs/")
            .replace("practice.example.org {", f"http://practice.example.org:{port} {{")
            .replace("reverse_proxy 127.0.0.1:8000", f"reverse_proxy 127.0.0.1:{app}")
        )
        config = tmp_path / "Caddyfile"
        config.write_text("{\n\tadmin off\n}\n\n" + site)
        environment = {
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        }
        command = [caddy, "run", "--config", str(config), "--adapter", "caddyfile"]
        with running(command, port, env=environment):
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            headers = {
                "Host": f"practice.example.org:{port}",
                "X-Forwarded-Proto": "https",
                **SPOOFED,
            }
            client.request("GET", "/office/?q=SECRETSEARCH", headers=headers)
            response = client.getresponse()
            seen = json.loads(response.read())
            client.close()
            assert response.status == 200
            assert seen["X-Forwarded-For"] == "127.0.0.1"
            assert (
                seen["X-Forwarded-Proto"] == "http"
            )  # what Caddy was reached by, not the client's
        log = (tmp_path / "logs" / "confide-access.log").read_text()
    assert '"uri":"/office/"' in log
    for secret in ("SECRETSEARCH", "elsewhere.example.org", "?"):
        assert secret not in log, secret
