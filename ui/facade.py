"""The one place where caches wrap the domain: every page gets its analysis from here.

Results are cached server-wide in one :class:`ui.cache.BoundedCache` (``chain.settings.CacheLimits``: a
total size and an idle time), kept in ``st.cache_resource``. Keys are the SHA-256 of the workbook bytes plus
the settings and on whether the user chose to leave the rows in error out (:attr:`Source.skip_error_rows`);
the bytes travel in an unkeyed ``_bytes`` argument. Results are objects of ``chain/`` (frames, reports,
figures, bytes), shared by every session: each caller gets its own view (:func:`ui.cache.fresh`).

Only verdicts about the bytes are cached: the guard's refusals and the loader's report. A parse that the
machinery failed (a child killed or crashed, out of memory, past its deadline: ``ParseOutcome.transient``)
is remembered by the session that met it only, which may retry it (:func:`can_retry`); every other session
parses the file afresh. Uploads take their turn in :mod:`chain.isolate`'s parse queue as the Streamlit
session they come from.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import hashlib
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from chain import charts, export, gaps, graph, guard, isolate, load, pairing, targets
from chain.gaps import ChainReport, WhatIf
from chain.isolate import QueuePosition
from chain.labels import SEVERITIES, label
from chain.model import ChainData, LoadResult
from chain.problems import Problem
from chain.settings import AnalysisSettings, CacheLimits, Limits
from chain.views import (
    ChainTotals,
    chain_totals,
    filter_segments,
    firm_customers,
    firm_suppliers,
    market_flows,
    purchase_groups,
    segment_buyers,
    segment_firms,
    segment_inputs,
    segment_suppliers,
    status_counts,
    top_gaps,
)
from ui.cache import MISSING, BoundedCache, CacheStats, fresh
from ui.i18n import t

__all__ = [
    "PROBLEM_COLUMNS",
    "SAMPLE_PATH",
    "TEMPLATE_PATH",
    "ChainTotals",
    "SegmentFilters",
    "Source",
    "analyze",
    "cache_stats",
    "can_retry",
    "chain_map_figure",
    "chain_totals",
    "check_bytes",
    "clear_caches",
    "filter_segments",
    "firm_customers",
    "firm_network_figure",
    "firm_suppliers",
    "flow_figure",
    "load_data",
    "local_pairs",
    "pairs_downloads",
    "prepare_uploads",
    "problems_downloads",
    "problems_frame",
    "purchase_groups",
    "recruiting_targets",
    "sample_source",
    "segment_buyers",
    "segment_chart",
    "segment_firms",
    "segment_inputs",
    "segment_suppliers",
    "segments_downloads",
    "status_counts",
    "targets_downloads",
    "top_gaps",
    "upload_source",
    "what_if",
    "what_if_figure",
    "with_error_rows_left_out",
]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PATH = ROOT / "data" / "sample.xlsx"
TEMPLATE_PATH = ROOT / "data" / "template.xlsx"
LIMITS = Limits()
CACHE = CacheLimits()
_MB = 1024 * 1024
#: session_state key of the loads the machinery failed for this session: load key -> LoadResult.
_FAILURES_KEY = "_facade_parse_failures"
#: Failed loads a session remembers (the newest); older ones are simply parsed again when asked for.
_FAILURES_KEPT = 4

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Source:
    """A workbook the dashboard can analyse: its bytes, their SHA-256 and the name shown to people."""

    sha: str
    name: str
    data: bytes = field(repr=False, compare=False)
    #: The bundled sample is ours and loads in-process; uploads are parsed in a child process.
    sample: bool = False
    #: The user's explicit choice to analyse without the rows in error (``LoadResult.skippable_rows``);
    #: those rows are then named on every page and in every export. Part of every cache key.
    skip_error_rows: bool = False


def sample_source() -> Source | None:
    """The bundled sample workbook, or None when the file is missing."""
    if not SAMPLE_PATH.is_file():
        return None
    data = SAMPLE_PATH.read_bytes()
    return Source(hashlib.sha256(data).hexdigest(), SAMPLE_PATH.name, data, sample=True)


def upload_source(name: str, data: bytes) -> Source:
    """An uploaded workbook as a source (hashing it once, when it arrives)."""
    return Source(hashlib.sha256(data).hexdigest(), name, data, sample=False)


def with_error_rows_left_out(source: Source, leave_out: bool = True) -> Source:
    """The same workbook, analysed without its rows in error (``leave_out``) or with every row."""
    return dataclasses.replace(source, skip_error_rows=leave_out)


@st.cache_resource(show_spinner=False)
def prepare_uploads() -> None:
    """Start a parse helper once per server, ahead of the first upload, so it does not wait for imports."""
    isolate.warm_up()


def check_bytes(data: bytes) -> Problem | None:
    """The byte guard's verdict on an upload before any parser sees it (cheap: not cached)."""
    return guard.check_bytes(data, LIMITS)


