"""The recruiting loop's records in the workspace database: leads (with their activity log) and demands.

Every write goes through :meth:`chain.store.Store.writing` with the acting user and an action of
:data:`chain.access.ACTIONS` (``lead.write``, ``demand.write``: editors), so it is authorised in the domain
layer (a viewer is refused here, whatever a page shows) and audited with its before and after in the same
transaction. The rules are :mod:`chain.pipeline` and :mod:`chain.demands`; this module only reads and
writes rows. Imports (a workbook's 招商项目 / 诉求 sheets, or the weekly list exported here and edited in
Excel) are two steps: :func:`plan_leads` / :func:`plan_demands` say what is new and what would change,
and :func:`apply_leads` / :func:`apply_demands` write the new rows, and the changes only when told to
overwrite: an import never overwrites an edit made in the app without asking.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from chain import columns as cat
from chain import demands as ledger_rules
from chain import export, pipeline
from chain.access import Actor
from chain.errors import Worded
from chain.store import Store, Write, demands, lead_activities, leads, workspaces

__all__ = [
    "DEMAND_FIELDS",
    "LEAD_EDITABLE",
    "ImportPlan",
    "LedgerError",
    "activities",
    "add_activity",
    "add_demand",
    "add_lead",
    "apply_demands",
    "apply_leads",
    "demand_frame",
    "demands_from_sheet",
    "lead_frame",
    "leads_from_projects",
    "plan_demands",
    "plan_leads",
    "read_demands_xlsx",
    "read_leads_xlsx",
    "seed_sample",
    "update_demand",
    "update_lead",
    "workspace_workbook",
]

LEAD_ACTION = "lead.write"
DEMAND_ACTION = "demand.write"
#: Lead fields a person edits (the stage has its own rules: :func:`update_lead`).
LEAD_EDITABLE: tuple[str, ...] = (
    "project",
    "region",
    "owner",
    "planned_investment",
    "expected_output",
    "next_step",
    "next_due",
    "local_name",
)
#: Lead fields an import may fill or change (the stage through the rules of :func:`chain.pipeline.check_move`).
LEAD_IMPORTED: tuple[str, ...] = (*LEAD_EDITABLE, "lead_stage")
#: Demand fields a person edits (the identity, enterprise + type + raised + content, is fixed).
DEMAND_FIELDS: tuple[str, ...] = ("responsible", "due", "demand_status", "resolution", "closed")
#: Where a lead came from.
ORIGINS = ("target", "manual", "import")

ERRORS: dict[str, tuple[str, str]] = {
    "lead_exists": (
        "“{company}”的“{segment}”线索已在线索库中（阶段：{stage_zh}）。",
        "{company} for {segment} is already a lead (stage: {stage_en}).",
    ),
    "demand_exists": (
        "该诉求已在台账中（企业、类型、提出日期和内容相同）。",
        "this demand is already in the ledger (same enterprise, type, date raised and content).",
    ),
    "no_lead": ("没有编号为 {id} 的线索。", "there is no lead with id {id}."),
    "no_demand": ("没有编号为 {id} 的诉求。", "there is no demand with id {id}."),
    "bad_activity": ("未知的记录方式“{kind}”。", "unknown activity kind {kind!r}."),
    "bad_file": ("无法读取文件：{detail}", "the file cannot be read: {detail}"),
    "no_sheet": (
        "文件中没有“{sheet_zh}”工作表（导出的表名）。",
        "the file has no sheet {sheet_en!r} (the name the export gives it).",
    ),
    "missing_columns": (
        "“{sheet}”工作表缺少列：{columns}。",
        "the sheet {sheet!r} lacks the columns: {columns}.",
    ),
    "bad_cell": (
        "“{sheet}”工作表第 {row} 行“{column}”列：无法识别“{value}”。",
        "sheet {sheet!r}, row {row}, column {column!r}: {value!r} is not understood.",
    ),
    "bad_row": (
        "“{sheet}”工作表第 {row} 行：{detail_zh}",
        "sheet {sheet!r}, row {row}: {detail_en}",
    ),
}


class LedgerError(Worded, ValueError):
    """A lead, demand or import the ledger refuses: a code of :data:`ERRORS` and a message in zh and en."""

    ERRORS = ERRORS


# -- reading -----------------------------------------------------------------------------------------------

_LEAD_COLUMNS = (
    "lead_id",
    "company",
    "segment",
    "project",
    "region",
    "gap",
    "score",
    "reasons_zh",
    "reasons_en",
    "owner",
    "lead_stage",
    "stop_reason",
    "planned_investment",
    "expected_output",
    "next_step",
    "next_due",
    "local_name",
    "origin",
    "stage_changed_on",
    "updated_by",
)
_DEMAND_COLUMNS = (
    "demand_id",
    "enterprise",
    "demand_type",
    "detail",
    "raised",
    "responsible",
    "due",
    "demand_status",
    "resolution",
    "closed",
    "updated_by",
)


@contextmanager
def _read(store: Store) -> Iterator[tuple[Connection, int | None]]:
    """A read on the workspace: (connection, workspace id, None when the workspace has no row yet)."""
    with store.reading() as connection:
        found = connection.execute(
            sa.select(workspaces.c.id).where(workspaces.c.name == store.workspace)
        ).scalar_one_or_none()
        yield connection, None if found is None else int(found)


def _number(value: object) -> float:
    return math.nan if value is None else float(value)


def _lead_record(row: Mapping[str, Any]) -> dict[str, object]:
    reasons = row["reasons"] or {}
    return {
        "lead_id": int(row["id"]),
        "company": row["company"],
        "segment": row["segment"],
        "project": row["project"],
        "region": row["region"],
        "gap": row["gap"],
        "score": _number(row["score"]),
        "reasons_zh": tuple(reasons.get("zh", ())),
        "reasons_en": tuple(reasons.get("en", ())),
        "owner": row["owner"],
        "lead_stage": row["stage"],
        "stop_reason": row["stop_reason"],
        "planned_investment": _number(row["planned_investment"]),
        "expected_output": _number(row["expected_output"]),
        "next_step": row["next_step"],
        "next_due": row["next_due"],
        "local_name": row["local_name"],
        "origin": row["origin"],
        "stage_changed_on": row["stage_changed_on"],
        "updated_by": row["updated_by"],
    }


def lead_frame(store: Store) -> pd.DataFrame:
    """Every lead of the workspace, oldest first: the columns of :data:`_LEAD_COLUMNS` (the stage as
    ``lead_stage``; dates as ``datetime.date`` or None; reasons as tuples per language)."""
    with _read(store) as (connection, workspace_id):
        if workspace_id is None:
            rows = []
        else:
            query = sa.select(leads).where(leads.c.workspace_id == workspace_id).order_by(leads.c.id)
            rows = [_lead_record(row._mapping) for row in connection.execute(query)]
    return pd.DataFrame(rows, columns=list(_LEAD_COLUMNS))


def _demand_record(row: Mapping[str, Any]) -> dict[str, object]:
    return {
        "demand_id": int(row["id"]),
        "enterprise": row["enterprise"],
        "demand_type": row["demand_type"],
        "detail": row["detail"],
        "raised": row["raised"],
        "responsible": row["responsible"],
        "due": row["due"],
        "demand_status": row["status"],
        "resolution": row["resolution"],
        "closed": row["closed"],
        "updated_by": row["updated_by"],
    }


def demand_frame(store: Store) -> pd.DataFrame:
    """Every demand of the workspace, by date raised (then id): the columns of :data:`_DEMAND_COLUMNS`."""
    with _read(store) as (connection, workspace_id):
        if workspace_id is None:
            rows = []
        else:
            query = (
                sa.select(demands)
                .where(demands.c.workspace_id == workspace_id)
                .order_by(demands.c.raised, demands.c.id)
            )
            rows = [_demand_record(row._mapping) for row in connection.execute(query)]
    return pd.DataFrame(rows, columns=list(_DEMAND_COLUMNS))


def activities(store: Store, lead_id: int | None = None) -> pd.DataFrame:
    """The activity log (of one lead, or of all), newest first: lead_id, activity_date, activity_kind,
    activity_note, recorded_by."""
    columns = ["lead_id", "activity_date", "activity_kind", "activity_note", "recorded_by"]
    with _read(store) as (connection, workspace_id):
        if workspace_id is None:
            return pd.DataFrame(columns=columns)
        query = (
            sa.select(lead_activities)
            .join(leads, leads.c.id == lead_activities.c.lead_id)
            .where(leads.c.workspace_id == workspace_id)
            .order_by(lead_activities.c.happened_on.desc(), lead_activities.c.id.desc())
        )
        if lead_id is not None:
            query = query.where(lead_activities.c.lead_id == lead_id)
        rows = [(r.lead_id, r.happened_on, r.kind, r.note, r.recorded_by) for r in connection.execute(query)]
    return pd.DataFrame(rows, columns=columns)


# -- writing leads -----------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _json(record: Mapping[str, object]) -> dict[str, object]:
    """A record as the audit trail keeps it: dates as ISO text, NaN as null, tuples as lists."""
    out: dict[str, object] = {}
    for key, value in record.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, float) and math.isnan(value):
            out[key] = None
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = value
    return out


def _money(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)  # type: ignore[arg-type]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _same(old: object, new: object) -> bool:
    """Whether a field keeps its value (a missing amount is NaN when read and None when written)."""
    blank_old = old is None or (isinstance(old, float) and math.isnan(old))
    blank_new = new is None or (isinstance(new, float) and math.isnan(new))
    return (blank_old and blank_new) or old == new


def _lead_row(connection: Connection, workspace_id: int, lead_id: int) -> dict[str, object]:
    row = connection.execute(
        sa.select(leads).where(leads.c.id == lead_id, leads.c.workspace_id == workspace_id)
    ).first()
    if row is None:
        raise LedgerError("no_lead", id=lead_id)
    return _lead_record(row._mapping)


def _find_lead(
    connection: Connection, workspace_id: int, company: str, segment: str
) -> dict[str, object] | None:
    company_key, segment_key = pipeline.lead_key(company, segment)
    row = connection.execute(
        sa.select(leads).where(
            leads.c.workspace_id == workspace_id,
            leads.c.company_key == company_key,
            leads.c.segment_key == segment_key,
        )
    ).first()
    return None if row is None else _lead_record(row._mapping)


def _stage_words(stage: str) -> dict[str, str]:
    return {
        "stage_zh": cat.value_name(cat.LEAD_STAGES, stage, "zh"),
        "stage_en": cat.value_name(cat.LEAD_STAGES, stage, "en"),
    }


def _insert_lead(w: Write, fields: Mapping[str, object], origin: str, on: dt.date) -> int:
    company, segment = _text(fields.get("company")), _text(fields.get("segment"))
    pipeline.LeadFields(
        company,
        segment,
        owner=_text(fields.get("owner")),
        planned_investment=_money(fields.get("planned_investment")),
        expected_output=_money(fields.get("expected_output")),
    ).check()
    stage = _text(fields.get("lead_stage")) or "lead"
    if stage not in cat.LEAD_STAGES:
        raise pipeline.PipelineError("unknown_stage", stage=stage)
    if stage == pipeline.TERMINATED and not _text(fields.get("stop_reason")):
        raise pipeline.PipelineError("stop_needs_reason")
    existing = _find_lead(w.connection, w.workspace_id, company, segment)
    if existing is not None:
        raise LedgerError(
            "lead_exists", company=company, segment=segment, **_stage_words(str(existing["lead_stage"]))
        )
    company_key, segment_key = pipeline.lead_key(company, segment)
    now, by = _now(), w.actor.name
    reasons = {"zh": list(fields.get("reasons_zh") or ()), "en": list(fields.get("reasons_en") or ())}
    due = fields.get("next_due")
    lead_id = w.connection.execute(
        leads.insert().values(
            workspace_id=w.workspace_id,
            company=company,
            company_key=company_key,
            segment=segment,
            segment_key=segment_key,
            project=_text(fields.get("project")),
            region=_text(fields.get("region")),
            gap=_text(fields.get("gap")),
            score=_money(fields.get("score")),
            reasons=reasons,
            owner=_text(fields.get("owner")),
            stage=stage,
            stop_reason=_text(fields.get("stop_reason")),
            planned_investment=_money(fields.get("planned_investment")),
            expected_output=_money(fields.get("expected_output")),
            next_step=_text(fields.get("next_step")),
            next_due=due if isinstance(due, dt.date) else None,
            local_name=_text(fields.get("local_name")),
            origin=origin,
            # An import does not know when its stage was reached: no date rather than the import's.
            stage_changed_on=None if origin == "import" else on,
            created_at=now,
            created_by=by,
            updated_at=now,
            updated_by=by,
        )
    ).inserted_primary_key[0]
    after = _lead_row(w.connection, w.workspace_id, int(lead_id))
    w.audit(f"lead:{lead_id}", None, _json(after))
    return int(lead_id)


def add_lead(
    store: Store,
    fields: Mapping[str, object],
    *,
    by: Actor,
    origin: str = "manual",
    on: dt.date | None = None,
) -> int:
    """Add a lead (keys of :data:`_LEAD_COLUMNS`: company and segment required; a target's region, gap,
    score and reasons as they were when it was added); returns its id. ``lead_exists`` when the company
    already has a lead for the segment (the page then shows its stage)."""
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {ORIGINS}, not {origin!r}")
    with store.writing(by, LEAD_ACTION) as w:
        return _insert_lead(w, fields, origin, on or dt.date.today())


def _apply_lead_change(
    w: Write, before: dict[str, object], changes: Mapping[str, object], reason: str, on: dt.date
) -> dict[str, object]:
    values: dict[str, object] = {}
    for key in LEAD_EDITABLE:
        if key not in changes:
            continue
        new = changes[key]
        if key in ("planned_investment", "expected_output"):
            new = _money(new)
            if new is not None and new < 0:
                raise pipeline.PipelineError("negative", field=key, value=new)
        elif key == "next_due":
            new = new if isinstance(new, dt.date) else None
        else:
            new = _text(new)
        if not _same(before[key], new):
            values[key] = new
    old_stage, new_stage = (
        str(before["lead_stage"]),
        _text(changes.get("lead_stage")) or str(before["lead_stage"]),
    )
    if new_stage != old_stage:
        pipeline.check_move(old_stage, new_stage, reason)
        values["stage"] = new_stage
        values["stage_changed_on"] = on
        if new_stage == pipeline.TERMINATED:
            values["stop_reason"] = reason.strip()
        elif old_stage == pipeline.TERMINATED:
            values["stop_reason"] = ""
        note = f"{cat.value_name(cat.LEAD_STAGES, old_stage)} → {cat.value_name(cat.LEAD_STAGES, new_stage)}"
        _log(w, int(before["lead_id"]), on, "stage", f"{note}：{reason.strip()}" if reason.strip() else note)
    if not values:
        return before
    values.update(updated_at=_now(), updated_by=w.actor.name)
    w.connection.execute(leads.update().where(leads.c.id == before["lead_id"]).values(**values))
    after = _lead_row(w.connection, w.workspace_id, int(before["lead_id"]))
    w.audit(f"lead:{before['lead_id']}", _json(before), _json(after))
    return after


def update_lead(
    store: Store,
    lead_id: int,
    changes: Mapping[str, object],
    *,
    by: Actor,
    reason: str = "",
    on: dt.date | None = None,
) -> dict[str, object]:
    """Change a lead's fields (:data:`LEAD_EDITABLE`) and/or its stage (``lead_stage``, by the rules of
    :func:`chain.pipeline.check_move`; ``reason`` is why it goes back, stops or reopens, and 终止's reason
    is kept). A stage change is logged as an activity dated ``on`` (default today). Returns the lead after."""
    with store.writing(by, LEAD_ACTION) as w:
        before = _lead_row(w.connection, w.workspace_id, lead_id)
        return _apply_lead_change(w, before, changes, reason, on or dt.date.today())


def _log(w: Write, lead_id: int, on: dt.date, kind: str, note: str) -> None:
    if kind not in cat.ACTIVITY_KINDS:
        raise LedgerError("bad_activity", kind=kind)
    w.connection.execute(
        lead_activities.insert().values(
            lead_id=lead_id,
            happened_on=on,
            kind=kind,
            note=note,
            recorded_at=_now(),
            recorded_by=w.actor.name,
        )
    )


def add_activity(store: Store, lead_id: int, on: dt.date, kind: str, note: str, *, by: Actor) -> None:
    """Log a call, visit, meeting or note on a lead (dated ``on``)."""
    with store.writing(by, LEAD_ACTION) as w:
        _lead_row(w.connection, w.workspace_id, lead_id)
        _log(w, lead_id, on, kind, note.strip())
        w.audit(
            f"lead:{lead_id}:activity", None, {"date": on.isoformat(), "kind": kind, "note": note.strip()}
        )


# -- writing demands ---------------------------------------------------------------------------------------


def _demand_row(connection: Connection, workspace_id: int, demand_id: int) -> dict[str, object]:
    row = connection.execute(
        sa.select(demands).where(demands.c.id == demand_id, demands.c.workspace_id == workspace_id)
    ).first()
    if row is None:
        raise LedgerError("no_demand", id=demand_id)
    return _demand_record(row._mapping)


def _date_or_none(value: object) -> dt.date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _clean_demand(record: Mapping[str, object]) -> dict[str, object]:
    clean = {
        "enterprise": _text(record.get("enterprise")),
        "demand_type": _text(record.get("demand_type")) or "other",
        "detail": _text(record.get("detail")),
        "raised": _date_or_none(record.get("raised")),
        "responsible": _text(record.get("responsible")),
        "due": _date_or_none(record.get("due")),
        "demand_status": _text(record.get("demand_status")) or "open",
        "resolution": _text(record.get("resolution")),
        "closed": _date_or_none(record.get("closed")),
    }
    ledger_rules.check_demand(clean, cat.DEMAND_KINDS, cat.DEMAND_STATES)
    return clean


def _identity(record: Mapping[str, object]) -> dict[str, object]:
    enterprise_key, kind, _, detail_key = ledger_rules.demand_key(
        str(record["enterprise"]), str(record["demand_type"]), None, str(record["detail"])
    )
    return {
        "enterprise_key": enterprise_key,
        "demand_type": kind,
        "raised": record["raised"],
        "detail_key": detail_key,
    }


def _find_demand(
    connection: Connection, workspace_id: int, record: Mapping[str, object]
) -> dict[str, object] | None:
    key = _identity(record)
    row = connection.execute(
        sa.select(demands).where(
            demands.c.workspace_id == workspace_id,
            *(demands.c[column] == value for column, value in key.items()),
        )
    ).first()
    return None if row is None else _demand_record(row._mapping)


def _insert_demand(w: Write, record: Mapping[str, object]) -> int:
    clean = _clean_demand(record)
    if _find_demand(w.connection, w.workspace_id, clean) is not None:
        raise LedgerError("demand_exists")
    now, by = _now(), w.actor.name
    key = _identity(clean)
    demand_id = w.connection.execute(
        demands.insert().values(
            workspace_id=w.workspace_id,
            enterprise=clean["enterprise"],
            enterprise_key=key["enterprise_key"],
            demand_type=clean["demand_type"],
            detail=clean["detail"],
            detail_key=key["detail_key"],
            raised=clean["raised"],
            responsible=clean["responsible"],
            due=clean["due"],
            status=clean["demand_status"],
            resolution=clean["resolution"],
            closed=clean["closed"],
            created_at=now,
            created_by=by,
            updated_at=now,
            updated_by=by,
        )
    ).inserted_primary_key[0]
    w.audit(f"demand:{demand_id}", None, _json(_demand_row(w.connection, w.workspace_id, int(demand_id))))
    return int(demand_id)


def add_demand(store: Store, record: Mapping[str, object], *, by: Actor) -> int:
    """Add a demand (enterprise, demand_type, detail, raised required; checked by
    :func:`chain.demands.check_demand`); returns its id. ``demand_exists`` for the same demand twice."""
    with store.writing(by, DEMAND_ACTION) as w:
        return _insert_demand(w, record)


def _apply_demand_change(
    w: Write, before: dict[str, object], changes: Mapping[str, object]
) -> dict[str, object]:
    merged = {**before, **{k: v for k, v in changes.items() if k in DEMAND_FIELDS}}
    if merged.get("demand_status") != ledger_rules.CLOSED and "closed" not in changes:
        merged["closed"] = None  # reopened: its old closing date no longer holds
    clean = _clean_demand(merged)
    values = {
        "responsible": clean["responsible"],
        "due": clean["due"],
        "status": clean["demand_status"],
        "resolution": clean["resolution"],
        "closed": clean["closed"],
    }
    if all(before[k] == clean[k] for k in DEMAND_FIELDS):
        return before
    values.update(updated_at=_now(), updated_by=w.actor.name)
    w.connection.execute(demands.update().where(demands.c.id == before["demand_id"]).values(**values))
    after = _demand_row(w.connection, w.workspace_id, int(before["demand_id"]))
    w.audit(f"demand:{before['demand_id']}", _json(before), _json(after))
    return after


def update_demand(
    store: Store, demand_id: int, changes: Mapping[str, object], *, by: Actor
) -> dict[str, object]:
    """Change a demand's handling (:data:`DEMAND_FIELDS`: responsible unit, due date, status, resolution,
    closing date); closing needs a closing date, reopening clears it. Returns the demand after."""
    with store.writing(by, DEMAND_ACTION) as w:
        before = _demand_row(w.connection, w.workspace_id, demand_id)
        return _apply_demand_change(w, before, changes)


# -- imports -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do: rows to add, changes to rows the ledger holds (id -> field -> (now,
    incoming)), and rows refused with why (zh, en). Unchanged rows are only counted."""

    kind: str
    new: tuple[dict[str, object], ...] = ()
    changed: tuple[tuple[int, dict[str, tuple[object, object]]], ...] = ()
    refused: tuple[tuple[str, str], ...] = ()
    unchanged: int = 0
    #: The full incoming records of the changed rows, by id (what :func:`apply_leads` writes).
    incoming: dict[int, dict[str, object]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.refused)


