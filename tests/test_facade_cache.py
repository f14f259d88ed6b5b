"""The server's result cache is bounded by total size and by idle time, hands every caller its own view,
and never keeps a failure of the machinery: a parse child killed during an upload is followed, in the same
session, by a retry that succeeds, while every other session parses the file afresh.

Clocks are injected, parses are held by the blocking helpers of tests/test_isolate.py: nothing here
depends on how fast the machine is.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from chain import geo, guard, isolate, load, render
from chain.settings import AnalysisSettings, CacheLimits, Limits
from tests import hostile, test_isolate
from tests.factory import make_workbook
from ui import facade
from ui.cache import MISSING, BoundedCache, fresh, size_of

#: The parse children that block until killed, from tests/test_isolate.py (a fixture).
blocking_helpers = test_isolate.blocking_helpers
ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1024 * 1024


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def county(index: int) -> bytes:
    """A distinct valid workbook (its county's name differs)."""
    return make_workbook(**{"设置": [["项目", "值"], ["县名", f"测试{index}县"], ["报告期", "2024Q1"]]})


# The cache itself.


def test_the_total_size_stays_under_the_bound_and_the_least_recently_used_go_first():
    cache = BoundedCache(1000, ttl_seconds=60, size=len)
    for index in range(10):
        cache.put(index, b"x" * 300)
        assert cache.total_bytes <= 1000
    assert len(cache) == 3
    assert [key for key in range(10) if key in cache] == [7, 8, 9]
    cache.get(7)  # used: now 8 is the least recently used
    cache.put("new", b"y" * 300)
    assert 8 not in cache and 7 in cache and "new" in cache
    assert cache.stats().evicted == 8


def test_a_value_larger_than_the_whole_cache_is_not_kept():
    cache = BoundedCache(1000, ttl_seconds=60, size=len)
    cache.put("small", b"x" * 10)
    assert cache.put("huge", b"x" * 1001) is False
    assert "huge" not in cache and "small" in cache
    assert cache.stats().refused == 1


def test_entries_unused_for_the_ttl_are_gone():
    clock = Clock()
    cache = BoundedCache(10**6, ttl_seconds=600, clock=clock, size=len)
    cache.put("old", b"1")
    cache.put("used", b"2")
    clock.now += 500
    assert cache.get("used") == b"2"  # a use restarts its ttl
    clock.now += 200  # "old" unused for 700 s, "used" for 200 s
    assert cache.sweep() == 1
    assert "old" not in cache and "used" in cache
    assert cache.total_bytes == 1
    clock.now += 600
    assert cache.get("used") is MISSING  # a get drops what expired, sweeper or not
    assert cache.total_bytes == 0
    assert cache.stats().expired == 2


def test_the_sweeper_gives_memory_back_with_nobody_asking():
    clock = Clock()
    cache = BoundedCache(10**6, ttl_seconds=1, clock=clock, size=len)
    cache.put("idle", b"x" * 100)
    clock.now += 2
    swept = threading.Event()
    real_sweep = cache.sweep

    def sweep() -> int:
        gone = real_sweep()
        swept.set()
        return gone

    cache.sweep = sweep  # type: ignore[method-assign]
    cache.start_sweeper(0.01)
    assert swept.wait(60)
    assert cache.total_bytes == 0


def test_size_of_is_the_pickled_size():
    frame = pd.DataFrame({"name": [f"企业{i}" for i in range(1000)], "value": range(1000)})
    assert size_of(frame) == len(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))


def test_a_caller_changing_its_view_does_not_change_the_cached_value():
    loaded = facade.load_data(facade.sample_source())  # type: ignore[arg-type]
    data = loaded.data
    assert data is not None
    view = fresh(loaded)
    view.data.links.loc[0, "value"] = -1.0  # type: ignore[union-attr]
    view.data.settings["county"] = "changed"  # type: ignore[union-attr]
    assert data.links.loc[0, "value"] != -1.0
    assert data.settings.get("county") != "changed"


# The facade's use of it.


@pytest.fixture
def small_store(monkeypatch):
    """The facade's store replaced by one of 50 KB (the results of about three of the test's uploads) with a
    hand-moved clock."""
    clock = Clock()
    store = BoundedCache(50_000, ttl_seconds=CacheLimits().ttl_seconds, clock=clock)
    monkeypatch.setattr(facade, "_store", lambda: store)
    return store, clock


