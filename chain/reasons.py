"""The words of the analyses' reasons: zh / en templates for the reason codes and factor columns that
:mod:`chain.gaps`, :mod:`chain.targets` and :mod:`chain.pairing` return, rendered only for what is shown
or exported.

An analysis says *why* with data, as :mod:`chain.problems` does for input problems: a segment's ``reason``
is a code (:data:`SEGMENT_REASONS`), a target's ``reasons`` a tuple of codes in the order its ranking reads
them: value traded, reach, distance, gap, a project under way (:data:`TARGET_REASONS`), a pair's ``reason`` a code (:data:`PAIR_REASONS`), and a pair's outside suppliers
are :class:`OutsideSupplier` records. The numbers a sentence quotes are columns of the same frame (firms,
demand, local share, rank, gap size ...). :func:`render` turns a frame into sentences in one language.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chain import numbers
from chain.columns import STATUSES
from chain.schema import PROJECTS

__all__ = [
    "CHANGE_REASONS",
    "CHANGE_SEPARATORS",
    "FACTOR_COLUMNS",
    "PAIR_REASONS",
    "SEGMENT_REASONS",
    "SUMMARY_CHANGES",
    "SUMMARY_SENTENCES",
    "TABLES",
    "TARGET_REASONS",
    "OutsideSupplier",
    "percents",
    "render",
    "render_changes",
    "render_outside_suppliers",
    "render_period_reasons",
    "segment_reason",
    "shares_apart",
    "summary_change",
    "summary_sentence",
    "table_of",
]

Table = Literal["segments", "targets", "pairs"]

#: The analysis tables whose reasons this module words.
TABLES: tuple[Table, ...] = ("segments", "targets", "pairs")

#: Columns a table carries only so that its reasons can be worded: not shown, not exported.
FACTOR_COLUMNS: dict[Table, tuple[str, ...]] = {
    "segments": ("weak_share",),
    "targets": ("rank", "gap_size", "projects", "project_statuses"),
    "pairs": (),
}

#: Segment reason code -> (zh, en). Fields: firms (with {s}, the English plural), demand (an amount with its unit), share and
#: threshold (percentages with just enough decimals, :func:`percents`).
SEGMENT_REASONS: dict[str, tuple[str, str]] = {
    "no_firm": ("无本地企业", "no local firm"),
    "no_firm_bought_outside": (
        "无本地企业，本地需求 {demand}全部外购",
        "no local firm; local demand of {demand} all bought from outside",
    ),
    "few_firms": ("只有{firms}家本地企业", "only {firms} local firm{s}"),
    "few_firms_low_share": (
        "只有{firms}家本地企业，本地配套率 {share} < {threshold}",
        "only {firms} local firm{s}; local share {share} < {threshold}",
    ),
    "few_firms_no_demand": (
        "只有{firms}家本地企业，无本地需求",
        "only {firms} local firm{s}; no local demand",
    ),
    "low_share": ("本地配套率 {share} < {threshold}", "local share {share} < {threshold}"),
    "strong_share": (
        "{firms}家本地企业，本地配套率 {share} ≥ {threshold}",
        "{firms} local firms, local share {share} ≥ {threshold}",
    ),
    "strong_no_demand": ("{firms}家本地企业，无本地需求", "{firms} local firms, no local demand"),
}

#: Target reason code -> gap kind -> (zh, en). Fields: value and gap (amounts with their unit), rank, partners (with {s}),
#: km, projects (each project with its status, joined).
TARGET_REASONS: dict[str, dict[str, tuple[str, str]]] = {
    "value": {
        "upstream": (
            "已向本县供货 {value}，居本环节外地供应商第{rank}位",
            "already sells {value} into the county, #{rank} among this segment's outside suppliers",
        ),
        "downstream": (
            "已从本县采购 {value}，居本环节外地采购方第{rank}位",
            "already buys {value} from the county, #{rank} among this segment's outside buyers",
        ),
    },
    "partners": {
        "upstream": ("服务{partners}家本地企业", "serves {partners} local firm{s}"),
        "downstream": ("从{partners}家本地企业采购", "buys from {partners} local firm{s}"),
    },
    "distance": {
        "upstream": ("运距 {km}，本地化可省物流", "{km} away: a local plant saves transport"),
        "downstream": ("运距 {km}，就地加工可省物流", "{km} away: processing locally saves transport"),
    },
    "gap": {
        "upstream": (
            "本环节外购 {gap}",
            "the county buys {gap} of this segment from outside",
        ),
        "downstream": (
            "本环节外流待加工 {gap}",
            "{gap} of this segment's inputs leave the county to be processed",
        ),
    },
    "project": dict.fromkeys(
        ("upstream", "downstream"), ("已有招商项目：{projects}", "project under way: {projects}")
    ),
}

#: Pair reason code -> (zh, en). Fields: buyer, supplier, segment, value (bought from outside) and output: amounts with their unit.
PAIR_REASONS: dict[str, tuple[str, str]] = {
    "buys_outside_no_link": (
        "{buyer}现从外地采购{segment}产品 {value}；{supplier}为本地{segment}企业（产值 {output}），"
        "双方尚无供货关系",
        "{buyer} buys {value} of {segment} from outside; "
        "{supplier} makes {segment} locally (output {output}) and does not supply it yet",
    ),
}

#: Summary sentence code -> (zh, en): the sentences of a brief's summary paragraph (:mod:`chain.brief`), the
#: same facts the overview shows, in the same words. Fields are numbers already in words (:mod:`chain.numbers`)
#: and names: county, period, firms, above_scale, output, employees (scale); growth; share and county_output
#: (county_share); total, strong, weak, missing (status); segments, value (completeness); previous and
#: change (compared: the whole chain's sentence of :func:`render_changes`); segment and amount
#: (top_upstream, top_downstream).
SUMMARY_SENTENCES: dict[str, tuple[str, str]] = {
    "scale": (
        "{period}，{county}产业链共有本地企业{firms}，其中规上企业{above_scale}，实现产值{output}，用工{employees}。",
        "In {period}, the chain of {county} counted {firms} locally ({above_scale} above scale), "
        "with an output of {output} and {employees} employed.",
    ),
    "growth": (
        "产值同比增速为{growth}（按企业产值加权）。",
        "Output growth year on year: {growth} (weighted by output).",
    ),
    "county_share": (
        "产业链产值占全县工业总产值（{county_output}）的{share}。",
        "The chain makes {share} of the county's industrial output ({county_output}).",
    ),
    "status": (
        "全链{total}个环节中，强链{strong}个、弱链{weak}个、缺链{missing}个。",
        "Of its {total} segments: {strong} strong, {weak} weak, {missing} missing.",
    ),
    "completeness": (
        "链条完整度（有本地企业的环节占比）为{segments}，本地需求的{value}由本县满足。",
        "Completeness (segments with a local firm) is {segments}; {value} of local demand is met in the county.",
    ),
    "compared": ("与{previous}相比：{change}。", "Compared with {previous}: {change}."),
    "top_upstream": (
        "外购最多的环节是{segment}（外购{amount}），",
        "The largest purchase from outside is {segment} ({amount});",
    ),
    "top_downstream": (
        "外流待加工最多的是{segment}的上游产品（{amount}）。",
        "the largest flow of inputs processed elsewhere is for {segment} ({amount}).",
    ),
    "no_upstream": ("本地需求均由本县满足，", "All local demand is met in the county;"),
    "no_downstream": ("没有外流待加工的产品。", "no local output leaves the county to be processed."),
}

#: A change of a share between two periods -> (zh, en); ``{points}`` is the change in percentage points.
SUMMARY_CHANGES: dict[str, tuple[str, str]] = {
    "up": ("提高{points}个百分点", "up {points} percentage points"),
    "down": ("下降{points}个百分点", "down {points} percentage points"),
    "same": ("持平", "unchanged"),
    "undefined": ("无法比较", "not comparable"),
}

#: What changed between two periods (:attr:`chain.compare.Comparison.changes`): a sentence is a head, then
#: its parts joined (:data:`CHANGE_SEPARATORS`). Head code -> (zh, en); fields: segment, status_from and
#: status_to (status words). Part code -> (zh, en); fields: added and removed (counts, {s_added} and
#: {s_removed} the English plurals), and the two shares of each ratio (percentages with just enough decimals
#: to tell them apart): share_from/share_to, segments_from/segments_to, value_from/value_to.
CHANGE_REASONS: dict[str, dict[str, tuple[str, str]]] = {
    "head": {
        "chain": ("全链", "Whole chain"),
        "transition": ("{segment}：{status_from} → {status_to}", "{segment}: {status_from} → {status_to}"),
        "unchanged": ("{segment}：仍为{status_to}", "{segment}: still {status_to}"),
        "segment_new": (
            "{segment}：新列入产业链图谱（{status_to}）",
            "{segment}: new in the chain template ({status_to})",
        ),
        "segment_dropped": (
            "{segment}：不再列入产业链图谱（原为{status_from}）",
            "{segment}: no longer in the chain template (was {status_from})",
        ),
    },
    "parts": {
        "firms_added": ("本地新增 {added} 家企业", "{added} new local firm{s_added}"),
        "firms_removed": ("本地减少 {removed} 家企业", "{removed} local firm{s_removed} gone"),
        "share": ("本地配套率 {share_from} → {share_to}", "local share {share_from} → {share_to}"),
        "completeness_segments": (
            "环节完整度 {segments_from} → {segments_to}",
            "segments covered {segments_from} → {segments_to}",
        ),
        "completeness_value": (
            "全链本地配套率 {value_from} → {value_to}",
            "chain demand met locally {value_from} → {value_to}",
        ),
    },
}
#: (between head and parts, between parts) in each language.
CHANGE_SEPARATORS: dict[str, tuple[str, str]] = {"zh": (" —— ", "，"), "en": (" — ", "; ")}

#: An outside supplier as it reads in each language: name, (region), amount.
_SUPPLIER = {
    "zh": ("{name}({region}) {value}", "{name} {value}"),
    "en": ("{name}({region}) {value}", "{name} {value}"),
}
_PROJECT = {"zh": ("{name}（{status}）", "、"), "en": ("{name} ({status})", ", ")}


_TEXT = pa.large_string()


class OutsideSupplier(NamedTuple):
    """A supplier outside the county that a local pair could replace: name, region ("" when not given)
    and the value (万元) it sells to the buyer in the segment."""

    name: str
    region: str
    value: float


def percents(share: float, threshold: float) -> tuple[str, str]:
    """A share and a threshold as percentages, with just enough decimals that they read equal only when
    they are (49.99% is not shown as 50% next to a 50% threshold).

    >>> percents(0.4999, 0.5), percents(2 / 3, 0.5)
    (('49.99%', '50.00%'), ('67%', '50%'))
    """
    for digits in range(4):
        shown, limit = f"{share * 100:.{digits}f}%", f"{threshold * 100:.{digits}f}%"
        if (shown == limit) == (share == threshold):
            break
    return shown, limit


def table_of(columns: Sequence[str] | pd.Index) -> Table | None:
    """Which analysis table a frame with these columns is, by its reason column: ``reasons`` makes it the
    targets, ``reason`` with a ``buyer`` the pairs, ``reason`` alone the segments; None without either."""
    if "reasons" in columns:
        return "targets"
    if "reason" in columns:
        return "pairs" if "buyer" in columns else "segments"
    return None


def render(table: Table, frame: pd.DataFrame, lang: str) -> pd.Series:
    """The reasons of ``frame``, a frame of ``table`` (its ``reason`` or ``reasons`` codes and the factor
    columns they quote), in ``lang``: one str per row, a tuple of str per row for the targets. Same index
    as ``frame``; ``frame`` is not changed.

    >>> segments = pd.DataFrame({"reason": ["few_firms_low_share"], "firms": [1], "demand": [100.0],
    ...                          "local_share": [0.4], "weak_share": [0.5]})
    >>> render("segments", segments, "zh").tolist(), render("segments", segments, "en").tolist()
    (['只有1家本地企业，本地配套率 40% < 50%'], ['only 1 local firm; local share 40% < 50%'])
    """
    side = _side(lang)
    if table == "segments":
        words = _segment_reasons(frame, lang)
    elif table == "targets":
        words = _target_reasons(frame, side, lang)
    elif table == "pairs":
        words = _pair_reasons(frame, side, lang)
    else:
        raise ValueError(f"table must be one of {TABLES}, not {table!r}")
    if table == "targets":
        return pd.Series(words, index=frame.index, dtype=object)
    return pd.Series(pd.array(words, dtype="str"), index=frame.index)


def render_outside_suppliers(frame: pd.DataFrame, lang: str) -> pd.Series:
    """A pair frame's ``outside_suppliers`` (tuples of :class:`OutsideSupplier`) in ``lang``: a tuple of
    ``"name(region) amount"`` per row, largest first, the amount as :func:`chain.numbers.amount` writes it.

    >>> pairs = pd.DataFrame({"outside_suppliers": [(OutsideSupplier("外地厂", "江苏南通", 30.0),)]})
    >>> render_outside_suppliers(pairs, "zh").tolist(), render_outside_suppliers(pairs, "en").tolist()
    ([('外地厂(江苏南通) 30 万元',)], [('外地厂(江苏南通) 300 k yuan',)])
    """
    with_region, without_region = _SUPPLIER[_check(lang)]
    lists = frame["outside_suppliers"]
    # Pairs of one purchase share its list: word each distinct list once.
    codes, distinct = pd.factorize(lists)
    flat = [supplier for suppliers in distinct for supplier in suppliers]
    values = _formatted([supplier.value for supplier in flat], lambda v: numbers.amount(v, lang)).to_pylist()
    texts = [
        (with_region if region else without_region).format(name=name, region=region, value=value)
        for (name, region, _), value in zip(flat, values, strict=True)
    ]
    worded, start = [], 0
    for suppliers in distinct:
        worded.append(tuple(texts[start : start + len(suppliers)]))
        start += len(suppliers)
    result = np.empty(len(worded), dtype=object)
    result[:] = worded
    return pd.Series(result[codes] if len(codes) else [], index=frame.index, dtype=object)


def _check(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang


def _side(lang: str) -> int:
    return 0 if _check(lang) == "zh" else 1


def _fill(template: str, fields: Mapping[str, pa.Array], count: int) -> pa.Array:
    """``template.format(**row)`` for every row of ``fields`` (Arrow text arrays), as one Arrow text array:
    the template's literal text and fields are joined column by column in Arrow, not parsed and
    formatted once per row."""
    pieces: list[pa.Array | pa.Scalar] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        if literal:
            pieces.append(pa.scalar(literal, type=_TEXT))
        if field is not None:
            pieces.append(fields[field])
    if not any(isinstance(piece, pa.Array) for piece in pieces):
        return pa.array([template] * count, type=_TEXT)
    return pc.binary_join_element_wise(*pieces, pa.scalar("", type=_TEXT))


def _texts(values: pd.Series | np.ndarray) -> pa.Array:
    """Values (text or integers) as Arrow text; a pandas "str" column is already Arrow and is not copied."""
    if isinstance(values, pd.Series) and isinstance(values.array, pd.arrays.ArrowStringArray):
        return pc.cast(pa.array(values.array), _TEXT)
    return pc.cast(pa.array(np.asarray(values)), _TEXT)


def _formatted(values: pd.Series | np.ndarray, show: Callable[[float], str]) -> pa.Array:
    """``show(v)`` for every value, as an Arrow text array; each distinct value is formatted once."""
    values = np.asarray(values, dtype=float).reshape(-1)
    distinct, back = np.unique(values, return_inverse=True)
    texts = pa.array([show(v) for v in distinct.tolist()], type=_TEXT)
    return texts.take(pa.array(back.reshape(-1), type=pa.int64()))


def _plural(counts: np.ndarray) -> pa.Array:
    """The English plural ending of each count: "" for one, "s" otherwise."""
    return pa.array(np.where(np.asarray(counts) == 1, "", "s").astype(object), type=_TEXT)


def segment_reason(row: Mapping[str, object], lang: str) -> str:
    """The reason of one segment row (a record of :attr:`ChainReport.segments <chain.model.ChainReport>`:
    its ``reason`` code, firms, demand, local_share and weak_share) in ``lang``."""
    firms, demand = int(row["firms"]), float(row["demand"])  # type: ignore[arg-type]
    shown, limit = percents(float(row["local_share"]), float(row["weak_share"])) if demand > 0 else ("", "")  # type: ignore[arg-type]
    fields = {
        "firms": firms,
        "s": "" if firms == 1 else "s",
        "demand": numbers.amount(demand, lang),
        "share": shown,
        "threshold": limit,
    }
    return SEGMENT_REASONS[str(row["reason"])][_side(lang)].format(**fields)


def summary_sentence(code: str, lang: str, **fields: object) -> str:
    """One sentence of a brief's summary (:data:`SUMMARY_SENTENCES`) in ``lang``, filled with ``fields``.

    >>> summary_sentence("growth", "zh", growth="+2.9%"), summary_sentence("growth", "en", growth="+2.9%")
    ('产值同比增速为+2.9%（按企业产值加权）。', 'Output growth year on year: +2.9% (weighted by output).')
    """
    return SUMMARY_SENTENCES[code][_side(lang)].format(**fields)


def summary_change(before: float, after: float, lang: str) -> str:
    """How a share changed between two periods, in percentage points with one decimal (:data:`SUMMARY_CHANGES`);
    "not comparable" when either share is undefined (no demand).

    >>> summary_change(0.25, 0.284, "zh"), summary_change(0.5, 0.4, "en"), summary_change(0.5, 0.5, "zh")
    ('提高3.4个百分点', 'down 10.0 percentage points', '持平')
    """
    if before != before or after != after:
        return SUMMARY_CHANGES["undefined"][_side(lang)]
    points = round((after - before) * 100, 1)
    code = "same" if points == 0 else "up" if points > 0 else "down"
    return SUMMARY_CHANGES[code][_side(lang)].format(points=f"{abs(points):.1f}")


def _segment_reasons(frame: pd.DataFrame, lang: str) -> np.ndarray:
    """One sentence per segment row; a segment table is hundreds of rows, so a row at a time."""
    columns = ["reason", "firms", "demand", "local_share", "weak_share"]
    result = np.empty(len(frame), dtype=object)
    result[:] = [segment_reason(row, lang) for row in frame[columns].to_dict("records")]
    return result


def _target_sentences(frame: pd.DataFrame, side: int, lang: str) -> dict[str, list[str]]:
    """Each reason code's sentence for every target row (a list per code), in one language."""
    count = len(frame)
    partners = frame["local_partners"].to_numpy(dtype=np.int64)
    fields = {
        "value": _formatted(frame["value"], lambda v: numbers.amount(v, lang)),
        "rank": _texts(frame["rank"].to_numpy(dtype=np.int64)),
        "partners": _texts(partners),
        "s": _plural(partners),
        "km": _formatted(frame["distance_km"], lambda v: numbers.distance(v, lang)),
        "gap": _formatted(frame["gap_size"], lambda v: numbers.amount(v, lang)),
        "projects": _project_texts(frame, lang),
    }
    upstream = pa.array((frame["gap"] == "upstream").to_numpy(dtype=bool))
    sentences = {}
    for code, wordings in TARGET_REASONS.items():
        up = _fill(wordings["upstream"][side], fields, count)
        down = _fill(wordings["downstream"][side], fields, count)
        sentences[code] = pc.if_else(upstream, up, down).to_pylist()
    return sentences


