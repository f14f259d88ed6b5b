"""The parse queue is fair: small uploads pass large ones, a session parses one file at a time, a waiting
upload knows its place, and only parsing counts against the deadline.

Every test holds parses with the blocking helpers of tests/test_isolate.py (a parse child that sleeps until
the test kills it) and asserts by the order in which things happen, never by how long they take. A
timeout below only stops a broken test from hanging.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import gen
from chain import isolate
from chain.isolate import ParseOutcome, ParseQueue, QueuePosition
from chain.settings import Limits
from tests import test_isolate
from tests.factory import make_workbook
from tests.test_isolate import BLOCK_OVER

#: The parse children that block until killed, from tests/test_isolate.py (a fixture).
blocking_helpers = test_isolate.blocking_helpers
SMALL = make_workbook()  # 7.6 KB: parses for real
LARGE = gen.build_workbook("tiny")  # 20 KB: blocks, with BLOCK_OVER = len(SMALL)
HANG = 120.0


class Uploads:
    """Uploads parsed in threads, as Streamlit sessions run them; what each got, in order of completion."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.outcomes: dict[str, ParseOutcome] = {}
        self.positions: dict[str, list[QueuePosition]] = {}
        self.threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self, name: str, data: bytes, session: str | None, limits: Limits = Limits()) -> None:
        self.positions[name] = []

        def run() -> None:
            outcome = isolate.parse_upload(
                data, limits, name, session=session, on_wait=self.positions[name].append
            )
            with self._lock:
                self.done.append(name)
                self.outcomes[name] = outcome

        self.threads[name] = threading.Thread(target=run, name=name, daemon=True)
        self.threads[name].start()

    def join(self, name: str) -> ParseOutcome:
        self.threads[name].join(HANG)
        assert not self.threads[name].is_alive(), f"{name} is still parsing or waiting"
        return self.outcomes[name]


def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for ``condition`` (an event, polled); fail after HANG seconds."""
    deadline = time.monotonic() + HANG
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


@pytest.fixture
def uploads(blocking_helpers, monkeypatch):
    """Large uploads block until killed, small ones parse; every thread is finished before the helpers go."""
    monkeypatch.setenv(BLOCK_OVER, str(len(SMALL)))
    running = Uploads()
    yield running
    blocking_helpers.release()
    for _ in range(len(running.threads)):
        for pid in blocking_helpers.blocked():
            if _child_of(pid, {helper.process.pid for helper in blocking_helpers.started}):
                kill(pid)
        for thread in running.threads.values():
            thread.join(1.0)
    for thread in running.threads.values():
        thread.join(HANG)


def _child_of(pid: int, parents: set[int]) -> bool:
    """Whether ``pid`` is a live (not zombie) child of one of ``parents``: a parse child of our helpers."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z" and int(fields[1]) in parents


def use_queue(monkeypatch, **kwargs: int) -> ParseQueue:
    queue = ParseQueue(**kwargs)
    monkeypatch.setattr(isolate, "_queue", queue)
    return queue


def test_a_small_upload_finishes_before_two_large_ones_that_hold_the_parsers(
    uploads,
    blocking_helpers,
    monkeypatch,
):
    queue = use_queue(monkeypatch, slots=2, large_slots=1, small_bytes=len(SMALL))
    uploads.start("large-1", LARGE, "session-a")
    (first,) = blocking_helpers.wait_blocked(1)
    uploads.start("large-2", LARGE, "session-b")
    until(lambda: queue.counts() == (1, 1), "the second large upload waits")
    uploads.start("small", SMALL, "session-c")
    assert uploads.join("small").result.ok
    assert uploads.done == ["small"]  # both large ones are still there: one parsing, one waiting

    kill(first)
    assert uploads.join("large-1").transient
    (second,) = set(blocking_helpers.wait_blocked(2)) - {first}
    kill(second)
    uploads.join("large-2")
    assert uploads.done == ["small", "large-1", "large-2"]


