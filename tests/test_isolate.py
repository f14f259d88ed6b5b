"""The isolated parse gives the in-process result, and survives what kills, starves or hangs a parser."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from chain import isolate
from chain.guard import check_bytes
from chain.isolate import load_isolated
from chain.load import load_workbook
from chain.problems import CATALOGUE
from chain.settings import Limits
from tests import hostile
from tests.factory import make_workbook

ROOT = Path(__file__).resolve().parent.parent
#: Lets a far cell past both guards (parent and child), so that the parser itself meets it.
NO_CELL_LIMIT = Limits(max_cells_per_sheet=10**12)


def codes(result):
    return {p.code for p in (*result.errors, *result.warnings)}


#: Names the directory where a blocking helper's parse child leaves a file named by its pid.
BLOCKED_DIR = "CHAIN_TEST_BLOCKED_DIR"
#: Optional: uploads of at most this many bytes load for real instead of blocking.
BLOCK_OVER = "CHAIN_TEST_BLOCK_OVER"
#: Optional: a path; once a file exists there, every upload loads for real (the blocking is released).
RELEASED = "CHAIN_TEST_RELEASED"
#: A helper (see ``isolate._HELPER``) whose parse of an upload never ends: the loader is replaced by
#: one that marks its process blocked and sleeps until killed. A path (the helper's own warm-up
#: parse) still loads for real, so the helper starts as usual; the fork, limits and deadlines are real.
#: Uploads no larger than $CHAIN_TEST_BLOCK_OVER, and every upload once $CHAIN_TEST_RELEASED exists,
#: load for real too.
BLOCKING_HELPER = f"""
import os
import time

import chain.load
from chain.isolate import _serve

real_load_workbook = chain.load.load_workbook


def load_workbook(source, **kwargs):
    if not isinstance(source, (bytes, bytearray)):
        return real_load_workbook(source, **kwargs)
    if len(source) <= int(os.environ.get({BLOCK_OVER!r}, "-1")):
        return real_load_workbook(source, **kwargs)
    if os.path.exists(os.environ.get({RELEASED!r}, os.path.join(os.sep, "nonexistent", "release"))):
        return real_load_workbook(source, **kwargs)
    open(os.path.join(os.environ[{BLOCKED_DIR!r}], str(os.getpid())), "x").close()
    while True:
        time.sleep(3600)