def _project_texts(frame: pd.DataFrame, lang: str) -> pa.Array:
    """Each target row's projects with their status, joined: ``新矿项目（洽谈）``."""
    status_names = {c.key: (c.zh if lang == "zh" else c.en) for c in PROJECTS.column_by_key["status"].choices}
    template, joiner = _PROJECT[lang]
    pairs = np.empty(len(frame), dtype=object)
    pairs[:] = list(zip(frame["projects"], frame["project_statuses"], strict=True))
    codes, distinct = pd.factorize(pairs)
    words = [
        joiner.join(
            template.format(name=name, status=status_names[status]) if status_names.get(status) else str(name)
            for name, status in zip(names, statuses, strict=True)
        )
        for names, statuses in distinct
    ]
    return pa.array(words, type=_TEXT).take(pa.array(codes, type=pa.int64()))


def _target_reasons(frame: pd.DataFrame, side: int, lang: str) -> np.ndarray:
    """A tuple of sentences per target row, in the order of its codes. Rows with the same codes are zipped
    together, column by column (a few dozen orders among thousands of rows)."""
    result = np.empty(len(frame), dtype=object)
    if len(frame) == 0:
        return result
    sentences = _target_sentences(frame, side, lang)
    order_codes = np.empty(len(frame), dtype=object)
    order_codes[:] = frame["reasons"].tolist()
    layout, orders = pd.factorize(order_codes)
    for number, codes in enumerate(orders):
        members = np.flatnonzero(layout == number).tolist()
        columns = [[sentences[code][row] for row in members] for code in codes]
        tuples = np.empty(len(members), dtype=object)
        tuples[:] = list(zip(*columns, strict=True)) if codes else [() for _ in members]
        result[members] = tuples
    return result