@st.cache_resource(show_spinner=False)
def _store() -> BoundedCache:
    """The server's one result cache, swept for expired entries in the background."""
    store = BoundedCache(CACHE.max_mb * _MB, CACHE.ttl_seconds, on_drop=_give_memory_back)
    store.start_sweeper(CACHE.sweep_seconds)
    return store


def _give_memory_back() -> None:
    """Return the memory of dropped entries to the system. Otherwise Arrow's allocator (mimalloc) and the C
    library's keep what frames and exports freed, for reuse: after every page and export of the largest
    accepted workbook, emptying the cache took the server from 1,106 MB to 530 MB without this, to 358 MB
    with it (idle: 250 MB)."""
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc only
    if trim is not None:
        trim(0)


def cache_stats() -> CacheStats:
    """What the server's result cache holds now (entries, bytes, the bound) and has done."""
    return _store().stats()


def clear_caches() -> None:
    """Empty the server's result cache (for tests and benchmarks: a user never needs to)."""
    _store().clear()


def _memo(func: Callable[P, R]) -> Callable[P, R]:
    """Cache ``func``'s results in the server's store, keyed on its name and arguments but ``_bytes``."""
    signature = inspect.signature(func)
    name = func.__qualname__

    @functools.wraps(func)
    def cached(*args: P.args, **kwargs: P.kwargs) -> R:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = (name, *(value for arg, value in bound.arguments.items() if not arg.startswith("_")))
        store = _store()
        hit = store.get(key)
        if hit is not MISSING:
            return fresh(hit)  # type: ignore[return-value]
        failed_before = _failed_loads()
        value = func(*args, **kwargs)
        # A result made from a load the machinery failed (a problems report of it) is not a verdict either.
        if _failed_loads() == failed_before:
            store.put(key, value)
        return fresh(value)  # type: ignore[return-value]

    return cached


_here = threading.local()


def _failed_loads() -> int:
    """How many machinery-failed loads this thread has answered with (a result made from one is not cached)."""
    return getattr(_here, "failed_loads", 0)


def _answer_failed_load(result: LoadResult) -> LoadResult:
    _here.failed_loads = _failed_loads() + 1
    return result


def _session_id() -> str | None:
    """Streamlit's id of the session running this script (None outside a script run).

    ``st.context`` carries no session id (Streamlit 1.67); the script-run context is where Streamlit
    keeps it, and what AppTest sets too.
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def _failures() -> dict[tuple[object, ...], LoadResult] | None:
    """This session's loads that the machinery failed (None outside a script run: nothing is kept)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.setdefault(_FAILURES_KEY, {})


def _load_key(sha: str, name: str, sample: bool, skip: bool) -> tuple[object, ...]:
    return ("_load", sha, name, sample, skip)


def _load(
    sha: str,
    name: str,
    sample: bool,
    skip: bool,
    _bytes: bytes,
    on_wait: Callable[[QueuePosition], object] | None = None,
) -> LoadResult:
    """The load of a workbook from the store, or parsed now; a machinery failure is not stored, and is the
    answer for the session that met it until it retries (:func:`load_data`)."""
    key = _load_key(sha, name, sample, skip)
    failures = _failures()
    if failures is not None and key in failures:
        return _answer_failed_load(failures[key])
    store = _store()
    hit = store.get(key)
    if hit is not MISSING:
        return fresh(hit)  # type: ignore[return-value]
    if sample:
        result = load.load_workbook(_bytes, limits=LIMITS, source_name=name, skip_error_rows=skip)
    else:
        outcome = isolate.parse_upload(
            _bytes, LIMITS, name, skip_error_rows=skip, session=_session_id(), on_wait=on_wait
        )
        result = outcome.result
        if outcome.transient:
            failures = _failures()
            if failures is not None:
                failures.pop(key, None)
                failures[key] = result
                while len(failures) > _FAILURES_KEPT:
                    failures.pop(next(iter(failures)))
            return _answer_failed_load(result)
    store.put(key, result)
    return fresh(result)  # type: ignore[return-value]


