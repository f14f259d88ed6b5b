"""Load, analysis, export and rerun times measured against floors timed in the same process.

``python bench/run.py [--scale tiny|smoke|full] [--json] [--repeat N]``. Each figure is the median of
``N`` runs after a warm-up, interleaved run by run with its floor so that load from other work on the
machine hits both alike; the ratio to the floor is the measure, absolute seconds are context. A missed goal
is printed as MISSED but is not an exit code; the exit code is 1 only when a figure crashed.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import glob
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: `python bench/run.py`

from bench import gen  # noqa: E402

__all__ = ["GOALS", "Figure", "main", "measure"]

#: Goal of each figure as the largest acceptable ratio to its floor (None: reported, no goal set).
GOALS: dict[str, float | None] = {
    "load": 1.0,
    "analysis": 1.0,
    "export": 0.6,
    "rerun": 1.0,  # the floor is the fixed 0.3 s goal itself
    "cold": None,  # a ratio to the read floor; at full scale a goal in seconds (COLD_SECONDS)
    "memory": None,
    "province": 1.0,  # the ratio is the analysis's peak RSS over PROVINCE_PEAK_MB
}
#: Figures run unless --only says otherwise ("province" generates and loads a 1M-link workbook).
DEFAULT_FIGURES = ("load", "analysis", "export", "rerun", "cold", "memory")
RERUN_SECONDS = 0.3
#: Upload -> first render of the gaps page at full scale, wall seconds.
COLD_SECONDS = {"full": 2.5}
#: Peak resident set of the analysis (gaps, targets, pairs) of the province workbook.
PROVINCE_PEAK_MB = 1536.0
DEFAULT_REPEAT = {"tiny": 2, "smoke": 5, "full": 3, "limit": 1, "province": 1}
#: Scale of the memory figure: the largest workbook the limits accept (what deploy.md's MemoryMax is
#: derived from); tests keep it tiny.
MEMORY_SCALE = {"tiny": "tiny", "smoke": "limit", "full": "limit", "limit": "limit", "province": "limit"}
#: Scale of the province figure (tests keep it tiny).
PROVINCE_SCALE = {"tiny": "tiny"}
GAPS_PAGE = "pages/2_gaps*.py"
DATA_PAGE = "pages/7_data*.py"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The app's entry: pages link to it, so an AppTest starts there and switches to the page measured.
ENTRY = "dashboard.py"
#: The gaps page's filter the rerun figure changes; another multiselect is used if it is renamed.
FILTER_KEY = "gaps_category"
APP_TIMEOUT = 300.0


@dataclass
class Figure:
    """One measured figure: its time, its floor's time and the ratio between them, against a goal."""

    name: str
    seconds: float | None
    floor: str
    floor_seconds: float | None
    ratio: float | None
    goal: float | None
    met: bool | None = None
    note: str = ""
    #: What ``seconds`` and ``floor_seconds`` count: "cpu" (this process's CPU time) or "wall".
    clock: str = "cpu"
    wall_seconds: float | None = None
    wall_floor_seconds: float | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.ratio is None and self.seconds is not None and self.floor_seconds:
            self.ratio = self.seconds / self.floor_seconds
        if self.ratio is not None and self.goal is not None:
            self.met = self.ratio <= self.goal

    def to_json(self) -> dict[str, object]:
        record = asdict(self)
        extra = record.pop("extra")
        for key in ("seconds", "floor_seconds", "ratio", "wall_seconds", "wall_floor_seconds"):
            if record[key] is not None:
                record[key] = float(f"{record[key]:.6g}")
        return {**record, **extra}


class Unavailable(Exception):
    """A module or page the figure needs is not in the tree (yet): reported, not a crash."""


@dataclass(frozen=True)
class Timing:
    """Median seconds of several runs, by the CPU clock of this process and by the wall clock."""

    cpu: float
    wall: float


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return time.process_time() - cpu, time.perf_counter() - wall


