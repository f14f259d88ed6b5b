"""The recruiting pipeline (招商线索): stages, the moves between them, overdue next steps and the funnel.

A lead is a company approached to invest in a segment; its identity is company + segment (the company's
name compared by :func:`chain.names.name_key`), so re-importing a 招商项目 sheet or a weekly list updates a
lead instead of adding a second one. It moves through 线索 → 接洽 → 考察 → 洽谈 → 签约 → 开工 → 投产, or ends
at 终止. The rules (:func:`check_move`) keep the record honest: moving forward may skip stages (a lead
signed at the first visit is a fact), but going back and stopping (终止) must say why, so that nobody
quietly un-signs a project; a closed lead reopens only with a reason too. Nothing here reads a database or
Streamlit: the storage is :mod:`chain.ledger`, the pages only lay out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from chain.columns import LEAD_STAGES
from chain.errors import Worded
from chain.names import name_key

__all__ = [
    "ACTIVE",
    "FROM_PROJECT_STATUS",
    "IN_PIPELINE",
    "STAGES",
    "TERMINATED",
    "LeadFields",
    "PipelineError",
    "changes",
    "check_move",
    "due_soon",
    "funnel",
    "is_overdue",
    "lead_key",
    "listed_projects",
    "overdue",
    "projected_projects",
    "segment_work",
    "signed_since",
    "stage_of_project",
]

#: The stages in order (keys; zh/en names in :data:`chain.columns.LEAD_STAGES`).
STAGES: tuple[str, ...] = ("lead", "contact", "visit", "negotiating", "signed", "building", "operating")
#: The end of a lead that did not come (终止), reached from any stage but 投产 and only with a reason.
TERMINATED = "terminated"
#: Stages whose next step can be overdue: everything but 投产 (done) and 终止 (stopped).
ACTIVE: frozenset[str] = frozenset(STAGES[:-1])
#: Signed or later: a project "in the pipeline" that the projected chain counts.
IN_PIPELINE: tuple[str, ...] = STAGES[STAGES.index("signed") :]
#: 招商项目's 状态 (the workbook's choice keys, :data:`chain.schema.PROJECT_STATUSES`) -> stage: 在建 is 开工.
FROM_PROJECT_STATUS: dict[str, str] = {
    "lead": "lead",
    "negotiating": "negotiating",
    "signed": "signed",
    "building": "building",
    "operating": "operating",
    "": "lead",
}
#: Days ahead of the as-of date within which an open next step is "due soon".
DUE_SOON_DAYS = 7

#: code -> (zh, en) message templates of a refused move or bad lead.
ERRORS: dict[str, tuple[str, str]] = {
    "unknown_stage": ("未知的阶段“{stage}”。", "unknown stage {stage!r}."),
    "unchanged": ("线索已处于“{stage_zh}”阶段。", "the lead is already at {stage_en}."),
    "back_needs_reason": (
        "从“{old_zh}”退回“{new_zh}”必须填写原因。",
        "moving back from {old_en} to {new_en} needs a reason.",
    ),
    "stop_needs_reason": ("终止线索必须填写原因。", "stopping (终止) a lead needs a reason."),
    "stop_operating": ("已投产的项目不能终止。", "a project in production cannot be stopped."),
    "reopen_needs_reason": ("重新启动已终止的线索必须填写原因。", "reopening a stopped lead needs a reason."),
    "no_company": ("线索必须有企业名称。", "a lead needs a company name."),
    "no_segment": ("线索必须有产业链环节。", "a lead needs a segment."),
    "negative": ("{field}不能为负数：{value}。", "{field} cannot be negative: {value}."),
}

_STAGE_WORDS = LEAD_STAGES


class PipelineError(Worded, ValueError):
    """A move or a lead the rules refuse: a code of :data:`ERRORS` and a message in zh and en."""

    ERRORS = ERRORS


def _words(stage: str) -> dict[str, str]:
    zh, en = _STAGE_WORDS[stage]
    return {"zh": zh, "en": en}


def _check_stage(stage: str) -> None:
    if stage not in _STAGE_WORDS:
        raise PipelineError("unknown_stage", stage=stage)


def check_move(old: str, new: str, reason: str = "") -> None:
    """Refuse a move the rules do not allow (:class:`PipelineError`); return when it is allowed.

    - forward, any number of stages: allowed;
    - back to an earlier stage: only with a reason (a correction is said, never silent);
    - to 终止: only with a reason, and never from 投产 (a plant in production is not a lead any more);
    - out of 终止 (reopening): only with a reason;
    - to the stage it is at: refused (nothing would change; the caller should not record a move).

    >>> check_move("lead", "signed")
    >>> check_move("signed", "contact", "合同未生效，重新接洽")
    >>> check_move("signed", "contact")
    Traceback (most recent call last):
    ...
    chain.pipeline.PipelineError: moving back from signed to contact needs a reason.
    """
    _check_stage(old)
    _check_stage(new)
    given = bool(reason.strip())
    if old == new:
        raise PipelineError("unchanged", stage_zh=_words(old)["zh"], stage_en=_words(old)["en"])
    if new == TERMINATED:
        if old == "operating":
            raise PipelineError("stop_operating")
        if not given:
            raise PipelineError("stop_needs_reason")
        return
    if old == TERMINATED:
        if not given:
            raise PipelineError("reopen_needs_reason")
        return
    if STAGES.index(new) < STAGES.index(old) and not given:
        raise PipelineError(
            "back_needs_reason",
            old_zh=_words(old)["zh"],
            new_zh=_words(new)["zh"],
            old_en=_words(old)["en"],
            new_en=_words(new)["en"],
        )


def stage_of_project(status: str) -> str:
    """The stage of a 招商项目 row's 状态 (its choice key): 在建 (``building``) is 开工.

    >>> stage_of_project("building"), stage_of_project("negotiating"), stage_of_project("")
    ('building', 'negotiating', 'lead')
    """
    try:
        return FROM_PROJECT_STATUS[status]
    except KeyError:
        raise PipelineError("unknown_stage", stage=status) from None


def lead_key(company: str, segment: str) -> tuple[str, str]:
    """A lead's identity: its company (as :func:`chain.names.name_key` compares names) and segment.

    >>> lead_key(" 苏州吴江华弹化纤有限公司", "PBT高弹丝") == lead_key("苏州吴江华弹化纤有限公司", "PBT高弹丝 ")
    True
    """
    return name_key(company), name_key(segment)


@dataclass(frozen=True)
class LeadFields:
    """What a person enters for a lead, checked before it is stored (:meth:`check`)."""

    company: str
    segment: str
    region: str = ""
    owner: str = ""
    planned_investment: float | None = None
    expected_output: float | None = None

    def check(self) -> None:
        """Refuse a lead without company or segment, or with a negative amount."""
        if not self.company.strip():
            raise PipelineError("no_company")
        if not self.segment.strip():
            raise PipelineError("no_segment")
        for field, value in (
            ("planned_investment", self.planned_investment),
            ("expected_output", self.expected_output),
        ):
            if value is not None and value < 0:
                raise PipelineError("negative", field=field, value=value)


def is_overdue(stage: str, due: dt.date | None, as_of: dt.date) -> bool:
    """Whether a lead's next step is overdue (逾期) on ``as_of``: it is still active and its due date has
    passed (due the day itself is not overdue yet).

    >>> d = dt.date
    >>> is_overdue("visit", d(2023, 10, 9), d(2023, 10, 10)), is_overdue("visit", d(2023, 10, 10), d(2023, 10, 10))
    (True, False)
    >>> is_overdue("operating", d(2023, 1, 1), d(2023, 10, 10)), is_overdue("visit", None, d(2023, 10, 10))
    (False, False)
    """
    return stage in ACTIVE and due is not None and due < as_of


def _dates(frame: pd.DataFrame, column: str) -> list[dt.date | None]:
    return [value if isinstance(value, dt.date) else None for value in frame[column].tolist()]


def overdue(leads: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Per lead (columns ``lead_stage``, ``next_due``): whether its next step is overdue on ``as_of``."""
    flags = [
        is_overdue(s, d, as_of) for s, d in zip(leads["lead_stage"], _dates(leads, "next_due"), strict=True)
    ]
    return pd.Series(flags, index=leads.index, dtype=bool)