def _lead_values(incoming: Mapping[str, object]) -> dict[str, object]:
    return {
        key: (
            _money(incoming.get(key))
            if key in ("planned_investment", "expected_output")
            else incoming.get(key)
        )
        for key in LEAD_IMPORTED
    }


def plan_leads(store: Store, incoming: pd.DataFrame) -> ImportPlan:
    """What importing ``incoming`` (columns of :data:`_LEAD_COLUMNS`; company and segment required) would
    do. A move back to an earlier stage is refused here (an import never takes a lead back silently);
    blank incoming cells never count as changes."""
    existing = {
        pipeline.lead_key(str(r["company"]), str(r["segment"])): r
        for r in lead_frame(store).to_dict("records")
    }
    new, changed, refused, unchanged, records = [], [], [], 0, {}
    seen: set[tuple[str, str]] = set()
    for record in incoming.to_dict("records"):
        company, segment = _text(record.get("company")), _text(record.get("segment"))
        key = pipeline.lead_key(company, segment)
        if key in seen:
            continue
        seen.add(key)
        now = existing.get(key)
        if now is None:
            new.append(record)
            continue
        diff = pipeline.changes(now, _lead_values(record), LEAD_IMPORTED)
        stopped = False
        if "lead_stage" in diff:
            old_stage, new_stage = str(now["lead_stage"]), str(diff["lead_stage"][1])
            try:
                pipeline.check_move(old_stage, new_stage)
            except pipeline.PipelineError as error:
                stopped = True
                refused.append(
                    (
                        f"{company} · {segment}: {error.message('zh')}",
                        f"{company} · {segment}: {error.message('en')}",
                    )
                )
                diff.pop("lead_stage")
        if diff:
            changed.append((int(now["lead_id"]), diff))
            records[int(now["lead_id"])] = {k: new for k, (_, new) in diff.items()}
        elif not stopped:
            unchanged += 1
    return ImportPlan("leads", tuple(new), tuple(changed), tuple(refused), unchanged, records)