def _median(samples: list[tuple[float, float]]) -> Timing:
    return Timing(statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))


def paired(subject: Callable[[], object], floor: Callable[[], object], repeat: int) -> tuple[Timing, Timing]:
    """Medians of ``subject`` and of ``floor`` over ``repeat`` interleaved runs after one warm-up each.

    CPU time is the measure on a shared machine: other people's work stretches wall time, not the CPU
    seconds this (single-threaded) work needs. Interleaving makes what load there is hit both alike.
    """
    subject()
    floor()
    subject_times, floor_times = [], []
    for _ in range(repeat):
        floor_times.append(_timed(floor))
        subject_times.append(_timed(subject))
    return _median(subject_times), _median(floor_times)


def _against(name: str, floor: str, subject: Timing, base: Timing, note: str = "", **extra: object) -> Figure:
    return Figure(
        name,
        subject.cpu,
        floor,
        base.cpu,
        None,
        GOALS[name],
        note=note,
        wall_seconds=subject.wall,
        wall_floor_seconds=base.wall,
        extra=dict(extra),
    )


def _import(name: str) -> object:
    import importlib

    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == name or name.startswith(exc.name + ".")):
            raise Unavailable(f"{name} is not in the tree yet") from exc
        raise


def _read_floor(data: bytes) -> Callable[[], object]:
    import pandas as pd

    return lambda: pd.read_excel(io.BytesIO(data), sheet_name=None, engine="calamine")


def _loaded(data: bytes, source_name: str) -> object:
    """The ChainData of the benchmark workbook; a workbook with errors is a generator (or loader) bug."""
    load = _import("chain.load")
    result = load.load_workbook(data, source_name=source_name)
    if not result.ok:
        first = "; ".join(f"{p.sheet}!{p.row} {p.column} {p.code}" for p in result.errors[:5])
        raise RuntimeError(f"the benchmark workbook loads with {len(result.errors)} errors: {first}")
    return result.data


def figure_load(data: bytes, repeat: int, source_name: str) -> Figure:
    load = _import("chain.load")
    _loaded(data, source_name)
    subject, floor = paired(
        lambda: load.load_workbook(data, source_name=source_name), _read_floor(data), repeat
    )
    return _against("load", "pd.read_excel(sheet_name=None, engine='calamine')", subject, floor)


def _analysis(chain_data: object) -> Callable[[], tuple[object, object, object]]:
    gaps = _import("chain.gaps")
    targets = _import("chain.targets")
    pairing = _import("chain.pairing")

    def run() -> tuple[object, object, object]:
        report = gaps.analyze(chain_data)
        return report, targets.recruiting_targets(chain_data, report), pairing.local_pairs(chain_data, report)

    return run


def figure_analysis(chain_data: object, repeat: int) -> Figure:
    """The product's analysis against :func:`bench.floor.minimal_analysis`, the same numbers in plain pandas,
    checked equal first; the one-groupby floor (what a single aggregate of the links costs) is reported."""
    from bench import floor as minimal

    links = chain_data.links  # type: ignore[attr-defined]
    run = _analysis(chain_data)
    report, targets, pairs = run()
    settings = report.settings  # type: ignore[attr-defined]
    differences = minimal.differences(minimal.minimal_analysis(chain_data, settings), report, targets, pairs)
    if differences:
        raise RuntimeError("the minimal-pandas floor and the product disagree: " + "; ".join(differences[:5]))
    subject, floor = paired(run, lambda: minimal.minimal_analysis(chain_data, settings), repeat)
    _, groupby = paired(
        lambda: None,
        lambda: links.groupby(["segment", "buyer_local", "supplier_local"])["value"].sum(),
        repeat,
    )
    return _against(
        "analysis",
        "the same numbers in minimal plain pandas (bench/floor.py)",
        subject,
        floor,
        segments=len(report.segments),  # type: ignore[attr-defined]
        targets=len(targets),
        pairs=len(pairs),
        groupby_floor_seconds=groupby.cpu,
        groupby_ratio=subject.cpu / groupby.cpu if groupby.cpu else None,
        note=f"one groupby: {groupby.cpu:.3f} s, {subject.cpu / groupby.cpu:.1f}x" if groupby.cpu else "",
    )


