"""Browser end-to-end support: a Streamlit server on loopback and Debian's Chromium driven by Playwright.

Never downloads a browser. Where Chromium or Playwright is missing the tests are skipped with that reason,
loudly; with ``REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / ".artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def chromium_path() -> str:
    """Debian's chromium, or skip (fail under REQUIRE_BROWSER=1) saying exactly what is missing."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (pip install -r requirements-dev.txt)")
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        missing.append("Debian's chromium (apt-get install -y chromium)")
    if missing:
        reason = "BROWSER TESTS NOT RUN: missing " + " and ".join(missing)
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    assert path is not None
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def streamlit_server(timeout: float = 90.0) -> Iterator[str]:
    """Run ``streamlit run dashboard.py`` on a free loopback port; yield its base URL; stop it after."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    log = (ROOT / ".artifacts").joinpath("streamlit.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while not healthy(base_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log}")
                time.sleep(0.5)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the Streamlit script has finished its run and the page is settled."""
    page.wait_for_selector(IDLE, state="attached", timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, state="attached", timeout=timeout_ms)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
