"""The one place where caches wrap the domain: what a page gets from ``chain/`` and wants kept between reruns.

Every function decorated :func:`cached` keeps its results in one server-wide store, keyed on the function
and its arguments; a :class:`Source` counts by its bytes' SHA-256 (:attr:`Source.key`), never by the bytes.
Pages call ``chain/`` directly for what is cheap and needs no cache (``chain.views``, ``chain.problems``).

Why not ``st.cache_data`` or ``st.cache_resource`` per function, with ``hash_funcs={Source: ...}``:

- *Memory.* The server is shared by a county's users on a machine with little memory (docs/deploy.md:
  ``MemoryMax`` is derived from the cache's bound). Streamlit bounds each function's entries by count
  (``max_entries``), not by size: one province-size load weighs as much as thousands of figures, so no
  count bounds the total. Its ``ttl`` counts from when an entry was made and is checked only when that
  function's cache is used again (cachetools' ``TTLCache``), so an idle server never gives memory back.
  :class:`ui.cache.BoundedCache` bounds the total pickled size of everything (``CacheLimits.max_mb``,
  least recently used first), sweeps idle entries in the background and returns their memory to the
  system.
- *Speed.* ``st.cache_data`` unpickles its value on every hit: a 200,000-link ``ChainData`` copied on
  every rerun would break the warm rerun goal (0.3 s at smoke).
- *Verdicts only.* A parse the machinery failed must not be cached, nor anything made from it; Streamlit
  caches whatever a function returns (only an exception escapes it, through every caller).

Results are shared by every session, so each caller gets its own view (:func:`ui.cache.fresh`: frames are
copy-on-write shallow copies, figures copies, frozen dataclasses rebuilt around views): a page that
changes what it got changes nobody else's, nor the cached value.

Only verdicts about the bytes are cached: the guard's refusals and the loader's report. A parse that the
machinery failed (a child killed or crashed, out of memory, past its deadline: ``ParseOutcome.transient``)
is remembered by the session that met it only, which may retry it (:func:`can_retry`); every other session
parses the file afresh. Uploads take their turn in :mod:`chain.isolate`'s parse queue as the Streamlit
session they come from; the byte guard runs once per upload, in :func:`chain.isolate.parse_upload`.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import hashlib
import inspect
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from chain import (
    brief,
    charts,
    export,
    gaps,
    geo,
    geoflows,
    graph,
    isolate,
    load,
    pairing,
    problems,
    render,
    targets,
)
from chain import columns as cat
from chain import compare as comparing
from chain.compare import CompareError, Comparison, Side
from chain.gaps import ChainReport, WhatIf
from chain.isolate import QueuePosition
from chain.model import ChainData, LoadResult
from chain.periods import Period, PeriodError, parse_period
from chain.settings import AnalysisSettings, CacheLimits, Limits
from chain.views import filter_segments, market_flows
from ui.cache import MISSING, BoundedCache, CacheStats, fresh

__all__ = [
    "LIMITS",
    "SAMPLE_PATH",
    "TEMPLATE_PATH",
    "Downloads",
    "SegmentFilters",
    "Source",
    "analyze",
    "brief_docx",
    "brief_download",
    "cache_stats",
    "cached",
    "can_retry",
    "chain_map_figure",
    "clear_caches",
    "comparison",
    "comparison_download",
    "completeness_trend",
    "firm_network_figure",
    "flow_figure",
    "load_data",
    "local_pairs",
    "pairs_downloads",
    "prepare_uploads",
    "problems_downloads",
    "problems_frame",
    "recruiting_targets",
    "sample_source",
    "segment_chart",
    "segments_downloads",
    "target_regions",
    "targets_display",
    "targets_downloads",
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

    @property
    def key(self) -> tuple[str, str, bool, bool]:
        """What a cache key holds of the source: everything that can change a result, but not the bytes
        (their SHA-256 stands for them, and a key must not keep 50 MB alive)."""
        return self.sha, self.name, self.sample, self.skip_error_rows


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


# The store.


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


def _key_part(value: object) -> Hashable:
    """An argument as part of a cache key: a source by :attr:`Source.key` (Streamlit's ``hash_funcs``)."""
    return value.key if isinstance(value, Source) else value  # type: ignore[return-value]


def cached(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` with its results kept in the server's store, keyed on its name and its arguments (defaults
    filled in, so a keyword given or left out is one key). Arguments must be hashable: sources count by
    :attr:`Source.key`, settings are frozen dataclasses, filters tuples. A result made from a load the
    machinery failed is returned but not kept; every caller gets its own view of a result."""
    signature = inspect.signature(func)
    name = func.__qualname__

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = (name, *map(_key_part, bound.arguments.values()))
        store = _store()
        hit = store.get(key)
        if hit is not MISSING:
            return fresh(hit)  # type: ignore[return-value]
        failed_before = _failed_loads()
        value = func(*args, **kwargs)
        if _failed_loads() == failed_before:
            store.put(key, value)
        return fresh(value)  # type: ignore[return-value]

    return run


# Loading: the one function the store serves by hand, since a failure of the machinery stays with a session.

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


def _load_key(source: Source) -> tuple[object, ...]:
    """The store's key of a source's load (and of its failure in a session's memory)."""
    return ("load_data", *source.key)


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
    key = _load_key(source)
    failures = _failures()
    if failures is not None and key in failures:
        if not retry:
            return _answer_failed_load(failures[key])
        del failures[key]
    store = _store()
    hit = store.get(key)
    if hit is not MISSING:
        return fresh(hit)  # type: ignore[return-value]
    if source.sample:
        result = load.load_workbook(
            source.data, limits=LIMITS, source_name=source.name, skip_error_rows=source.skip_error_rows
        )
    else:
        outcome = isolate.parse_upload(
            source.data,
            LIMITS,
            source.name,
            skip_error_rows=source.skip_error_rows,
            session=_session_id(),
            on_wait=on_wait,
        )
        result = outcome.result
        if outcome.transient:
            failures = _failures()
            if failures is not None:
                failures[key] = result
                while len(failures) > _FAILURES_KEPT:
                    failures.pop(next(iter(failures)))
            return _answer_failed_load(result)
    store.put(key, result)
    return fresh(result)  # type: ignore[return-value]


def can_retry(source: Source) -> bool:
    """Whether this session's last load of ``source`` failed for a reason other than the file itself (a
    parse child killed, out of memory or past its deadline): then loading it again may succeed."""
    failures = _failures()
    return failures is not None and _load_key(source) in failures


def _data(source: Source) -> ChainData:
    loaded = load_data(source)
    if loaded.data is None or loaded.errors:
        # Pages only ask for analysis of a workbook that loaded cleanly; reaching here is a bug.
        raise ValueError(f"{source.name} has {len(loaded.errors)} errors and cannot be analysed")
    return loaded.data


@cached
def problems_frame(source: Source) -> pd.DataFrame:
    """The validation report of a workbook (:func:`chain.problems.problem_table`), the errors of rows left
    out of the analysis with the rest."""
    loaded = load_data(source)
    excluded = loaded.data.excluded if loaded.data is not None else ()
    return problems.problem_table(loaded.errors, excluded, loaded.warnings)


# Analyses.


@cached
def analyze(source: Source, settings: AnalysisSettings) -> ChainReport:
    """The gap analysis of a clean workbook under ``settings``."""
    return gaps.analyze(_data(source), settings)


@cached
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
    return targets.recruiting_targets(
        _data(source),
        analyze(source, settings),
        settings.target_weights,
        segment=segment,
        gap=gap,
        region=region,
        min_value=min_value,
        max_distance=max_distance,
    )


@cached
def target_regions(source: Source, settings: AnalysisSettings) -> tuple[str, ...]:
    """The options of the targets page's region filter: the groupings (长三角, 珠三角, ...), the provinces
    of the targets (each keeps every place inside it, :func:`chain.geo.in_region`), then their regions as
    written, sorted."""
    found = recruiting_targets(source, settings)
    provinces = sorted(set(found["province"]) - {""})
    return (*geo.REGION_GROUPS, *provinces, *sorted(set(found["region"]) - set(provinces)))


@cached
def targets_display(
    source: Source,
    settings: AnalysisSettings,
    lang: str,
    columns: tuple[str, ...],
    *,
    segment: str | None = None,
    gap: str | None = None,
    region: str | None = None,
    min_value: float = 0.0,
    max_distance: float | None = None,
) -> pd.DataFrame:
    """The filtered target list as the targets page shows it in ``lang`` (:func:`ui.render.display_frame`):
    naming and joining every list cell of a full-scale list took a third of the page's rerun."""
    frame = recruiting_targets(
        source,
        settings,
        segment=segment,
        gap=gap,
        region=region,
        min_value=min_value,
        max_distance=max_distance,
    )
    return render.display_frame(frame, columns, lang)


@cached
def local_pairs(source: Source, settings: AnalysisSettings, *, segment: str | None = None) -> pd.DataFrame:
    """Suggested local introductions (best first); see :func:`chain.pairing.local_pairs`."""
    return pairing.local_pairs(
        _data(source), analyze(source, settings), settings.pair_weights, segment=segment
    )


@cached
def what_if(
    source: Source, settings: AnalysisSettings, segment: str, expected_output: float, name: str
) -> WhatIf:
    """Before and after a hypothetical local project in ``segment`` with ``expected_output`` 万元."""
    return gaps.what_if(_data(source), settings, segment, expected_output, name)


@cached
def projected(
    source: Source, settings: AnalysisSettings, projects: tuple[tuple[str, float, str], ...]
) -> WhatIf:
    """The chain now and when the pipeline's signed projects come on line (segment, output, name each)."""
    return gaps.what_if_projects(_data(source), settings, projects)


# Figures: building a layered layout or a Sankey is the slow part of a page, so they are cached too.


@cached
def chain_map_figure(
    source: Source, settings: AnalysisSettings, lang: str, *, category: str | None, selected: str | None
) -> go.Figure:
    """The layered chain map coloured by status, optionally one category only and one segment highlighted."""
    segments = graph.segment_graph(_data(source), analyze(source, settings))
    return charts.chain_map(segments, lang, category=category, selected=selected)


@cached
def flow_figure(source: Source, settings: AnalysisSettings, lang: str) -> go.Figure:
    """The Sankey of outside regions -> segments -> markets."""
    return charts.flow_sankey(market_flows(_data(source)), analyze(source, settings).segments, lang)


@cached
def map_flows(
    source: Source,
    settings: AnalysisSettings,
    *,
    segment: str | None = None,
    gap: str | None = None,
    firm: str | None = None,
    outside: str | None = None,
) -> pd.DataFrame:
    """Flows into and out of the county by place (:func:`chain.geoflows.map_flows`)."""
    return geoflows.map_flows(
        _data(source), analyze(source, settings), segment=segment, gap=gap, firm=firm, outside=outside
    )


@cached
def flow_map_figure(
    source: Source,
    settings: AnalysisSettings,
    lang: str,
    *,
    segment: str | None = None,
    gap: str | None = None,
    firm: str | None = None,
    outside: str | None = None,
    color_by: str = "segment",
    height: int = 720,
) -> go.Figure:
    """The map of those flows (:func:`chain.charts.flow_map`): offline, no boundaries."""
    data = _data(source)
    flows = map_flows(source, settings, segment=segment, gap=gap, firm=firm, outside=outside)
    home, _, _ = geo.locate_county(data.county, data.settings.get("county_code"))
    return charts.flow_map(flows, home, data.county, lang, color_by=color_by, height=height)


@cached
def firm_network_figure(source: Source, lang: str, firm: str) -> go.Figure:
    """One firm's suppliers and customers, local and outside."""
    return charts.firm_network(graph.firm_graph(_data(source), firm, depth=1), firm, lang)


#: Segment filters as a hashable cache key: categories, stages, statuses, gap kinds.
SegmentFilters = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
_NO_FILTERS: SegmentFilters = ((), (), (), ())
_SEGMENT_CHARTS = {
    "treemap": charts.output_treemap,
    "category": charts.category_bar,
    "leakage": charts.leakage_bar,
    "exports": charts.exports_bar,
}


@cached
def segment_chart(
    kind: str, source: Source, settings: AnalysisSettings, lang: str, filters: SegmentFilters = _NO_FILTERS
) -> go.Figure:
    """A chart of the (filtered) segment table: ``treemap`` (output by category and segment), ``category``
    (segments and output per category by status), ``leakage`` or ``exports`` (segments ranked by each)."""
    categories, stages, statuses, gap_kinds = filters
    shown = filter_segments(
        analyze(source, settings).segments,
        categories=categories,
        stages=stages,
        statuses=statuses,
        gap_kinds=gap_kinds,
    )
    return _SEGMENT_CHARTS[kind](shown, lang)


@cached
def what_if_figure(
    source: Source, settings: AnalysisSettings, segment: str, expected_output: float, name: str, lang: str
) -> go.Figure:
    """Before/after bars of the segments a hypothetical project changes."""
    return charts.what_if_bars(what_if(source, settings, segment, expected_output, name).changes, lang)


# Downloads: the bytes come from chain/export.py, cached on the same keys as the frames they export (a frame
# is never a key). Pages get them as callables that a download button runs only when clicked: writing a
# province-sized workbook on every filter change would stall each rerun.

Built = tuple[bytes, bytes]
#: (xlsx, csv) makers for st.download_button's deferred ``data``.
Downloads = tuple[Callable[[], bytes], Callable[[], bytes]]


def _deferred(build: Callable[[], Built]) -> Downloads:
    return (lambda: build()[0]), (lambda: build()[1])


@cached
def _report_files(
    kind: str,
    source: Source,
    settings: AnalysisSettings,
    lang: str,
    description: str,
    options: tuple[tuple[str, object], ...],
) -> Built:
    """A report table (``targets``, ``pairs`` or ``segments``, made with ``options``) as (xlsx, csv)."""
    if kind == "targets":
        frame = recruiting_targets(source, settings, **dict(options))  # type: ignore[arg-type]
    elif kind == "pairs":
        frame = local_pairs(source, settings, **dict(options))  # type: ignore[arg-type]
    else:
        frame = analyze(source, settings).segments
    table = export.report_table(kind, frame)
    data = _data(source)
    about: dict[str, object] = {"source": data.source, "county": data.county, "period": data.period}
    # Rows left out of the analysis come right after where the data came from: never out of sight.
    about.update(export.about_excluded(data.excluded, lang))
    if description:
        about["filters"] = description
    about.update(export.about_settings(settings))
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
    options = (
        ("segment", segment),
        ("gap", gap),
        ("region", region),
        ("min_value", min_value),
        ("max_distance", max_distance),
    )
    return _deferred(lambda: _report_files("targets", source, settings, lang, description, options))


def pairs_downloads(
    source: Source,
    settings: AnalysisSettings,
    lang: str,
    *,
    segment: str | None = None,
    description: str = "",
) -> Downloads:
    """The pairing suggestions as (xlsx, csv) bytes in ``lang``."""
    options = (("segment", segment),)
    return _deferred(lambda: _report_files("pairs", source, settings, lang, description, options))


def segments_downloads(source: Source, settings: AnalysisSettings, lang: str) -> Downloads:
    """The segment table of the gap analysis as (xlsx, csv) bytes in ``lang``."""
    return _deferred(lambda: _report_files("segments", source, settings, lang, "", ()))


@cached
def _problem_files(source: Source, lang: str) -> Built:
    loaded = load_data(source)
    table = export.ExportTable(
        "problems",
        cat.TABLES["problems"].zh,
        cat.TABLES["problems"].en,
        # Without the raw key, the severity is exported from its zh/en pair, in the export's language.
        problems_frame(source).drop(columns="severity"),
        problems.EXPORT_COLUMNS,
    )
    excluded = loaded.data.excluded if loaded.data is not None else ()
    about: dict[str, object] = {
        "source": source.name,
        "errors": len(loaded.errors) + len(excluded),
        "warnings": len(loaded.warnings),
    }
    about.update(export.about_excluded(excluded, lang))
    return export.to_xlsx([table], about, lang), export.to_csv(table, lang)


def problems_downloads(source: Source, lang: str) -> Downloads:
    """The full validation report of a workbook as (xlsx, csv) bytes in ``lang``."""
    return _deferred(lambda: _problem_files(source, lang))


# The period comparison (#14): two snapshots of one county, and every period of it.

#: A period of a comparison as the page names it: (label, county, period).
Named = tuple[str, str, Period]


def _side(source: Source, named: Named, settings: AnalysisSettings) -> Side:
    label, county, period = named
    return Side(label, county, period, _data(source), analyze(source, settings))


@cached
def comparison(
    before: Source, before_named: Named, after: Source, after_named: Named, settings: AnalysisSettings
) -> Comparison:
    """``before`` -> ``after`` compared (:func:`chain.compare.compare`); raises its CompareError."""
    return comparing.compare(_side(before, before_named, settings), _side(after, after_named, settings))


def completeness_trend(periods: list[tuple[Source, Named]], settings: AnalysisSettings) -> pd.DataFrame:
    """The completeness of each period, oldest first (:func:`chain.compare.completeness_trend`), from each
    source's cached analysis (a list of sources is no cache key: it would keep every workbook alive)."""
    return comparing.completeness_trend([_side(source, named, settings) for source, named in periods])


def comparison_download(
    before: Source,
    before_named: Named,
    after: Source,
    after_named: Named,
    settings: AnalysisSettings,
    trend: pd.DataFrame,
    lang: str,
) -> Callable[[], bytes]:
    """The comparison and the completeness trend as an xlsx workbook in ``lang``, made when the download
    button is clicked."""

    def build() -> bytes:
        compared = comparison(before, before_named, after, after_named, settings)
        tables = [*export.comparison_tables(compared), export.trend_table(trend)]
        about = {**export.comparison_about(compared, lang), **export.about_settings(settings)}
        return export.to_xlsx(tables, about, lang)

    return build


@cached
def brief_docx(
    source: Source,
    settings: AnalysisSettings,
    lang: str,
    previous: Source | None = None,
    previous_label: str = "",
) -> bytes:
    """The chain's brief as .docx bytes (:func:`chain.brief.brief_docx`), compared with ``previous`` (the same
    county's earlier period, labelled ``previous_label``) when given and comparable."""
    data, report = _data(source), analyze(source, settings)
    compared = None
    if previous is not None:
        before = _data(previous)
        try:
            compared = comparison(
                previous,
                (previous_label, before.county, parse_period(before.period)),
                source,
                (source.name, data.county, parse_period(data.period)),
                settings,
            )
        except (CompareError, PeriodError):  # not comparable: the brief goes without the comparison
            compared = None
    return brief.brief_docx(data, report, lang, comparison=compared)


def brief_download(
    source: Source,
    settings: AnalysisSettings,
    lang: str,
    earlier: Callable[[], tuple[str, Source] | None],
) -> Callable[[], bytes]:
    """The brief for a download button, made when it is clicked: ``earlier`` (asked then, not on every rerun)
    gives the earlier period to compare with, as (label, source), or None."""

    def build() -> bytes:
        found = earlier()
        label, previous = found if found is not None else ("", None)
        return brief_docx(source, settings, lang, previous, label)

    return build