def _plain_frame(table: object, lang: str = "zh") -> object:
    """The rows an export writes, as a plain frame: reasons worded and language pairs resolved (the renderer's
    :func:`chain.render.source`), tuples joined as the export shows them."""
    import pandas as pd

    from chain.render import source

    plain = {}
    for key in table.columns:  # type: ignore[attr-defined]
        column = source(table.frame, key, lang)  # type: ignore[attr-defined]
        plain[key] = column.map(lambda v: "、".join(map(str, v)) if isinstance(v, tuple) else v)
    return pd.DataFrame(plain)


def figure_export(chain_data: object, repeat: int) -> Figure:
    export = _import("chain.export")
    from chain.settings import AnalysisSettings

    _, targets, _ = _analysis(chain_data)()
    table = export.report_table("targets", targets)
    about = export.about_settings(AnalysisSettings())
    plain = _plain_frame(table)

    def floor() -> bytes:
        buffer = io.BytesIO()
        plain.to_excel(buffer, index=False, engine="openpyxl")  # type: ignore[attr-defined]
        return buffer.getvalue()

    subject, base = paired(lambda: export.to_xlsx([table], about), floor, repeat)
    return _against(
        "export", "DataFrame.to_excel(engine='openpyxl') of the same rows", subject, base, rows=len(targets)
    )


def _gaps_page() -> str:
    found = sorted(glob.glob(str(ROOT / GAPS_PAGE)))
    if not found:
        raise Unavailable(f"{GAPS_PAGE} is not in the tree yet")
    return found[0]


def _quiet_streamlit() -> None:
    # Outside `streamlit run`, every cached call and widget logs a "no runtime" warning.
    from streamlit import logger

    logger.set_log_level("error")


def _data_page(app: object) -> None:
    """Switch ``app`` to the data page and run it: what a user does before uploading (not timed)."""
    pages = sorted(glob.glob(str(ROOT / DATA_PAGE)))
    if not pages:
        raise Unavailable(f"{DATA_PAGE} is not in the tree yet")
    app.switch_page(str(Path(pages[0]).relative_to(ROOT))).run()  # type: ignore[attr-defined]
    _check(app)


def _upload_and_open(app: object, page: str, data: bytes, name: str) -> None:
    """Upload ``data`` through the data page's file_uploader (as tests/test_app.py does), then open ``page``.

    The data page guards and parses the upload in the child process, analyses it and reruns itself;
    the page then renders from the caches that filled.
    """
    app.file_uploader[0].set_value((name, data, XLSX_MIME)).run()  # type: ignore[attr-defined]
    _check(app)
    app.switch_page(str(Path(page).relative_to(ROOT))).run()  # type: ignore[attr-defined]
    _check(app)