def load_data(
    source: Source,
    *,
    on_wait: Callable[[QueuePosition], object] | None = None,
    retry: bool = False,
) -> LoadResult:
    """Guard, parse and validate a workbook: the data when it has no errors, and every problem found.

    An upload waits for its turn in the parse queue; ``on_wait`` is told its place meanwhile. When the
    machinery failed on this workbook earlier in this session (:func:`can_retry`), that failure is the
    answer again, so that each page does not parse it anew, unless ``retry`` asks to parse it again.
    """
    failures = _failures()
    if retry and failures is not None:
        failures.pop(_load_key(source.sha, source.name, source.sample, source.skip_error_rows), None)
    return _load(
        source.sha, source.name, source.sample, source.skip_error_rows, _bytes=source.data, on_wait=on_wait
    )


def can_retry(source: Source) -> bool:
    """Whether this session's last load of ``source`` failed for a reason other than the file itself (a
    parse child killed, out of memory or past its deadline): then loading it again may succeed."""
    failures = _failures()
    key = _load_key(source.sha, source.name, source.sample, source.skip_error_rows)
    return failures is not None and key in failures


def _data(sha: str, name: str, sample: bool, skip: bool, data: bytes) -> ChainData:
    loaded = _load(sha, name, sample, skip, _bytes=data)
    if loaded.data is None or loaded.errors:
        # Pages only ask for analysis of a workbook that loaded cleanly; reaching here is a bug.
        raise ValueError(f"{name} has {len(loaded.errors)} errors and cannot be analysed")
    return loaded.data


@_memo
def _analyze(
    sha: str, name: str, sample: bool, skip: bool, settings: AnalysisSettings, _bytes: bytes
) -> ChainReport:
    return gaps.analyze(_data(sha, name, sample, skip, _bytes), settings)


def analyze(source: Source, settings: AnalysisSettings) -> ChainReport:
    """The gap analysis of a clean workbook under ``settings``."""
    return _analyze(
        source.sha, source.name, source.sample, source.skip_error_rows, settings, _bytes=source.data
    )


@_memo
def _targets(
    sha: str,
    name: str,
    sample: bool,
    skip: bool,
    settings: AnalysisSettings,
    segment: str | None,
    gap: str | None,
    region: str | None,
    min_value: float,
    max_distance: float | None,
    _bytes: bytes,
) -> pd.DataFrame:
    data = _data(sha, name, sample, skip, _bytes)
    report = _analyze(sha, name, sample, skip, settings, _bytes=_bytes)
    return targets.recruiting_targets(
        data,
        report,
        settings.target_weights,
        segment=segment,
        gap=gap,
        region=region,
        min_value=min_value,
        max_distance=max_distance,
    )


def recruiting_targets(
    source: Source,
    settings: AnalysisSettings,
    *,
    segment: str | None = None,
    gap: str | None = None,
    region: str | None = None,
    min_value: float = 0.0,
    max_distance: float | None = None,
) -> pd.DataFrame:
    """Ranked recruiting targets (best first), filtered as given; see :func:`chain.targets.recruiting_targets`."""
    return _targets(
        source.sha,
        source.name,
        source.sample,
        source.skip_error_rows,
        settings,
        segment,
        gap,
        region,
        float(min_value),
        max_distance,
        _bytes=source.data,
    )


@_memo
def _pairs(
    sha: str,
    name: str,
    sample: bool,
    skip: bool,
    settings: AnalysisSettings,
    segment: str | None,
    _bytes: bytes,
):
    data = _data(sha, name, sample, skip, _bytes)
    report = _analyze(sha, name, sample, skip, settings, _bytes=_bytes)
    return pairing.local_pairs(data, report, settings.pair_weights, segment=segment)