def _pair_reasons(frame: pd.DataFrame, side: int, lang: str) -> pa.Array:
    """One sentence per pair row, filled column-wise from its buyer, supplier, segment and amounts."""
    count = len(frame)
    fields = {
        "buyer": _texts(frame["buyer"]),
        "supplier": _texts(frame["supplier"]),
        "segment": _texts(frame["segment"]),
        "value": _formatted(frame["value_from_outside"], lambda v: numbers.amount(v, lang)),
        "output": _formatted(frame["supplier_output"], lambda v: numbers.amount(v, lang)),
    }
    # Pairs have one code today; each code present is filled once, over every row.
    codes = frame["reason"]
    present = list(dict.fromkeys(codes.tolist()))
    if len(present) == 1:
        return _fill(PAIR_REASONS[present[0]][side], fields, count)
    result = pa.nulls(count, type=_TEXT)
    for code in present:
        chosen = pa.array((codes == code).to_numpy(dtype=bool))
        result = pc.if_else(chosen, _fill(PAIR_REASONS[code][side], fields, count), result)
    return result


def shares_apart(before: float, after: float) -> tuple[str, str]:
    """Two shares as percentages with just enough decimals that they read equal only when they are
    (0 digits first: 38%); a dash for an undefined one.

    >>> shares_apart(0.0, 0.375), shares_apart(0.5, 0.504), shares_apart(float("nan"), 0.5)
    (('0%', '38%'), ('50.0%', '50.4%'), ('—', '50%'))
    """
    for digits in range(4):
        shown = numbers.percent(before, digits), numbers.percent(after, digits)
        if (shown[0] == shown[1]) == (before == after):
            break
    return shown