def test_the_cache_stays_under_its_bound_after_many_uploads(small_store):
    store, _ = small_store
    settings = AnalysisSettings()
    sizes = []
    for index in range(12):
        source = facade.upload_source(f"county-{index}.xlsx", county(index))
        assert facade.load_data(source).ok
        facade.analyze(source, settings)
        facade.recruiting_targets(source, settings)
        sizes.append(store.total_bytes)
        assert store.total_bytes <= store.max_bytes
    assert store.stats().evicted > 0  # the bound was reached, and held
    # The newest upload is still there, and answers without a parse.
    parses = isolate.stats()["parses"]
    assert facade.load_data(source).ok
    assert isolate.stats()["parses"] == parses


def test_a_workbook_unused_for_the_ttl_is_read_again(small_store):
    store, clock = small_store
    source = facade.upload_source("county.xlsx", county(99))
    assert facade.load_data(source).ok
    parses = isolate.stats()["parses"]
    clock.now += CacheLimits().ttl_seconds - 1
    assert facade.load_data(source).ok
    assert isolate.stats()["parses"] == parses  # still cached
    clock.now += CacheLimits().ttl_seconds
    assert store.sweep() >= 1
    assert len(store) == 0
    assert facade.load_data(source).ok
    assert isolate.stats()["parses"] == parses + 1


def test_a_source_counts_by_its_sha_not_by_which_object_holds_the_bytes(small_store):
    store, _ = small_store
    data = county(5)
    settings = AnalysisSettings()
    facade.analyze(facade.upload_source("county.xlsx", data), settings)
    entries, hits = len(store), store.stats().hits
    again = facade.upload_source("county.xlsx", bytes(bytearray(data)))  # other bytes objects, equal bytes
    assert again.data is not data
    facade.analyze(again, settings)
    assert len(store) == entries and store.stats().hits == hits + 1
    facade.analyze(facade.with_error_rows_left_out(again), settings)  # the user's choice is part of the key
    assert len(store) > entries


def test_the_targets_display_is_built_once_per_filter_and_language(app_store, monkeypatch):
    built: list[tuple[str, int]] = []
    real = render.display_frame

    def display_frame(frame, columns, lang):
        built.append((lang, len(frame)))
        return real(frame, columns, lang)

    monkeypatch.setattr(render, "display_frame", display_frame)
    source, settings, columns = facade.sample_source(), AnalysisSettings(), ("name", "gap", "reasons")
    for _ in range(3):
        for lang in ("zh", "en"):
            for gap in (None, "upstream"):
                shown = facade.targets_display(source, settings, lang, columns, gap=gap)
    assert len(built) == 4
    expected = real(facade.recruiting_targets(source, settings, gap="upstream"), columns, "en")
    pd.testing.assert_frame_equal(shown, expected)
    # The region filter's options: the groupings, the targets' provinces, then their regions as written.
    found = facade.recruiting_targets(source, settings)
    provinces = sorted(set(found["province"]))
    assert facade.target_regions(source, settings) == (
        *geo.REGION_GROUPS,
        *provinces,
        *sorted(set(found["region"])),
    )


# The byte guard: once per upload, before any parser.