def local_pairs(source: Source, settings: AnalysisSettings, *, segment: str | None = None) -> pd.DataFrame:
    """Suggested local introductions (best first); see :func:`chain.pairing.local_pairs`."""
    return _pairs(
        source.sha, source.name, source.sample, source.skip_error_rows, settings, segment, _bytes=source.data
    )


@_memo
def _what_if(
    sha: str,
    name: str,
    sample: bool,
    skip: bool,
    settings: AnalysisSettings,
    segment: str,
    expected_output: float,
    project: str,
    _bytes: bytes,
) -> WhatIf:
    return gaps.what_if(_data(sha, name, sample, skip, _bytes), settings, segment, expected_output, project)


def what_if(
    source: Source, settings: AnalysisSettings, segment: str, expected_output: float, name: str
) -> WhatIf:
    """Before and after a hypothetical local project in ``segment`` with ``expected_output`` 万元."""
    return _what_if(
        source.sha,
        source.name,
        source.sample,
        source.skip_error_rows,
        settings,
        segment,
        float(expected_output),
        name,
        _bytes=source.data,
    )


# Figures: building a layered layout or a Sankey is the slow part of a page, so they are cached too.


@_memo
def _chain_map(
    sha: str,
    name: str,
    sample: bool,
    skip: bool,
    settings: AnalysisSettings,
    lang: str,
    category: str | None,
    selected: str | None,
    _bytes: bytes,
) -> go.Figure:
    data = _data(sha, name, sample, skip, _bytes)
    report = _analyze(sha, name, sample, skip, settings, _bytes=_bytes)
    return charts.chain_map(graph.segment_graph(data, report), lang, category=category, selected=selected)


def chain_map_figure(
    source: Source, settings: AnalysisSettings, lang: str, *, category: str | None, selected: str | None
) -> go.Figure:
    """The layered chain map coloured by status, optionally one category only and one segment highlighted."""
    return _chain_map(
        source.sha,
        source.name,
        source.sample,
        source.skip_error_rows,
        settings,
        lang,
        category,
        selected,
        _bytes=source.data,
    )


@_memo
def _flow(
    sha: str, name: str, sample: bool, skip: bool, settings: AnalysisSettings, lang: str, _bytes: bytes
) -> go.Figure:
    data = _data(sha, name, sample, skip, _bytes)
    report = _analyze(sha, name, sample, skip, settings, _bytes=_bytes)
    return charts.flow_sankey(market_flows(data), report.segments, lang)


def flow_figure(source: Source, settings: AnalysisSettings, lang: str) -> go.Figure:
    """The Sankey of outside regions -> segments -> markets."""
    return _flow(
        source.sha, source.name, source.sample, source.skip_error_rows, settings, lang, _bytes=source.data
    )


@_memo
def _firm_network(
    sha: str, name: str, sample: bool, skip: bool, lang: str, firm: str, _bytes: bytes
) -> go.Figure:
    data = _data(sha, name, sample, skip, _bytes)
    return charts.firm_network(graph.firm_graph(data, firm, depth=1), firm, lang)


def firm_network_figure(source: Source, lang: str, firm: str) -> go.Figure:
    """One firm's suppliers and customers, local and outside."""
    return _firm_network(
        source.sha, source.name, source.sample, source.skip_error_rows, lang, firm, _bytes=source.data
    )


#: Segment filters as a hashable cache key: categories, stages, statuses, gap kinds.
SegmentFilters = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
_NO_FILTERS: SegmentFilters = ((), (), (), ())
_SEGMENT_CHARTS = {
    "treemap": charts.output_treemap,
    "category": charts.category_bar,
    "leakage": charts.leakage_bar,
    "exports": charts.exports_bar,
}


@_memo
def _segment_chart(
    kind: str,
    sha: str,
    name: str,
    sample: bool,
    skip: bool,
    settings: AnalysisSettings,
    lang: str,
    filters: SegmentFilters,
    _bytes: bytes,
) -> go.Figure:
    report = _analyze(sha, name, sample, skip, settings, _bytes=_bytes)
    categories, stages, statuses, gap_kinds = filters
    shown = filter_segments(
        report.segments, categories=categories, stages=stages, statuses=statuses, gap_kinds=gap_kinds
    )
    return _SEGMENT_CHARTS[kind](shown, lang)