def due_soon(leads: pd.DataFrame, as_of: dt.date, days: int = DUE_SOON_DAYS) -> pd.Series:
    """Per lead: its next step falls due within ``days`` from ``as_of`` (inclusive) and it is active."""
    end = as_of + dt.timedelta(days=days)
    flags = [
        s in ACTIVE and d is not None and as_of <= d <= end
        for s, d in zip(leads["lead_stage"], _dates(leads, "next_due"), strict=True)
    ]
    return pd.Series(flags, index=leads.index, dtype=bool)


def funnel(leads: pd.DataFrame) -> pd.DataFrame:
    """Leads per stage in pipeline order, 终止 last: ``lead_stage``, ``leads`` (count) and
    ``planned_investment`` (sum, 万元), every stage present (0 when none)."""
    order = [*STAGES, TERMINATED]
    counts = leads["lead_stage"].value_counts() if len(leads) else pd.Series(dtype=int)
    money = leads.groupby("lead_stage")["planned_investment"].sum() if len(leads) else pd.Series()
    return pd.DataFrame(
        {
            "lead_stage": order,
            "leads": [int(counts.get(stage, 0)) for stage in order],
            "planned_investment": [float(money.get(stage, 0.0)) for stage in order],
        }
    )


def segment_work(leads: pd.DataFrame, segments: Iterable[str]) -> pd.DataFrame:
    """Per segment (in the order given: the report's gap segments): what is being done about it —
    ``active`` leads (not 投产, not 终止), ``signed`` (签约 or later), the furthest ``lead_stage`` reached by an
    active or landed lead ("" when none), and the ``companies`` approached (a tuple, furthest first)."""
    rows = []
    for segment in segments:
        mine = leads[leads["segment"] == segment] if len(leads) else leads
        alive = mine[mine["lead_stage"] != TERMINATED] if len(mine) else mine
        ranked = (
            alive.assign(_rank=alive["lead_stage"].map(STAGES.index)).sort_values(
                "_rank", ascending=False, kind="stable"
            )
            if len(alive)
            else alive
        )
        rows.append(
            {
                "segment": segment,
                "active": int(mine["lead_stage"].isin(ACTIVE).sum()) if len(mine) else 0,
                "signed": int(mine["lead_stage"].isin(IN_PIPELINE).sum()) if len(mine) else 0,
                "lead_stage": str(ranked["lead_stage"].iloc[0]) if len(ranked) else "",
                "companies": tuple(ranked["company"]) if len(ranked) else (),
            }
        )
    return pd.DataFrame(rows, columns=["segment", "active", "signed", "lead_stage", "companies"])