def _app() -> object:
    """A fresh AppTest of the dashboard on its data page, caches cleared."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    _quiet_streamlit()
    st.cache_data.clear()
    with contextlib.suppress(ModuleNotFoundError):
        from ui import facade

        facade.clear_caches()  # the server's result cache: a cold upload finds nothing of an earlier round
    app = AppTest.from_file(str(ROOT / ENTRY), default_timeout=APP_TIMEOUT)
    app.run()
    _check(app)
    _data_page(app)
    return app


def _check(app: object) -> None:
    if app.exception:  # type: ignore[attr-defined]
        raise RuntimeError(f"the page raised: {app.exception[0].message}")  # type: ignore[attr-defined]


def _filter_widget(app: object) -> tuple[object, list[object]]:
    """The gaps page's category filter (else its first multi-option filter) and the values to cycle it through."""
    keyed = [w for w in app.multiselect if w.key == FILTER_KEY]  # type: ignore[attr-defined]
    if keyed:
        options = list(keyed[0].options)
        return keyed[0], [options[:1], options[1:2], options[:2], []]
    for kind in ("multiselect", "selectbox", "radio", "segmented_control", "pills"):
        for widget in getattr(app, kind, []):
            if widget.key and widget.key.startswith("lang"):
                continue
            options = list(widget.options)
            if len(options) < 2:
                continue
            if kind in ("multiselect", "pills", "segmented_control") and isinstance(widget.value, list):
                return widget, [options[:1], options[1:2], options[:2], []]
            return widget, options[:3]
    raise Unavailable("the gaps page has no filter widget with two or more options")


def figure_rerun(data: bytes, repeat: int, name: str) -> Figure:

    page = _gaps_page()
    app = _app()
    _upload_and_open(app, page, data, name)
    widget, values = _filter_widget(app)
    label = getattr(widget, "key", None) or getattr(widget, "label", "?")
    samples = []
    for i in range(repeat + 1):
        widget, _ = _filter_widget(app)
        widget.set_value(values[i % len(values)])
        samples.append(_timed(app.run))
        _check(app)
    timing = _median(samples[1:])  # the first change may fill the per-view caches: a warm-up
    return Figure(
        "rerun",
        timing.cpu,
        f"fixed goal {RERUN_SECONDS} s",
        RERUN_SECONDS,
        None,
        GOALS["rerun"],
        wall_seconds=timing.wall,
        extra={"page": Path(page).name, "filter": str(label)},
    )