def apply_leads(
    store: Store, plan: ImportPlan, *, by: Actor, overwrite: bool, on: dt.date | None = None
) -> tuple[int, int]:
    """Write a lead import in one transaction: add the new leads; change the held ones only when
    ``overwrite`` (the user said so). Returns (added, changed)."""
    day = on or dt.date.today()
    with store.writing(by, LEAD_ACTION) as w:
        for record in plan.new:
            _insert_lead(w, record, "import", day)
        changed = 0
        if overwrite:
            for lead_id, _ in plan.changed:
                before = _lead_row(w.connection, w.workspace_id, lead_id)
                _apply_lead_change(w, before, plan.incoming[lead_id], "", day)
                changed += 1
    return len(plan.new), changed


def plan_demands(store: Store, incoming: pd.DataFrame) -> ImportPlan:
    """What importing ``incoming`` demands would do (identity: enterprise + type + raised + content). A
    row that cannot be right is refused with why; blank cells never count as changes."""
    existing = {
        ledger_rules.demand_key(str(r["enterprise"]), str(r["demand_type"]), r["raised"], str(r["detail"])): r
        for r in demand_frame(store).to_dict("records")
    }
    new, changed, refused, unchanged, records = [], [], [], 0, {}
    seen: set[tuple[str, str, str, str]] = set()
    for number, record in enumerate(incoming.to_dict("records"), start=1):
        try:
            clean = _clean_demand(record)
        except ledger_rules.DemandError as error:
            where = record.get("row", number)
            refused.append((f"{where}: {error.message('zh')}", f"{where}: {error.message('en')}"))
            continue
        key = ledger_rules.demand_key(
            str(clean["enterprise"]), str(clean["demand_type"]), clean["raised"], str(clean["detail"])
        )
        if key in seen:
            continue
        seen.add(key)
        now = existing.get(key)
        if now is None:
            new.append(clean)
            continue
        diff = pipeline.changes(now, clean, DEMAND_FIELDS)
        if diff:
            changed.append((int(now["demand_id"]), diff))
            records[int(now["demand_id"])] = {k: new for k, (_, new) in diff.items()}
        else:
            unchanged += 1
    return ImportPlan("demands", tuple(new), tuple(changed), tuple(refused), unchanged, records)