@pytest.mark.parametrize(
    ("data", "state", "second_step"),
    [(county(4), "complete", "data_step_parse"), (hostile.zip_bomb_ratio(), "error", "data_refused")],
    ids=["valid", "zip bomb"],
)
def test_the_guard_runs_once_per_upload(app_store, monkeypatch, data, state, second_step):
    at = _data_page()  # the sample is loaded (and guarded) before counting
    calls: list[int] = []
    real, real_inspect = guard.check_bytes, guard.inspect_bytes

    def check_bytes(found: bytes, limits: Limits = Limits()):
        calls.append(len(found))
        return real(found, limits)

    def inspect_bytes(found: bytes, limits: Limits = Limits()):
        calls.append(len(found))
        return real_inspect(found, limits)

    for module in (guard, isolate):
        monkeypatch.setattr(module, "check_bytes", check_bytes)
    for module in (guard, load):
        monkeypatch.setattr(module, "inspect_bytes", inspect_bytes)
    at.file_uploader[0].set_value(("county.xlsx", data, XLSX)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _outcome(at) == state
    steps = [key for key, _ in at.session_state["upload_outcome"]["steps"]]
    assert steps[:2] == ["data_step_guard", second_step]
    assert calls == [len(data)]


def test_the_parse_child_reads_what_the_server_guarded_without_guarding_again():
    """parse_upload guards in the server before it sends the bytes on; the child only parses them."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child exits, with 99 if it called the guard
        try:
            os.close(reader)
            load.inspect_bytes = lambda *args, **kwargs: os._exit(99)
            isolate._child(writer, county(5), Limits(parse_memory_mb=1 << 20), "county.xlsx")
        finally:
            os._exit(98)
    os.close(writer)
    with os.fdopen(reader, "rb") as answer:
        blob = answer.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    result, transient = isolate._unpacked(bytearray(blob[8:]))
    assert result.ok and not transient


# Machinery failures: not cached, retried in the same session.


@pytest.fixture
def app_store(monkeypatch):
    """A store of this test's own, so that no earlier test's entry answers for the upload."""
    store = BoundedCache(64 * MB, ttl_seconds=600)
    monkeypatch.setattr(facade, "_store", lambda: store)
    return store


def _data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    return at.switch_page("pages/7_data.py").run()


def _upload_killed(at: AppTest, helpers, name: str, data: bytes) -> None:
    """Upload through the data page, kill the parse child while it parses, and let the page finish."""
    at.file_uploader[0].set_value((name, data, XLSX))
    run = threading.Thread(target=at.run)
    run.start()
    before = set(helpers.blocked())
    (child,) = set(helpers.wait_blocked(len(before) + 1)) - before
    os.kill(child, signal.SIGKILL)
    run.join(120)
    assert not run.is_alive()
    assert not at.exception, [e.value for e in at.exception]


def _outcome(at: AppTest) -> str:
    return at.session_state["upload_outcome"]["state"]


def _retry_buttons(at: AppTest) -> list[object]:
    return [b for b in at.button if b.key == "retry_upload"]


def test_a_killed_parse_is_followed_by_a_successful_retry_in_the_same_session(
    blocking_helpers,
    app_store,
):
    data = county(1)
    at = _data_page()
    _upload_killed(at, blocking_helpers, "county.xlsx", data)
    assert _outcome(at) == "error"
    assert "SIGKILL" in " ".join(str(m.value) for m in at.markdown)
    assert facade._load_key(facade.upload_source("county.xlsx", data)) not in app_store
    (retry,) = _retry_buttons(at)

    blocking_helpers.release()
    retry.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _outcome(at) == "complete"
    assert _retry_buttons(at) == []
    assert "测试1县" in " ".join(str(c.value) for c in at.sidebar.caption)  # the workbook in use


def test_the_same_bytes_uploaded_again_after_a_killed_parse_are_read_again(
    blocking_helpers,
    app_store,
):
    data = county(2)
    at = _data_page()
    _upload_killed(at, blocking_helpers, "county.xlsx", data)
    assert _outcome(at) == "error"
    blocking_helpers.release()
    at.file_uploader[0].set_value(("county.xlsx", data, XLSX)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _outcome(at) == "complete"


def test_a_failure_of_one_session_is_not_the_answer_for_another(blocking_helpers, app_store):
    data = county(3)
    first = _data_page()
    _upload_killed(first, blocking_helpers, "county.xlsx", data)
    assert _outcome(first) == "error"
    blocking_helpers.release()
    # Another session (its own session state) uploads the same file: it is parsed, not answered from cache.
    parses = isolate.stats()["parses"]
    second = _data_page()
    second.file_uploader[0].set_value(("county.xlsx", data, XLSX)).run()
    assert _outcome(second) == "complete"
    assert isolate.stats()["parses"] == parses + 1
    # The first session still sees its own failure until it retries (no page of it parses on its own).
    first.run()
    assert _outcome(first) == "error" and _retry_buttons(first)


def test_an_upload_waiting_for_its_turn_shows_its_place_then_loads(blocking_helpers, app_store, monkeypatch):
    # One parse slot, held by another session's upload that blocks until killed.
    monkeypatch.setattr(isolate, "_queue", isolate.ParseQueue(slots=1, large_slots=1, small_bytes=0))
    holder = threading.Thread(target=lambda: isolate.parse_upload(county(7), session="another session"))
    holder.start()
    (child,) = blocking_helpers.wait_blocked(1)
    shown: list[isolate.QueuePosition] = []
    real_parse = isolate.parse_upload

    def parse_upload(*args, on_wait=None, **kwargs):
        def show(position):
            on_wait(position)  # the data page draws its progress bar
            shown.append(position)  # and it did not raise

        return real_parse(*args, on_wait=show, **kwargs)

    monkeypatch.setattr(isolate, "parse_upload", parse_upload)
    at = _data_page()
    at.file_uploader[0].set_value(("county.xlsx", county(8), XLSX))
    run = threading.Thread(target=at.run)
    run.start()
    deadline = time.monotonic() + 120
    while not shown:
        assert time.monotonic() < deadline, "the upload never showed its place"
        time.sleep(0.01)
    assert shown[0].ahead == 0 and shown[0].running == 1
    blocking_helpers.release()
    os.kill(child, signal.SIGKILL)
    holder.join(120)
    run.join(120)
    assert not run.is_alive()
    assert not at.exception, [e.value for e in at.exception]
    assert _outcome(at) == "complete"
