"""The server as deployed: it listens on loopback only, calls nothing outside the machine, tells a user
whose upload a restart lost, and says so when the upload buffer (the temporary directory) is full."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import tomllib
import urllib.request
from collections import namedtuple
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.browser_support import free_port, healthy
from tests.factory import make_workbook
from ui import server
from ui.i18n import t

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".streamlit" / "config.toml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Installed in the server's interpreter through sitecustomize: every socket connection and name lookup it
#: attempts is written to a file, so a call out of the machine is seen whether or not it succeeds.
_RECORDER = textwrap.dedent(
    """
    import os, sys

    _log = os.environ["CALLS_LOG"]
    with open(_log, "a", encoding="utf-8") as sink:
        sink.write(f"recording {os.getpid()}\\n")

    def _record(event, args):
        if event in ("socket.connect", "socket.getaddrinfo"):
            target = args[1] if event == "socket.connect" else args[0]
            with open(_log, "a", encoding="utf-8") as sink:
                sink.write(f"{event} {target!r}\\n")

    sys.addaudithook(_record)
    """
)
_LOOPBACK = ("127.", "'localhost'", "::1", "'::1'", "None")


pytestmark = pytest.mark.usefixtures("fresh_caches")


def test_the_shipped_config_binds_loopback() -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as /proc shows them) of sockets listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.append(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_the_default_server_listens_on_loopback_and_calls_nothing_outside(tmp_path: Path) -> None:
    # Started the way `make run` starts it: only the port on the command line, the rest from config.toml.
    (tmp_path / "sitecustomize.py").write_text(_RECORDER, encoding="utf-8")
    calls = tmp_path / "calls.log"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}", "CALLS_LOG": str(calls)}
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as p:
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(240):  # started when healthy; the loop only bounds a server that never starts
                if healthy(base) or p.poll() is not None:
                    break
                time.sleep(0.5)
            assert healthy(base), "the server did not start"
            with urllib.request.urlopen(f"{base}/", timeout=30) as page:
                assert page.status == 200
            addresses = _listening(port)
        finally:
            p.terminate()
            p.wait(timeout=30)
    # 0100007F is 127.0.0.1 in /proc's byte order; 00000000 would be every interface.
    assert addresses == ["0100007F"], addresses
    lines = calls.read_text().splitlines()
    assert lines[0].startswith("recording"), "the recorder did not run in the server"
    outside = [line for line in lines[1:] if not any(ok in line for ok in _LOOPBACK)]
    assert outside == [], outside


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def test_an_upload_a_restart_lost_is_said_not_silently_replaced_by_the_sample() -> None:
    at = _app()
    at.query_params[server.DATA_PARAM] = "0123456789ab"
    at.run()
    notice = [w.value for w in at.warning]
    assert any(t("session_lost", "zh", code="0123456789ab") == text for text in notice), notice
    at.button(key="session_lost_ok").click().run()
    assert server.DATA_PARAM not in at.query_params
    assert not any("0123456789ab" in str(w.value) for w in at.warning)


def test_the_address_names_the_upload_in_use_and_forgets_it_for_the_sample() -> None:
    at = _app().run()
    assert server.DATA_PARAM not in at.query_params
    at.switch_page("pages/7_data.py").run()
    data = make_workbook()
    at.file_uploader[0].set_value(("county.xlsx", data, XLSX)).run()
    marked = at.query_params.get(server.DATA_PARAM)
    assert marked and len(marked[0] if isinstance(marked, list) else marked) == 12
    assert not at.warning or not any("county.xlsx" in str(w.value) for w in at.warning)
    at.button(key="back_to_sample").click().run()
    assert server.DATA_PARAM not in at.query_params


Usage = namedtuple("Usage", "total used free")


def test_a_full_upload_buffer_is_said_on_the_data_page(monkeypatch) -> None:
    monkeypatch.setattr(server.shutil, "disk_usage", lambda path: Usage(10**9, 10**9 - 5 * 2**20, 5 * 2**20))
    at = _app().run()
    at.switch_page("pages/7_data.py").run()
    texts = [str(w.value) for w in at.warning]
    assert any("5 MB" in text and server.tempfile.gettempdir() in text for text in texts), texts


def test_enough_upload_buffer_says_nothing(monkeypatch) -> None:
    monkeypatch.setattr(server.shutil, "disk_usage", lambda path: Usage(10**12, 0, 10**12))
    at = _app().run()
    at.switch_page("pages/7_data.py").run()
    assert not [w for w in at.warning if "MB" in str(w.value)]


def test_anything_but_a_hash_in_the_address_is_ignored_never_shown() -> None:
    at = _app()
    at.query_params[server.DATA_PARAM] = "[点此](//x.cn)"
    at.run()
    assert not any("x.cn" in str(w.value) for w in at.warning)
    assert not any("点此" in str(m.value) for m in at.markdown)