def apply_demands(store: Store, plan: ImportPlan, *, by: Actor, overwrite: bool) -> tuple[int, int]:
    """Write a demand import in one transaction: new demands always, changes only when ``overwrite``.
    Returns (added, changed)."""
    with store.writing(by, DEMAND_ACTION) as w:
        for record in plan.new:
            _insert_demand(w, record)
        changed = 0
        if overwrite:
            for demand_id, _ in plan.changed:
                before = _demand_row(w.connection, w.workspace_id, demand_id)
                _apply_demand_change(w, before, plan.incoming[demand_id])
                changed += 1
    return len(plan.new), changed


def leads_from_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """A workbook's 招商项目 rows as leads: the investor (else the project's name) is the company, 状态
    maps onto a stage (:func:`chain.pipeline.stage_of_project`: 在建 = 开工), investment and expected
    output carried over."""
    rows = [
        {
            "company": _text(p["investor"]) or _text(p["name"]),
            "segment": _text(p["segment"]),
            "project": _text(p["name"]),
            "lead_stage": pipeline.stage_of_project(_text(p["status"])),
            "planned_investment": _money(p["investment"]),
            "expected_output": _money(p["expected_output"]),
        }
        for p in projects.to_dict("records")
    ]
    return pd.DataFrame(
        rows, columns=["company", "segment", "project", "lead_stage", "planned_investment", "expected_output"]
    )