def projected_projects(leads: pd.DataFrame, enterprise_names: Iterable[str]) -> pd.DataFrame:
    """The projects the projected chain adds: leads at 签约 or later with an expected output > 0 whose
    company, or the local enterprise it became (``local_name``), is not already in 企业 — a plant already
    listed is in the chain's figures, so counting it again would double its supply.

    Columns: company, segment, expected_output, lead_stage; the leads left out are :func:`listed_projects`."""
    keys = {name_key(name) for name in enterprise_names}
    if not len(leads):
        return pd.DataFrame(columns=["company", "segment", "expected_output", "lead_stage"])
    chosen = leads[leads["lead_stage"].isin(IN_PIPELINE)]
    listed = _listed(chosen, keys)
    output = pd.to_numeric(chosen["expected_output"], errors="coerce").fillna(0.0)
    kept = chosen[~listed & (output > 0)]
    return kept[["company", "segment", "expected_output", "lead_stage"]].reset_index(drop=True)


def listed_projects(leads: pd.DataFrame, enterprise_names: Iterable[str]) -> pd.DataFrame:
    """The leads at 签约 or later that the projection leaves out because their firm is already in 企业."""
    keys = {name_key(name) for name in enterprise_names}
    if not len(leads):
        return pd.DataFrame(columns=["company", "segment", "expected_output", "lead_stage"])
    chosen = leads[leads["lead_stage"].isin(IN_PIPELINE)]
    return chosen[_listed(chosen, keys)][["company", "segment", "expected_output", "lead_stage"]].reset_index(
        drop=True
    )


def _listed(leads: pd.DataFrame, keys: set[str]) -> pd.Series:
    local = leads["local_name"] if "local_name" in leads.columns else pd.Series("", index=leads.index)
    return pd.Series(
        [
            name_key(company) in keys or (bool(str(own).strip()) and name_key(own) in keys)
            for company, own in zip(leads["company"], local, strict=True)
        ],
        index=leads.index,
        dtype=bool,
    )


def changes(
    current: Mapping[str, object], incoming: Mapping[str, object], fields: Iterable[str]
) -> dict[str, tuple[object, object]]:
    """The fields whose value an import would change: field -> (now, incoming). Blank incoming values
    (None, "", NaN) never count: an import fills, it does not erase what the app holds."""
    out: dict[str, tuple[object, object]] = {}
    for field in fields:
        new = incoming.get(field)
        if _blank(new):
            continue
        old = current.get(field)
        if old != new:
            out[field] = (old, new)
    return out


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return value != value
    return False


def signed_since(leads: pd.DataFrame, start: dt.date) -> int:
    """How many leads reached 签约 or later on or after ``start`` (by the date their stage last changed):
    the projects signed this period."""
    if not len(leads):
        return 0
    return sum(
        stage in IN_PIPELINE and isinstance(day, dt.date) and day >= start
        for stage, day in zip(leads["lead_stage"], leads["stage_changed_on"], strict=True)
    )