def segment_chart(
    kind: str, source: Source, settings: AnalysisSettings, lang: str, filters: SegmentFilters = _NO_FILTERS
) -> go.Figure:
    """A chart of the (filtered) segment table: ``treemap`` (output by category and segment), ``category``
    (segments and output per category by status), ``leakage`` or ``exports`` (segments ranked by each)."""
    return _segment_chart(
        kind,
        source.sha,
        source.name,
        source.sample,
        source.skip_error_rows,
        settings,
        lang,
        filters,
        _bytes=source.data,
    )


@_memo
def _what_if_chart(
    sha: str,
    name: str,
    sample: bool,
    skip: bool,
    settings: AnalysisSettings,
    segment: str,
    expected_output: float,
    project: str,
    lang: str,
    _bytes: bytes,
) -> go.Figure:
    result = _what_if(sha, name, sample, skip, settings, segment, expected_output, project, _bytes=_bytes)
    return charts.what_if_bars(result.changes, lang)


def what_if_figure(
    source: Source, settings: AnalysisSettings, segment: str, expected_output: float, name: str, lang: str
) -> go.Figure:
    """Before/after bars of the segments a hypothetical project changes."""
    return _what_if_chart(
        source.sha,
        source.name,
        source.sample,
        source.skip_error_rows,
        settings,
        segment,
        float(expected_output),
        name,
        lang,
        _bytes=source.data,
    )


# Downloads: the bytes come from chain/export.py, cached on the same keys as the frames they export (a frame
# is never a key). Pages get them as callables that a download button
# runs only when clicked: writing a province-sized workbook on every filter change would stall each rerun.

Built = tuple[bytes, bytes]
#: (xlsx, csv) makers for st.download_button's deferred ``data``.
Downloads = tuple[Callable[[], bytes], Callable[[], bytes]]


def _deferred(build: Callable[[], Built]) -> Downloads:
    return (lambda: build()[0]), (lambda: build()[1])


def _about(data: ChainData, settings: AnalysisSettings, lang: str, filters: str) -> dict[str, object]:
    about: dict[str, object] = {"source": data.source, "county": data.county, "period": data.period}
    # Rows left out of the analysis come right after where the data came from: never out of sight.
    about.update(export.about_excluded(data.excluded, lang))
    if filters:
        about[t("about_filters", lang)] = filters
    about.update(export.about_settings(settings))
    return about


@_memo
def _targets_downloads(
    sha: str,
    name: str,
    sample: bool,
    skip: bool,
    settings: AnalysisSettings,
    filters: tuple[str | None, str | None, str | None, float, float | None],
    description: str,
    lang: str,
    _bytes: bytes,
) -> Built:
    frame = _targets(sha, name, sample, skip, settings, *filters, _bytes=_bytes)
    table = export.report_table("targets", frame)
    about = _about(_data(sha, name, sample, skip, _bytes), settings, lang, description)
    return export.to_xlsx([table], about, lang), export.to_csv(table, lang)


def targets_downloads(
    source: Source,
    settings: AnalysisSettings,
    lang: str,
    *,
    segment: str | None = None,
    gap: str | None = None,
    region: str | None = None,
    min_value: float = 0.0,
    max_distance: float | None = None,
    description: str = "",
) -> Downloads:
    """The filtered target list as (xlsx, csv) bytes in ``lang``; ``description`` names the filters."""
    filters = (segment, gap, region, float(min_value), max_distance)
    return _deferred(
        lambda: _targets_downloads(
            source.sha,
            source.name,
            source.sample,
            source.skip_error_rows,
            settings,
            filters,
            description,
            lang,
            _bytes=source.data,
        )
    )


@_memo
def _pairs_downloads(
    sha: str,
    name: str,
    sample: bool,
    skip: bool,
    settings: AnalysisSettings,
    segment: str | None,
    description: str,
    lang: str,
    _bytes: bytes,
) -> Built:
    frame = _pairs(sha, name, sample, skip, settings, segment, _bytes=_bytes)
    table = export.report_table("pairs", frame)
    about = _about(_data(sha, name, sample, skip, _bytes), settings, lang, description)
    return export.to_xlsx([table], about, lang), export.to_csv(table, lang)