def demands_from_sheet(sheet: pd.DataFrame) -> pd.DataFrame:
    """A workbook's 诉求 rows as ledger records (its 责任单位 is the responsible unit; the Excel row kept
    so that a refused row is located)."""
    rows = [
        {
            "enterprise": d["enterprise"],
            "demand_type": d["type"] or "other",
            "detail": d["detail"],
            "raised": d["raised"],
            "responsible": d["owner"],
            "due": d["due"],
            "demand_status": d["status"] or "open",
            "closed": d["closed"],
            "row": f"诉求!{d['row']}",
        }
        for d in sheet.to_dict("records")
    ]
    return pd.DataFrame(rows)


# -- the bundled sample's ledger ---------------------------------------------------------------------------

#: The bundled sample's pipeline beyond its 招商项目 sheet (data/sample_ledger/README.md).
SAMPLE_LEDGER = Path(__file__).resolve().parent.parent / "data" / "sample_ledger"


def _csv(name: str) -> list[dict[str, str]]:
    with (SAMPLE_LEDGER / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def seed_sample(store: Store, projects: pd.DataFrame, sheet: pd.DataFrame, *, by: Actor, on: dt.date) -> bool:
    """Fill an empty ledger with the bundled sample's pipeline and demands, dated around ``on``: the
    workbook's 招商项目 (``projects``) and 诉求 (``sheet``), then data/sample_ledger's owners, next steps,
    further leads and activities. Does nothing (False) when the workspace holds leads or demands already."""
    if len(lead_frame(store)) or len(demand_frame(store)):
        return False
    apply_leads(store, plan_leads(store, leads_from_projects(projects)), by=by, overwrite=False, on=on)
    held = {
        pipeline.lead_key(str(r["company"]), str(r["segment"])): int(r["lead_id"])
        for r in lead_frame(store).to_dict("records")
    }
    for row in _csv("leads.csv"):
        due = on + dt.timedelta(days=int(row["due_in_days"])) if row["due_in_days"] else None
        fields = {
            "owner": row["owner"],
            "next_step": row["next_step"],
            "next_due": due,
            "local_name": row["local_name"],
            "region": row["region"],
        }
        key = pipeline.lead_key(row["company"], row["segment"])
        if key in held:
            update_lead(store, held[key], fields, by=by, on=on)
            continue
        money = {k: float(row[k]) if row[k] else None for k in ("planned_investment", "expected_output")}
        record = {**fields, **money, "company": row["company"], "segment": row["segment"]}
        record.update(lead_stage=row["lead_stage"], stop_reason=row["stop_reason"])
        held[key] = add_lead(store, record, by=by, origin="manual", on=on)
    for row in _csv("activities.csv"):
        lead_id = held[pipeline.lead_key(row["company"], row["segment"])]
        add_activity(
            store, lead_id, on - dt.timedelta(days=int(row["days_ago"])), row["kind"], row["note"], by=by
        )
    apply_demands(store, plan_demands(store, demands_from_sheet(sheet)), by=by, overwrite=False)
    return True


# -- the workspace workbook --------------------------------------------------------------------------------


def workspace_workbook(store: Store, enterprises: pd.DataFrame, lang: str, as_of: dt.date) -> bytes:
    """The workspace's own records as one xlsx: leads (the investment team's weekly list: owner, stage,
    next step and due date, overdue as of ``as_of``), the activity log and the demand ledger (with each
    enterprise's deputy and what is overdue). Separate from any snapshot's original bytes; the leads and
    demands sheets read back with :func:`read_leads_xlsx` / :func:`read_demands_xlsx`."""
    lead_rows = lead_frame(store)
    lead_rows = lead_rows.assign(overdue=pipeline.overdue(lead_rows, as_of))
    ledger = ledger_rules.with_deputies(demand_frame(store), enterprises)
    ledger = ledger.assign(
        overdue=ledger_rules.overdue(ledger, as_of), days_to_close=ledger_rules.days_to_close(ledger)
    )
    log = activities(store).merge(lead_rows[["lead_id", "company", "segment"]], on="lead_id", how="left")
    tables = [
        export.ExportTable("leads", *_titles("leads"), lead_rows, cat.TABLES["leads"].columns),
        export.ExportTable(
            "activities",
            "跟进记录",
            "Activity log",
            log,
            ("company", "segment", "activity_date", "activity_kind", "activity_note", "recorded_by"),
        ),
        export.ExportTable("demands", *_titles("demands"), ledger, cat.TABLES["demands"].columns),
    ]
    about = {
        "source": store.where,
        "generated_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        "filters": as_of.isoformat(),
    }
    return export.to_xlsx(tables, about, lang)


def _titles(key: str) -> tuple[str, str]:
    table = cat.TABLES[key]
    return table.zh, table.en


# -- reading an edited list back ---------------------------------------------------------------------------


def _sheet(data: bytes, key: str) -> tuple[str, pd.DataFrame]:
    table = cat.TABLES[key]
    try:
        book = pd.read_excel(io.BytesIO(data), sheet_name=None, engine="calamine", dtype=object)
    except Exception as exc:  # calamine's own errors: any unreadable file is said, never a traceback
        raise LedgerError("bad_file", detail=str(exc) or type(exc).__name__) from None
    for title in (table.zh, table.en):
        if title in book:
            return title, book[title]
    raise LedgerError("no_sheet", sheet_zh=table.zh, sheet_en=table.en)


def _by_header(sheet: str, frame: pd.DataFrame, keys: Sequence[str], required: Sequence[str]) -> pd.DataFrame:
    """The sheet's columns renamed to catalogue keys (a header in either language)."""
    names = {cat.header(k, lang): k for k in keys for lang in ("zh", "en")}
    renamed = frame.rename(
        columns={c: names[str(c).strip()] for c in frame.columns if str(c).strip() in names}
    )
    missing = [cat.header(k, "zh") for k in required if k not in renamed.columns]
    if missing:
        raise LedgerError("missing_columns", sheet=sheet, columns="、".join(missing))
    return renamed[[k for k in keys if k in renamed.columns]]


def _vocabulary_value(
    sheet: str, row: int, key: str, value: object, words: Mapping[str, tuple[str, str]]
) -> str:
    text = _text(value)
    if not text:
        return ""
    for word_key, pair in words.items():
        if text in (word_key, *pair):
            return word_key
    raise LedgerError("bad_cell", sheet=sheet, row=row, column=cat.header(key, "zh"), value=text)


def _cell_date(sheet: str, row: int, key: str, value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value)[:10])
    except ValueError:
        raise LedgerError(
            "bad_cell", sheet=sheet, row=row, column=cat.header(key, "zh"), value=_text(value)
        ) from None