chain.load.load_workbook = load_workbook
_serve()
"""


class BlockingHelpers:
    """The helpers started during a test, all running :data:`BLOCKING_HELPER`."""

    def __init__(self, marks: Path, released: Path) -> None:
        self.marks = marks
        self.released = released
        self.started: list[isolate._Helper] = []

    def blocked(self) -> list[int]:
        """Pids of the parse children that have entered their endless parse."""
        return sorted(int(entry.name) for entry in self.marks.iterdir())

    def wait_blocked(self, count: int, timeout: float = 120.0) -> list[int]:
        """Pids of the blocked parse children, once there are ``count`` (an event awaited, not a duration:
        the timeout only stops a broken test from hanging)."""
        deadline = time.monotonic() + timeout
        while len(self.blocked()) < count:
            assert time.monotonic() < deadline, f"{len(self.blocked())} of {count} parses blocked"
            time.sleep(0.02)
        return self.blocked()

    def release(self) -> None:
        """From now on every upload loads for real (children already blocked stay blocked)."""
        self.released.touch()


@pytest.fixture
def blocking_helpers(monkeypatch, tmp_path):
    """Make every helper started in the test a :data:`BLOCKING_HELPER`; kill them all afterwards."""
    helpers = BlockingHelpers(tmp_path / "blocked", tmp_path / "released")
    helpers.marks.mkdir()
    real_start = isolate._start_helper

    def recording_start():
        helper = real_start()
        helpers.started.append(helper)
        return helper

    monkeypatch.setenv(BLOCKED_DIR, str(helpers.marks))
    monkeypatch.setenv(RELEASED, str(helpers.released))
    monkeypatch.setattr(isolate, "_queue", isolate.ParseQueue())  # no waiting upload of an earlier test
    monkeypatch.setattr(isolate, "_HELPER", BLOCKING_HELPER)
    monkeypatch.setattr(isolate, "_idle", [])  # no helper of an earlier test, none of ours kept after
    monkeypatch.setattr(isolate, "_start_helper", recording_start)
    yield helpers
    for helper in helpers.started:
        helper.discard()


class _ClockLeapingOnceBlocked:
    """Stands in for the ``time`` module in chain.isolate (the server side): its monotonic clock leaps
    a day ahead once a parse child has entered its endless parse, so every server deadline is past."""

    def __init__(self, marks: Path) -> None:
        self.marks = marks

    def monotonic(self) -> float:
        leap = 86400.0 if any(self.marks.iterdir()) else 0.0
        return time.monotonic() + leap


def test_isolated_load_equals_in_process_load():
    data = make_workbook()
    here = load_workbook(data, source_name="tiny.xlsx")
    there = load_isolated(data, source_name="tiny.xlsx")
    assert there.ok
    assert (there.errors, there.warnings) == (here.errors, here.warnings)
    for frame in ("enterprises", "links", "template", "projects", "demands"):
        pd.testing.assert_frame_equal(getattr(there.data, frame), getattr(here.data, frame))
    assert there.data.settings == here.data.settings
    assert there.data.source == "tiny.xlsx"


def test_guard_refuses_in_the_parent():
    result = load_isolated(hostile.far_cell())
    assert result.data is None
    assert [p.code for p in result.errors] == ["sheet_too_large"]


@pytest.mark.parametrize("build", [hostile.far_cell, hostile.far_cell_no_dimension])
def test_a_parser_abort_is_one_error_and_the_parent_lives(build):
    # With both guards waved through, calamine really meets XFD1048576 and the child process dies.
    result = load_isolated(build(), NO_CELL_LIMIT)
    assert result.data is None
    assert len(result.errors) == 1
    assert result.errors[0].code in {"parse_memory", "parse_failed"}
    assert result.errors[0].sheet == ""
    assert load_isolated(make_workbook()).ok


def test_a_far_cell_beyond_the_guards_scan_is_caught_by_isolation():
    data = hostile.far_cell_beyond_scan()
    assert check_bytes(data) is None
    result = load_isolated(data)
    assert [p.code for p in result.errors] == ["parse_memory"]


def test_a_slow_parse_is_stopped_at_the_deadline(blocking_helpers, monkeypatch):
    # The parse never ends (not merely "takes long on this machine"), so the deadline must stop it.
    # The server waits far longer than the helper, so it is the helper that kills its child and answers.
    monkeypatch.setattr(isolate, "GRACE_SECONDS", 120.0)
    outcome = isolate.parse_upload(make_workbook(), Limits(parse_seconds=0.5))
    assert [p.code for p in outcome.result.errors] == ["parse_timeout"]
    assert outcome.transient
    (helper,) = blocking_helpers.started
    assert helper.process.poll() is None
    assert isolate._idle == [helper]  # a helper whose child timed out is kept for the next upload
    # The helper reaped its child before answering: the child is gone, not even a zombie.
    assert _live_members(helper.process.pid) == [helper.process.pid]


def test_verdicts_about_the_bytes_are_not_transient():
    assert not isolate.parse_upload(b"").transient  # the guard's refusal
    assert not isolate.parse_upload(hostile.far_cell()).transient
    fine = isolate.parse_upload(make_workbook())
    assert fine.result.ok and not fine.transient
    assert fine.child_peak_kb and fine.child_peak_kb > 0
    # The loader's report of a workbook with errors is a verdict too.
    broken = isolate.parse_upload(make_workbook(**{"产业链图谱": None}))
    assert broken.result.errors and not broken.transient


def test_a_killed_parse_child_is_a_transient_failure(blocking_helpers):
    answer: list[isolate.ParseOutcome] = []
    parse = threading.Thread(target=lambda: answer.append(isolate.parse_upload(make_workbook())))
    parse.start()
    (child,) = blocking_helpers.wait_blocked(1)
    os.kill(child, signal.SIGKILL)
    parse.join(120)
    (outcome,) = answer
    assert [p.code for p in outcome.result.errors] == ["parse_failed"]
    assert "SIGKILL" in outcome.result.errors[0].message_en
    assert outcome.transient
    # The helper lives on, and the same bytes parse once nothing kills the child.
    blocking_helpers.release()
    again = isolate.parse_upload(make_workbook())
    assert again.result.ok and not again.transient
    assert len(blocking_helpers.started) == 1


def test_a_parse_over_the_memory_limit_is_parse_memory():
    # A1 and Z1000000: the reader's grid alone is 26 million cells, far beyond 1 GB of address space.
    sheet = (
        f'<?xml version="1.0"?>\n<worksheet xmlns="{hostile.MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000"><c r="Z1000000"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    limits = Limits(max_cells_per_sheet=10**12, parse_memory_mb=1024)
    outcome = isolate.parse_upload(hostile.raw_xlsx(sheet), limits)
    assert [p.code for p in outcome.result.errors] == ["parse_memory"]
    assert "1024 MB" in outcome.result.errors[0].message_en
    assert outcome.transient


@pytest.mark.parametrize(
    ("build", "code"), [(b, c) for _, b, c in hostile.SOFT], ids=[i for i, _, _ in hostile.SOFT]
)
def test_soft_corpus_through_the_isolated_parse(build, code):
    result = load_isolated(build())
    if code == hostile.OK:
        assert result.ok, [p.code for p in result.errors]
    else:
        assert code in codes(result)


def test_parallel_uploads_each_get_their_own_answer():
    # More uploads than parallel slots, from threads, as Streamlit sessions do.
    workbooks = [make_workbook(), hostile.far_cell(), hostile.dates_as_words(), make_workbook()]
    results: list = [None] * len(workbooks)

    def run(index: int) -> None:
        results[index] = load_isolated(workbooks[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workbooks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results[0].ok
    assert results[3].ok
    assert [p.code for p in results[1].errors] == ["sheet_too_large"]
    assert "not_a_date" in codes(results[2])


@pytest.mark.parametrize(
    ("build", "code"),
    [pytest.param(build, code, id=name, marks=pytest.mark.slow) for name, build, code in hostile.CORPUS],
)
def test_command_line_check_never_tracebacks(tmp_path, build, code):
    workbook = tmp_path / "upload.xlsx"
    workbook.write_bytes(build())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "chain", "check", str(workbook)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    assert "panicked" not in output
    if code == hostile.OK or CATALOGUE[code][0] == "warning":
        assert done.returncode == 0, output
    else:
        assert done.returncode in {1, 2}, output


def test_isolation_works_from_a_streamlit_script_thread():
    # Streamlit runs a page in a thread with sys.modules["__main__"] set to the page: the case that
    # rules out multiprocessing's spawn and forkserver (their children re-run __main__).
    from streamlit.testing.v1 import AppTest

    script = """
