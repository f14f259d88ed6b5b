"""The deployment of docs/deploy.md, for real: Streamlit behind nginx with the documented security headers.

The headers and the metrics block are taken from the nginx configuration in docs/deploy.md (so the page and
the test cannot drift apart); TLS and the login are left out, the origin is a loopback port. Chromium visits
every page and must see no Content-Security-Policy violation and make no request off the machine.
Needs Debian's ``nginx`` and ``chromium``: skipped where either is missing, failed under REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import (
    ROOT,
    chromium,
    chromium_path,
    free_port,
    open_app,
    streamlit_server,
    wait_idle,
)

pytestmark = pytest.mark.browser

DEPLOY = ROOT / "docs" / "deploy.md"
PATHS = ("", "chain_map", "gaps", "targets", "pairing", "enterprise", "what_if", "data")


def _nginx() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if path is None:
        message = (
            "Debian's nginx is not installed (apt-get install -y nginx-light): the deployment test is skipped"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _documented() -> tuple[list[str], str]:
    """The add_header lines and the /_stcore/metrics location block of docs/deploy.md's nginx config."""
    text = DEPLOY.read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert block is not None, "docs/deploy.md has no nginx block"
    config = block.group(1)
    headers = [line.strip() for line in config.splitlines() if line.strip().startswith("add_header")]
    metrics = re.search(r"location /_stcore/metrics \{.*?\}", config, re.S)
    assert headers and metrics is not None
    # HSTS only means something over TLS, which this loopback test leaves out.
    return [h for h in headers if "Strict-Transport-Security" not in h], metrics.group(0)


def _documented_login() -> list[str]:
    """The lines of docs/deploy.md's nginx config that sign users in and name them to the app."""
    block = re.search(r"```nginx\n(.*?)```", DEPLOY.read_text(encoding="utf-8"), re.S)
    assert block is not None
    wanted = ("auth_basic ", "proxy_set_header X-Forwarded-User")
    lines = [line.strip() for line in block.group(1).splitlines() if line.strip().startswith(wanted)]
    assert len(lines) == 2, lines
    return lines


@contextmanager
def _proxy(tmp_path: Path, server_lines: str = "", location_lines: str = "", **env: str) -> Iterator[str]:
    """nginx in front of a fresh app server, configured as docs/deploy.md says; yields nginx's base URL."""
    chromium_path()
    nginx = _nginx()
    headers, metrics = _documented()
    port = free_port()
    with streamlit_server(env=env) as upstream:
        origin = f"127.0.0.1:{port}"
        lines = "\n    ".join(h.replace("wss://chain.county.lan", f"ws://{origin}") for h in headers)
        (tmp_path / "nginx.conf").write_text(
            f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
daemon off;
events {{}}
http {{
  access_log {tmp_path}/access.log;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen {origin};
    client_max_body_size 51m;
    {lines}
    {server_lines}
    {metrics}
    location / {{
      {location_lines}
      proxy_pass {upstream};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_read_timeout 86400s;
      proxy_buffering off;
    }}
  }}
}}
""",
            encoding="utf-8",
        )
        process = subprocess.Popen([nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)])
        base = f"http://{origin}"
        try:
            for _ in range(100):  # bounded wait for nginx to listen; it is ready in well under a second
                try:
                    urllib.request.urlopen(f"{base}/_stcore/health", timeout=5)
                    break
                except urllib.error.HTTPError:
                    break  # nginx answers (asking for a password, with a login configured)
                except (urllib.error.URLError, ConnectionError):
                    if process.poll() is not None:
                        pytest.fail((tmp_path / "error.log").read_text())
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[str]:
    with _proxy(tmp_path) as base:
        yield base


def test_proxy_login_names_the_user_and_the_app_refuses_anyone_the_proxy_did_not_sign_in(
    tmp_path: Path,
) -> None:
    """The worked example of docs/deploy.md: nginx signs users in (basic auth) and names them in a header;
    the app (CHAIN_AUTH=proxy) trusts that header only from the proxy's address."""
    auth, forwarded = _documented_login()
    # nginx's workers drop root for an unprivileged user, who must be able to read the password file (pytest's
    # own temporary folders are private to the user running the tests).
    passwords = Path(tempfile.mkdtemp(prefix="chain-htpasswd-"))
    passwords.chmod(0o755)
    (passwords / "htpasswd").write_text("alice:{PLAIN}s3cret\n", encoding="utf-8")
    (passwords / "htpasswd").chmod(0o644)
    auth_file = f"auth_basic_user_file {passwords / 'htpasswd'};"
    try:
        with (
            _proxy(tmp_path, f"{auth}\n    {auth_file}", forwarded, CHAIN_AUTH="proxy") as base,
            chromium() as browser,
        ):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{base}/", timeout=10)
            assert refused.value.code == 401, "nginx asks for a password first"
            context = browser.new_context(http_credentials={"username": "alice", "password": "s3cret"})
            page: Any = context.new_page()
            open_app(page, base, "data")
            sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
            assert "当前用户：alice（查看）" in sidebar, sidebar
            body = page.locator('[data-testid="stMain"]').inner_text()
            assert "您的角色是“查看”" in body, "an unknown user is a viewer: no upload"
    finally:
        shutil.rmtree(passwords, ignore_errors=True)


def test_the_documented_proxy_hides_metrics_and_sends_the_security_headers(proxied: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{proxied}/_stcore/metrics", timeout=10)
    assert refused.value.code == 404
    with urllib.request.urlopen(f"{proxied}/", timeout=30) as page:
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY"


def test_every_page_works_under_the_documented_csp_and_calls_nothing_outside(proxied: str) -> None:
    console: list[str] = []
    requests: list[str] = []
    with chromium() as browser:
        page: Any = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda message: console.append(message.text))
        page.on("request", lambda request: requests.append(request.url))
        for path in PATHS:
            open_app(page, proxied, path)
            # Charts, fonts and icons load after the script run ends: wait until nothing is loading.
            page.wait_for_load_state("networkidle")
            wait_idle(page)
    violations = [text for text in console if "Content Security Policy" in text]
    assert violations == [], violations[:5]
    outside = sorted({url for url in requests if not url.startswith((proxied, "data:", "blob:"))})
    assert outside == [], outside