@contextlib.contextmanager
def _parse_walls() -> Iterator[list[float]]:
    """Wall seconds of each :func:`chain.isolate.parse_upload` while inside (the guard in the server, the
    wait for a helper, the parse child's load and the hand-back of its result): where a cold upload's time
    goes, against the rest (analysis, the pages' runs, drawing)."""
    from chain import isolate

    real = isolate.parse_upload
    walls: list[float] = []

    def timed(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            walls.append(time.perf_counter() - started)

    isolate.parse_upload = timed  # type: ignore[assignment]
    try:
        yield walls
    finally:
        isolate.parse_upload = real  # type: ignore[assignment]


def figure_cold(data: bytes, repeat: int, name: str, scale: str = "") -> Figure:
    page = _gaps_page()
    read = _read_floor(data)
    read()
    subject_times, floor_times, parse_times = [], [], []
    for _i in range(repeat + 1):
        app = _app()  # caches cleared, data page open: not timed
        floor_times.append(_timed(read))
        with _parse_walls() as walls:
            subject_times.append(_timed(lambda app=app: _upload_and_open(app, page, data, name)))
        parse_times.append(sum(walls))
    # The first round is a warm-up (imports, the parse child's interpreter start).
    subject, floor = _median(subject_times[1:]), _median(floor_times[1:])
    parse = statistics.median(parse_times[1:])
    # Wall clock: uploads are parsed in a child process, whose CPU time this process does not see.
    figure = Figure(
        "cold",
        subject.wall,
        "load floor: pd.read_excel(sheet_name=None, engine='calamine')",
        floor.wall,
        None,
        GOALS["cold"],
        clock="wall",
        wall_seconds=subject.wall,
        wall_floor_seconds=floor.wall,
        note=(
            f"of which parse_upload {parse:.3f} s (guard, child load, hand-back), "
            f"the rest {subject.wall - parse:.3f} s"
        ),
        extra={"page": Path(page).name, "cpu_seconds_in_process": subject.cpu, "parse_wall_seconds": parse},
    )
    goal = COLD_SECONDS.get(scale)
    if goal is not None:
        # A goal in wall seconds, what the user waits for, not a ratio.
        figure.extra["goal_seconds"] = goal
        figure.met = subject.wall <= goal
    return figure


def _status_kb(field: str, pid: int | str = "self") -> int | None:
    """A ``Vm*`` field of /proc/PID/status in KB (None where /proc does not say)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return None


def _peak_rss_kb() -> int:
    """Peak resident set of this process in KB.

    On Linux, VmHWM of /proc/self/status: ``ru_maxrss`` of a child started by fork + exec also counts the
    parent's resident set at the fork (measured: a 313 MB parent gives a fresh ``python -c`` 313 MB), so it
    would report the benchmark process, not the workload. ``ru_maxrss`` elsewhere.
    """
    peak = _status_kb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak_rss() -> bool:
    """Start VmHWM again from the current resident set (Linux >= 4.0: ``5`` to /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _children_rss_kb() -> int:
    """Resident sets of this process's children (the parse helpers and any parse child of theirs), in KB."""
    total = 0
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            total += (_status_kb("VmRSS", entry.name) or 0) + _children_of_kb(int(entry.name))
    return total


def _children_of_kb(parent: int) -> int:
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    total += _status_kb("VmRSS", entry.name) or 0
    return total


def _tour(app: object, source_name: str, data: bytes) -> None:
    """Every page of the app on the workbook in use, then its export files (what a user does next)."""
    from chain.settings import AnalysisSettings
    from ui import facade
    from ui.frame import PAGES

    for page in PAGES:
        app.switch_page(page.path).run()  # type: ignore[attr-defined]
        _check(app)
    source = facade.upload_source(source_name, data)
    settings = AnalysisSettings()
    for downloads in (
        facade.targets_downloads(source, settings, "zh"),
        facade.pairs_downloads(source, settings, "zh"),
        facade.segments_downloads(source, settings, "zh"),
        facade.problems_downloads(source, "zh"),
    ):
        for make in downloads:
            make()


def _memory_child(path: str) -> None:
    """In a fresh process, the server: upload ``path`` through the data page and open the gaps page as a
    user does (guard, parse in a child process, analysis, drawing), then every page and every export of
    it, and print as JSON what that cost."""
    from chain import isolate
    from chain.guard import check_bytes
    from chain.settings import Limits

    data = Path(path).read_bytes()
    refused = check_bytes(data, Limits())
    if refused is not None:
        raise RuntimeError(f"the limits refuse the benchmark workbook: {refused.message_en}")
    page = _gaps_page()
    app = _app()  # imports, the app's first run, the data page, a parse helper started: the idle server
    from ui import facade

    gc.collect()
    idle_kb = _status_kb("VmRSS") or 0
    idle_peak_kb = _peak_rss_kb()
    reset = _reset_peak_rss()
    started = time.perf_counter()
    _upload_and_open(app, page, data, Path(path).name)
    seconds = time.perf_counter() - started
    upload_peak_kb = _peak_rss_kb() if reset else max(_peak_rss_kb(), idle_peak_kb)
    upload_cache = facade.cache_stats()
    _tour(app, Path(path).name, data)
    peak_kb = _peak_rss_kb() if reset else max(_peak_rss_kb(), idle_peak_kb)
    gc.collect()
    held_kb = _status_kb("VmRSS") or 0
    cache = facade.cache_stats()
    helpers_kb = _children_rss_kb()
    # Nobody uses the workbook any more: its session ends, its cache entries expire (CacheLimits.ttl_seconds;
    # the facade then gives their memory back, as clear_caches does).
    del app
    gc.collect()
    facade.clear_caches()
    record = {
        "file_bytes": len(data),
        "idle_kb": idle_kb,
        "upload_peak_kb": upload_peak_kb,
        "upload_cache_bytes": upload_cache.bytes,
        "peak_kb": peak_kb,
        "peak_reset": reset,
        "held_kb": held_kb,
        "released_kb": _status_kb("VmRSS") or 0,
        "cache_bytes": cache.bytes,
        "cache_max_bytes": cache.max_bytes,
        "cache_entries": cache.entries,
        "child_peak_kb": isolate.stats()["child_peak_kb"],
        "helpers_kb": helpers_kb,
        "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "seconds": seconds,
    }
    print(json.dumps(record))


def _child(flag: str, path: Path) -> dict:
    """Run this script with ``flag`` on ``path`` in a fresh process (its memory is its own) and return the
    JSON record it prints last."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), flag, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        if "not in the tree yet" in done.stderr:
            raise Unavailable(tail[0])
        raise RuntimeError(f"{flag.strip('-')} exited {done.returncode}: {tail[0]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def figure_memory(scale: str) -> Figure:
    path = gen.ensure_workbook(scale)
    meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
    child = _child("--memory-child", path)
    mb = 1024 * 1024
    file_mb = child["file_bytes"] / mb
    peak_mb = child["upload_peak_kb"] / 1024
    idle_mb = child["idle_kb"] / 1024
    extra = {
        "scale": scale,
        "links": meta["scale"]["links"],
        "file_mb": round(file_mb, 1),
        "idle_mb": round(idle_mb, 1),
        "peak_mb": round(peak_mb, 1),
        "peak_added_mb": round(peak_mb - idle_mb, 1),
        "upload_cache_mb": round(child["upload_cache_bytes"] / mb, 1),
        "tour_peak_mb": round(child["peak_kb"] / 1024, 1),
        "held_mb": round(child["held_kb"] / 1024, 1),
        "released_mb": round(child["released_kb"] / 1024, 1),
        "cache_mb": round(child["cache_bytes"] / mb, 1),
        "cache_max_mb": round(child["cache_max_bytes"] / mb, 1),
        "cache_entries": child["cache_entries"],
        "child_peak_mb": round(child["child_peak_kb"] / 1024, 1),
        "helpers_mb": round(child["helpers_kb"] / 1024, 1),
        "ru_maxrss_mb": round(child["ru_maxrss_kb"] / 1024, 1),
        "floor_mb": round(file_mb, 1),
    }
    return Figure(
        "memory",
        child["seconds"],
        "upload size (MB)",
        None,
        peak_mb / file_mb,
        GOALS["memory"],
        note=(
            f"server peak RSS {peak_mb:.0f} MB ({peak_mb - idle_mb:+.0f} MB over {idle_mb:.0f} MB idle) "
            f"after a {file_mb:.1f} MB upload at {scale} scale ({extra['upload_cache_mb']:.0f} MB cached); "
            f"{extra['tour_peak_mb']:.0f} MB after every page and export of it, {extra['held_mb']:.0f} MB "
            f"held ({extra['cache_mb']:.0f} MB cached of {extra['cache_max_mb']:.0f}), "
            f"{extra['released_mb']:.0f} MB once the cache is empty; parse child peak "
            f"{extra['child_peak_mb']:.0f} MB, helpers {extra['helpers_mb']:.0f} MB"
        ),
        clock="wall",
        wall_seconds=child["seconds"],
        extra=extra,
    )


def _province_child(path: str) -> None:
    """In a fresh process: load ``path`` (the byte limit raised: a province is past one upload), then time
    the analysis (gaps, targets, pairs) and print as JSON its CPU seconds and the peak resident set while
    it ran (VmHWM restarted once the data is loaded)."""
    from chain.load import load_workbook
    from chain.settings import Limits

    data = Path(path).read_bytes()
    limits = Limits(max_file_mb=max(Limits().max_file_mb, len(data) // (1 << 20) + 1))
    result = load_workbook(data, limits=limits, source_name=Path(path).name)
    if not result.ok:
        first = "; ".join(f"{p.sheet}!{p.row} {p.column} {p.code}" for p in result.errors[:5])
        raise RuntimeError(f"the province workbook loads with {len(result.errors)} errors: {first}")
    del data
    run = _analysis(result.data)
    gc.collect()
    loaded_kb = _status_kb("VmRSS") or 0
    reset = _reset_peak_rss()
    cpu, wall = time.process_time(), time.perf_counter()
    _report, targets, pairs = run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    record = {
        "cpu": cpu,
        "wall": wall,
        "loaded_kb": loaded_kb,
        "peak_kb": _peak_rss_kb(),
        "peak_reset": reset,
        "links": len(result.data.links),
        "enterprises": len(result.data.enterprises),
        "targets": len(targets),
        "pairs": len(pairs),
    }
    print(json.dumps(record))


def figure_province(scale: str) -> Figure:
    path = gen.ensure_workbook(scale)
    child = _child("--province-child", path)
    peak_mb, loaded_mb = child["peak_kb"] / 1024, child["loaded_kb"] / 1024
    return Figure(
        "province",
        child["cpu"],
        f"analysis peak RSS against {PROVINCE_PEAK_MB:.0f} MB",
        None,
        peak_mb / PROVINCE_PEAK_MB,
        GOALS["province"],
        note=(
            f"{child['enterprises']:,} firms, {child['links']:,} links at {scale} scale: analysis "
            f"{child['cpu']:.2f} s CPU, peak RSS {peak_mb:.0f} MB ({peak_mb - loaded_mb:+.0f} MB over "
            f"{loaded_mb:.0f} MB loaded); {child['targets']:,} targets, {child['pairs']:,} pairs"
        ),
        wall_seconds=child["wall"],
        extra={
            "scale": scale,
            "peak_mb": round(peak_mb, 1),
            "loaded_mb": round(loaded_mb, 1),
            "peak_added_mb": round(peak_mb - loaded_mb, 1),
            "peak_reset": child["peak_reset"],
            "targets": child["targets"],
            "pairs": child["pairs"],
        },
    )


def _machine() -> dict[str, object]:
    versions = {}
    for package in ("pandas", "numpy", "openpyxl", "python-calamine", "networkx", "streamlit"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **versions,
    }


def measure(
    scale: str, repeat: int, memory_scale: str | None = None, only: Iterable[str] | None = None
) -> dict[str, object]:
    """Every figure at ``scale`` (or those in ``only``): ``{"scale", "machine", "workbook", "figures"}``."""
    default = ("province",) if scale == "province" else DEFAULT_FIGURES
    chosen = set(default if only is None else only)
    if chosen & {"rerun", "cold"}:
        _quiet_streamlit()
    path = gen.ensure_workbook(scale)
    data = path.read_bytes()
    meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
    name = path.name
    figures: list[Figure] = []
    chain_data: object = None

    def attempt(figure_name: str, build: Callable[[], Figure]) -> None:
        if figure_name not in chosen:
            figures.append(
                Figure(figure_name, None, "", None, None, GOALS[figure_name], note="not run: --only")
            )
            return
        try:
            figures.append(build())
        except Unavailable as exc:
            figures.append(
                Figure(figure_name, None, "", None, None, GOALS[figure_name], note=f"not run: {exc}")
            )
        except Exception as exc:
            figures.append(
                Figure(figure_name, None, "", None, None, GOALS[figure_name], note=f"CRASHED: {exc!r}")
            )

    def with_data(build: Callable[[object], Figure]) -> Callable[[], Figure]:
        def run() -> Figure:
            nonlocal chain_data
            if chain_data is None:
                chain_data = _loaded(data, name)
            return build(chain_data)

        return run

    attempt("load", lambda: figure_load(data, repeat, name))
    attempt("analysis", with_data(lambda d: figure_analysis(d, repeat)))
    attempt("export", with_data(lambda d: figure_export(d, repeat)))
    attempt("rerun", lambda: figure_rerun(data, repeat, name))
    attempt("cold", lambda: figure_cold(data, max(2, repeat // 2), name, scale))
    attempt("memory", lambda: figure_memory(memory_scale or MEMORY_SCALE[scale]))
    attempt("province", lambda: figure_province(PROVINCE_SCALE.get(scale, "province")))
    return {
        "scale": scale,
        "machine": _machine(),
        "workbook": {
            "file": str(path.relative_to(ROOT)),
            "bytes": meta["bytes"],
            "xml_bytes": meta["xml_bytes"],
            "enterprises": meta["scale"]["enterprises"],
            "links": meta["scale"]["links"],
            "segments": meta["scale"]["segments"],
        },
        "repeat": repeat,
        "figures": [f.to_json() for f in figures],
    }


def _cell(value: object, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def table(result: dict[str, object]) -> str:
    """The result as a Markdown table (what bench/README.md and the main README show)."""
    lines = [
        "| figure | seconds | floor | floor s | ratio | goal | result | wall s (floor) |",
        "|---|---:|---|---:|---:|---:|---|---:|",
    ]
    for f in result["figures"]:  # type: ignore[attr-defined]
        if f["note"].startswith(("not run", "CRASHED")):
            verdict = f["note"]
        elif f["met"] is None:
            verdict = "reported" + (f" — {f['note']}" if f["note"] else "")
        else:
            verdict = ("ok" if f["met"] else "**MISSED**") + (f" — {f['note']}" if f["note"] else "")
        goal = "—" if f["goal"] is None else f"<= {f['goal']:g}x"
        if f["name"] == "rerun":
            goal = f"<= {RERUN_SECONDS:g} s"
        if f.get("goal_seconds") is not None:
            goal = f"<= {f['goal_seconds']:g} s"
        if f["name"] == "province":
            goal = f"<= {PROVINCE_PEAK_MB:g} MB"
        wall = _cell(f["wall_seconds"], ".3f")
        if f["wall_floor_seconds"] is not None:
            wall += f" ({f['wall_floor_seconds']:.3f})"
        clock = " (wall)" if f["clock"] == "wall" and f["seconds"] is not None else ""
        lines.append(
            f"| {f['name']} | {_cell(f['seconds'], '.3f')}{clock} | {f['floor']} "
            f"| {_cell(f['floor_seconds'], '.3f')} | {_cell(f['ratio'], '.2f')}{'' if f['ratio'] is None else 'x'} "
            f"| {goal} | {verdict} | {wall} |"
        )
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=list(gen.SCALES), default="smoke")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per figure (median)")
    parser.add_argument("--memory-scale", choices=list(gen.SCALES), default=None)
    parser.add_argument("--only", help=f"comma-separated figures to run, of {','.join(GOALS)}")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--province-child", help=argparse.SUPPRESS)
    args = parser.parse_args(None if argv is None else list(argv))
    if args.memory_child:
        _memory_child(args.memory_child)
        return 0
    if args.province_child:
        _province_child(args.province_child)
        return 0
    repeat = max(1, args.repeat or DEFAULT_REPEAT[args.scale])
    only = None if args.only is None else [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only or ()) - set(GOALS)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    result = measure(args.scale, repeat, args.memory_scale, only)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        book = result["workbook"]
        machine = result["machine"]
        print(
            f"scale {args.scale}: {book['enterprises']:,} enterprises, {book['links']:,} links, "
            f"{book['segments']} segments ({book['bytes'] / 1e6:.1f} MB, {book['xml_bytes'] / 1e6:.1f} MB XML); "
            f"median of {repeat}; {machine['cpus']} CPUs, load average {machine['load_average']}"
        )
        print(table(result))
        missed = [f["name"] for f in result["figures"] if f["met"] is False]
        if missed:
            print(f"MISSED: {', '.join(missed)}")
    crashed = [f for f in result["figures"] if f["note"].startswith("CRASHED")]
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