def _cell_money(sheet: str, row: int, key: str, value: object) -> float | None:
    if value is None or _text(value) == "":
        return None
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        raise LedgerError(
            "bad_cell", sheet=sheet, row=row, column=cat.header(key, "zh"), value=_text(value)
        ) from None
    return None if math.isnan(number) else number


def read_leads_xlsx(data: bytes) -> pd.DataFrame:
    """The leads sheet of a workspace workbook (as exported, then edited in Excel), as records for
    :func:`plan_leads`. Headers and stage names in either language; a cell that cannot be read is a
    :class:`LedgerError` naming its sheet, row and column."""
    title, raw = _sheet(data, "leads")
    keys = cat.TABLES["leads"].columns
    frame = _by_header(title, raw, keys, ("company", "segment"))
    rows = []
    for offset, record in enumerate(frame.to_dict("records")):
        row = offset + 2  # Excel's row: the header is row 1
        rows.append(
            {
                "company": _text(record.get("company")),
                "segment": _text(record.get("segment")),
                "region": _text(record.get("region")),
                "lead_stage": _vocabulary_value(
                    title, row, "lead_stage", record.get("lead_stage"), cat.LEAD_STAGES
                ),
                "owner": _text(record.get("owner")),
                "next_step": _text(record.get("next_step")),
                "next_due": _cell_date(title, row, "next_due", record.get("next_due")),
                "planned_investment": _cell_money(
                    title, row, "planned_investment", record.get("planned_investment")
                ),
                "expected_output": _cell_money(title, row, "expected_output", record.get("expected_output")),
                "local_name": _text(record.get("local_name")),
            }
        )
    return pd.DataFrame(rows)