def test_one_session_parses_one_file_at_a_time(uploads, blocking_helpers, monkeypatch):
    # Every upload is large and both slots take large ones: only the per-session rule holds the second back.
    queue = use_queue(monkeypatch, slots=2, large_slots=2, small_bytes=0)
    uploads.start("a-1", LARGE, "session-a")
    (first,) = blocking_helpers.wait_blocked(1)
    uploads.start("a-2", LARGE, "session-a")
    until(lambda: uploads.positions["a-2"], "the session's second upload reports its place")
    assert queue.sessions() == (("session-a",), ("session-a",))  # a slot is free, yet it waits

    uploads.start("b-1", LARGE, "session-b")  # another session takes the free slot at once
    blocked = blocking_helpers.wait_blocked(2)
    assert queue.sessions() == (("session-a", "session-b"), ("session-a",))

    kill(first)
    assert uploads.join("a-1").transient
    (next_one,) = set(blocking_helpers.wait_blocked(3)) - set(blocked)
    assert queue.sessions() == (("session-b", "session-a"), ())
    kill(next_one)
    uploads.join("a-2")
    assert uploads.done == ["a-1", "a-2"]


def test_a_waiting_upload_knows_how_many_are_ahead(uploads, blocking_helpers, monkeypatch):
    use_queue(monkeypatch, slots=2, large_slots=1, small_bytes=len(SMALL))
    uploads.start("large-1", LARGE, "a")
    blocking_helpers.wait_blocked(1)
    uploads.start("large-2", LARGE, "b")
    until(lambda: uploads.positions["large-2"], "large-2 reports its place")
    uploads.start("large-3", LARGE, "c")
    until(lambda: uploads.positions["large-3"], "large-3 reports its place")
    until(lambda: uploads.positions["large-2"][-1].ahead == 0, "large-2 sees nobody ahead")
    assert uploads.positions["large-3"][-1].ahead == 1
    assert uploads.positions["large-3"][-1].running == 1
    # The large ones waiting for the large slot are not ahead of a small upload: it starts at once.
    uploads.start("small", SMALL, "d")
    assert uploads.join("small").result.ok
    assert uploads.positions["small"] == []  # it never waited


class _LeapingClock:
    """The ``time`` module of chain.isolate (the server side), whose monotonic clock the test moves on."""

    def __init__(self) -> None:
        self.leap = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.leap


def test_waiting_does_not_count_against_the_parse_deadline(
    uploads,
    blocking_helpers,
    monkeypatch,
):
    use_queue(monkeypatch, slots=2, large_slots=1, small_bytes=len(SMALL))
    clock = _LeapingClock()
    monkeypatch.setattr(isolate, "time", clock)
    monkeypatch.setattr(isolate, "GRACE_SECONDS", 10.0**7)  # the server never gives up on the first parse
    uploads.start("first", LARGE, "a")
    (first,) = blocking_helpers.wait_blocked(1)
    uploads.start("waiting", LARGE, "b", Limits(parse_seconds=60))
    until(lambda: uploads.positions["waiting"], "the second upload waits")
    clock.leap = 86400.0  # a day goes by on the server's clock while it waits
    until(lambda: uploads.positions["waiting"][-1].waited >= 86400.0, "the wait is a day long")
    blocking_helpers.release()  # what parses from now on parses for real
    kill(first)
    assert uploads.join("first").transient
    outcome = uploads.join("waiting")
    # A day of waiting, then a parse well within its 60 s: not a timeout.
    assert outcome.result.ok, [p.code for p in outcome.result.errors]


def test_a_caller_that_stops_waiting_leaves_the_queue(uploads, blocking_helpers, monkeypatch):
    # A Streamlit page being rerun or stopped raises out of its on_wait callback.
    queue = use_queue(monkeypatch, slots=1, large_slots=1, small_bytes=0)
    uploads.start("running", LARGE, "a")
    blocking_helpers.wait_blocked(1)

    class Stopped(BaseException):
        pass

    def stop(position: QueuePosition) -> None:
        raise Stopped

    with pytest.raises(Stopped):
        isolate.parse_upload(LARGE, session="b", on_wait=stop)
    assert queue.counts() == (1, 0)


def test_the_queue_refuses_impossible_slots():
    with pytest.raises(ValueError):
        ParseQueue(slots=1, large_slots=2)
    with pytest.raises(ValueError):
        ParseQueue(slots=2, large_slots=0)