import streamlit as st
from chain import isolate
from chain.isolate import load_isolated
from chain.settings import Limits
from tests import hostile
from tests.factory import make_workbook

crashed = load_isolated(hostile.far_cell(), Limits(max_cells_per_sheet=10**12))
fine = load_isolated(make_workbook())
st.text(f"{crashed.errors[0].code} {fine.ok}")
"""
    app = AppTest.from_string(script, default_timeout=120).run()
    assert not app.exception
    assert app.text[0].value in {"parse_memory True", "parse_failed True"}


def test_a_helper_given_up_on_is_killed_with_its_parse_child(blocking_helpers, monkeypatch):
    # The server stops waiting before the helper's own deadline: the helper and the child it forked go.
    # The server's clock leaps past its deadline only once the child is inside its endless parse, so
    # the server gives up while that child certainly runs, on a fast machine or a slow one.
    monkeypatch.setattr(isolate, "time", _ClockLeapingOnceBlocked(blocking_helpers.marks))
    monkeypatch.setattr(isolate, "GRACE_SECONDS", -1.0)  # and the server's real deadline comes first
    result = load_isolated(make_workbook(), Limits(parse_seconds=120))
    assert [p.code for p in result.errors] == ["parse_timeout"]
    (helper,) = blocking_helpers.started
    (child,) = blocking_helpers.blocked()
    assert helper.process.poll() is not None
    for _ in range(50):  # SIGKILL lands asynchronously; zombies (state Z) are already dead
        if not _live_members(helper.process.pid) and not _alive(child):
            break
        time.sleep(0.1)
    assert _live_members(helper.process.pid) == []
    assert not _alive(child)


def _live_members(group: int) -> list[int]:
    """Processes of a process group that are not zombies, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_an_answer_comes_back_whole_with_its_columns_out_of_band():
    """The child packs a result with its columns' buffers apart from the pickle (written from where they
    lie); the server gets back the same result, its arrays on the received bytes."""
    result = load_workbook(make_workbook())
    assert result.ok
    parts = isolate._packed((result, False))
    assert len(parts) > 3  # header, pickle, lengths, then buffers
    back, transient = isolate._unpacked(bytearray(b"".join(bytes(memoryview(p).cast("B")) for p in parts)))
    assert transient is False
    assert pickle.dumps(back) == pickle.dumps(result)
    assert back.data.links["value"].sum() == result.data.links["value"].sum()