def read_demands_xlsx(data: bytes) -> pd.DataFrame:
    """The demands sheet of a workspace workbook (as exported, then edited), as records for
    :func:`plan_demands`; types and statuses in either language."""
    title, raw = _sheet(data, "demands")
    keys = cat.TABLES["demands"].columns
    frame = _by_header(title, raw, keys, ("enterprise", "demand_type", "detail", "raised"))
    rows = []
    for offset, record in enumerate(frame.to_dict("records")):
        row = offset + 2
        rows.append(
            {
                "enterprise": _text(record.get("enterprise")),
                "demand_type": _vocabulary_value(
                    title, row, "demand_type", record.get("demand_type"), cat.DEMAND_KINDS
                ),
                "detail": _text(record.get("detail")),
                "raised": _cell_date(title, row, "raised", record.get("raised")),
                "responsible": _text(record.get("responsible")),
                "due": _cell_date(title, row, "due", record.get("due")),
                "demand_status": _vocabulary_value(
                    title, row, "demand_status", record.get("demand_status"), cat.DEMAND_STATES
                ),
                "resolution": _text(record.get("resolution")),
                "closed": _cell_date(title, row, "closed", record.get("closed")),
                "row": f"{title}!{row}",
            }
        )
    return pd.DataFrame(rows)
