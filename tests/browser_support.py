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
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
#: The frame's menu, drawn first by every page (ui/frame.py): present once a page's first run has begun.
MENU = "[data-testid='stSidebar'] [data-testid='stPageLink-NavLink']"


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


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, launched headless through Playwright with :data:`CHROMIUM_ARGS`, closed on the way
    out; skips (or fails under REQUIRE_BROWSER=1) as :func:`chromium_path` does."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


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
def streamlit_server(
    timeout: float = 90.0, data_dir: Path | None = None, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Run ``streamlit run dashboard.py`` on a free loopback port; yield its base URL; stop it after.

    The server's workspace database lives in ``data_dir`` (default: a new temporary folder, removed after),
    never in the developer's: a test that restarts the server on the same ``data_dir`` finds its snapshots.
    ``env`` adds settings (e.g. the login mode, ``CHAIN_AUTH``); the test's own login settings never leak in.
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="chain-data-") as fresh:
        environment = {
            k: v
            for k, v in os.environ.items()
            if k != "CHAIN_DB_URL" and not k.startswith(("CHAIN_AUTH", "CHAIN_PROXY", "CHAIN_TRUSTED"))
        }
        environment["CHAIN_DATA_DIR"] = str(data_dir or fresh)
        environment.update(env or {})
        yield from _serve(port, environment, timeout)


def _serve(port: int, environment: dict[str, str], timeout: float) -> Iterator[str]:
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
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, env=environment)
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
    """Wait until the Streamlit script has finished its run and the page is settled.

    Only meaningful once a run has started: after an action, first wait for something that run draws.
    """
    page.wait_for_selector(IDLE, state="attached", timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, state="attached", timeout=timeout_ms)


def open_app(page, base_url: str, path: str = "", timeout_ms: int = 60_000) -> None:
    """Load the app at ``path`` and wait until its first run has finished.

    Right after a page load ``stApp`` can report "notRunning" before the session's first run has even
    started (seen on a cold server under load: wait_idle returned on an empty page). The menu appears only
    once the run has begun, so wait for it first, then for idle.
    """
    page.goto(f"{base_url}/{path}")
    page.wait_for_selector(MENU, state="attached", timeout=timeout_ms)
    wait_idle(page, timeout_ms)


#: Streamlit scrolls the main area inside its own container, so a "full page" screenshot of the window
#: stops at the viewport. The screenshot grows the viewport to the content's height (up to this many px).
_MAX_SHOT_PX = 8_000
_CONTENT_HEIGHT_JS = """() => Math.max(
    ...[...document.querySelectorAll("[data-testid='stMain'], [data-testid='stSidebarContent']")]
        .map(e => e.scrollHeight), document.documentElement.scrollHeight)"""


def screenshot(page, name: str) -> Path:
    """A PNG of the whole page, including what lies below the fold of Streamlit's scrolling main area,
    in the git-ignored .artifacts/screenshots/, for a human to look at."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    if viewport is None:
        page.screenshot(path=str(path), full_page=True)
        return path
    height = min(int(page.evaluate(_CONTENT_HEIGHT_JS)), _MAX_SHOT_PX)
    try:
        if height > viewport["height"]:
            page.set_viewport_size({"width": viewport["width"], "height": height})
            page.wait_for_timeout(500)  # charts and grids re-measure on resize
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(viewport)
    return path