def pairs_downloads(
    source: Source,
    settings: AnalysisSettings,
    lang: str,
    *,
    segment: str | None = None,
    description: str = "",
) -> Downloads:
    """The pairing suggestions as (xlsx, csv) bytes in ``lang``."""
    return _deferred(
        lambda: _pairs_downloads(
            source.sha,
            source.name,
            source.sample,
            source.skip_error_rows,
            settings,
            segment,
            description,
            lang,
            _bytes=source.data,
        )
    )


@_memo
def _segments_downloads(
    sha: str, name: str, sample: bool, skip: bool, settings: AnalysisSettings, lang: str, _bytes: bytes
) -> Built:
    report = _analyze(sha, name, sample, skip, settings, _bytes=_bytes)
    table = export.report_table("segments", report.segments)
    about = _about(_data(sha, name, sample, skip, _bytes), settings, lang, "")
    return export.to_xlsx([table], about, lang), export.to_csv(table, lang)


def segments_downloads(source: Source, settings: AnalysisSettings, lang: str) -> Downloads:
    """The segment table of the gap analysis as (xlsx, csv) bytes in ``lang``."""
    return _deferred(
        lambda: _segments_downloads(
            source.sha, source.name, source.sample, source.skip_error_rows, settings, lang, _bytes=source.data
        )
    )


#: Columns of the validation report, as keys of :data:`chain.labels.COLUMNS`, on the page and in the
#: download: where, then what (the message, right after where), the cell as written, the code last.
PROBLEM_COLUMNS: tuple[str, ...] = ("severity", "sheet", "row", "column", "message", "cell_value", "code")


def problems_frame(loaded: LoadResult) -> pd.DataFrame:
    """Every problem of a load as one row (errors first): where, what, and the message in zh and en.

    The errors of rows the user chose to leave out (``ChainData.excluded``) are errors of the workbook
    still, and listed with them.
    """
    excluded = loaded.data.excluded if loaded.data is not None else ()
    rows = [
        {
            "severity": p.severity,
            "severity_zh": label(p.severity, "zh", SEVERITIES),
            "severity_en": label(p.severity, "en", SEVERITIES),
            "sheet": p.sheet,
            # Whole-file problems have no row: keep the column numeric for sorting and Excel.
            "row": pd.NA if p.row is None else int(p.row),
            "column": p.column or "",
            "cell_value": p.value or "",
            "code": p.code,
            "message_zh": p.message_zh,
            "message_en": p.message_en,
        }
        for p in (*loaded.errors, *excluded, *loaded.warnings)
    ]
    columns = ["severity", "severity_zh", "severity_en", "sheet", "row", "column", "cell_value", "code"]
    frame = pd.DataFrame(rows, columns=[*columns, "message_zh", "message_en"])
    frame["row"] = frame["row"].astype("Int64")
    return frame


@_memo
def _problems_downloads(sha: str, name: str, sample: bool, skip: bool, lang: str, _bytes: bytes) -> Built:
    loaded = _load(sha, name, sample, skip, _bytes=_bytes)
    table = export.ExportTable(
        "problems",
        t("export_problems_title", "zh"),
        t("export_problems_title", "en"),
        # Without the raw key, the severity is exported from its zh/en pair, in the export's language.
        problems_frame(loaded).drop(columns="severity"),
        PROBLEM_COLUMNS,
    )
    excluded = loaded.data.excluded if loaded.data is not None else ()
    about: dict[str, object] = {
        "source": name,
        t("about_errors", lang): len(loaded.errors) + len(excluded),
        t("about_warnings", lang): len(loaded.warnings),
    }
    about.update(export.about_excluded(excluded, lang))
    return export.to_xlsx([table], about, lang), export.to_csv(table, lang)


def problems_downloads(source: Source, lang: str) -> Downloads:
    """The full validation report of a workbook as (xlsx, csv) bytes in ``lang``."""
    return _deferred(
        lambda: _problems_downloads(
            source.sha, source.name, source.sample, source.skip_error_rows, lang, _bytes=source.data
        )
    )