def render_changes(frame: pd.DataFrame, lang: str) -> pd.Series:
    """The what-changed summary of a comparison (:attr:`chain.compare.Comparison.changes`: head, parts and
    the factors they quote), one sentence per row, in ``lang``.

    >>> changes = pd.DataFrame({"segment": ["PBT高弹丝"], "head": ["transition"], "parts": [("firms_added", "share")],
    ...     "status_from": ["missing"], "status_to": ["weak"], "firms_added": [1], "firms_removed": [0],
    ...     "local_share_from": [0.0], "local_share_to": [0.375]})
    >>> print(render_changes(changes, "zh")[0]); print(render_changes(changes, "en")[0])
    PBT高弹丝：缺链 → 弱链 —— 本地新增 1 家企业，本地配套率 0% → 38%
    PBT高弹丝: missing → weak — 1 new local firm; local share 0% → 38%
    """
    side = _side(lang)
    between, joiner = CHANGE_SEPARATORS[lang]
    sentences = []
    for row in frame.to_dict("records"):
        added, removed = int(row["firms_added"]), int(row["firms_removed"])
        fields: dict[str, object] = {
            "segment": row["segment"],
            "status_from": STATUSES[row["status_from"]][side] if row["status_from"] else "",
            "status_to": STATUSES[row["status_to"]][side] if row["status_to"] else "",
            "added": added,
            "removed": removed,
            "s_added": "" if added == 1 else "s",
            "s_removed": "" if removed == 1 else "s",
        }
        for prefix, key in (
            ("share", "local_share"),
            ("segments", "completeness_segments"),
            ("value", "completeness_value"),
        ):
            if f"{key}_from" in row:
                fields[f"{prefix}_from"], fields[f"{prefix}_to"] = shares_apart(
                    float(row[f"{key}_from"]), float(row[f"{key}_to"])
                )
        head = CHANGE_REASONS["head"][str(row["head"])][side].format(**fields)
        parts = [CHANGE_REASONS["parts"][code][side].format(**fields) for code in row["parts"]]
        sentences.append(head + between + joiner.join(parts) if parts else head)
    return pd.Series(pd.array(sentences, dtype="str"), index=frame.index)


def render_period_reasons(frame: pd.DataFrame, period: Literal["from", "to"], lang: str) -> pd.Series:
    """The status reasons of one period of a comparison's segments (:attr:`chain.compare.Comparison.segments`:
    ``reason_<period>`` and the factors ``firms_<period>``, ``demand_<period>``, ``local_share_<period>``,
    ``weak_share_<period>``), worded as the gap analysis words them; "" where the segment is not in that
    period's template."""
    columns = {f"{key}_{period}": key for key in ("reason", "firms", "demand", "local_share", "weak_share")}
    sides = frame[list(columns)].rename(columns=columns)
    result = np.empty(len(frame), dtype=object)
    result[:] = [
        "" if row["reason"] is None else segment_reason(row, lang) for row in sides.to_dict("records")
    ]
    return pd.Series(pd.array(result.tolist(), dtype="str"), index=frame.index)
