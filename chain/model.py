"""The validated chain data every analysis starts from, the result of loading a workbook, and the result
types the analyses share (a report, its completeness, a what-if)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from chain.problems import Problem
from chain.settings import AnalysisSettings

__all__ = ["ChainData", "ChainReport", "Completeness", "LoadResult", "WhatIf"]


@dataclass(frozen=True)
class ChainData:
    """A validated workbook, as data frames with the schema's English column keys.

    Every frame keeps a ``row`` column: the Excel row the record came from (header = row 1), so that
    every number can be traced back to the cells that make it.

    - ``enterprises``: name, credit_code, segment, category (filled from the template when blank), town,
      above_scale (bool), output (float, 万元), employees (int), growth_pct (float or NaN), products
      (tuple of str), deputy, row.
    - ``links``: supplier, buyer, product, segment (resolved: the 产品环节, else the local supplier's),
      supplier_region, buyer_region, buyer_segment, value (float, 万元), volume (float or NaN), unit,
      distance_km (float or NaN; estimated where none was typed), supplier_local (bool), buyer_local
      (bool), supplier_in_county (bool), buyer_in_county (bool), supplier_adcode, buyer_adcode (str),
      distance_estimated (bool), row. ``*_local``: the party is named in 企业 (a local firm).
      ``*_in_county``: the party is local, or not in 企业 but its region lies in the county
      (``settings["county"]``, through the gazetteer, :mod:`chain.geo`): a *local-unlisted* party such as
      a construction site or a hospital, never an outside market or supplier. ``*_adcode``: the party's
      division (the county's when in it, "" when unknown). Every analysis reads all four party flags (and
      ``distance_estimated`` where it reads distances); a links frame without them is refused (KeyError),
      never defaulted.
    - ``template``: segment, category, stage (upstream|midstream|downstream or ""), inputs (tuple of
      segments, self-loops removed), note, row. In sheet order.
    - ``projects``: name, segment, investor, investment, capacity, status (choice key or ""),
      expected_output, row. Empty frame with these columns when the sheet is absent.
    - ``demands``: enterprise, type, detail, raised, owner, due, status, closed (dates as
      ``datetime.date`` or None), row. Empty frame with these columns when absent.
    - ``settings``: county, period, county_industrial_output (float, 万元) where given.

    Text cells are str ("" when blank), never NaN.
    """

    enterprises: pd.DataFrame
    links: pd.DataFrame
    template: pd.DataFrame
    projects: pd.DataFrame
    demands: pd.DataFrame
    settings: dict[str, object] = field(default_factory=dict)
    #: Display name of where the data came from (a file name, or the bundled sample).
    source: str = ""
    #: The errors of the rows the user chose to leave out of the analysis (``load_workbook(...,
    #: skip_error_rows=True)``), each located by sheet, row and column; () when nothing was left out.
    excluded: tuple[Problem, ...] = ()

    @property
    def excluded_rows(self) -> tuple[tuple[str, int], ...]:
        """(sheet, Excel row) of each row left out of the analysis, in report order, once each."""
        return tuple(dict.fromkeys((p.sheet, p.row) for p in self.excluded if p.row is not None))

    @property
    def county(self) -> str:
        return str(self.settings.get("county") or "")

    @property
    def period(self) -> str:
        return str(self.settings.get("period") or "")


@dataclass(frozen=True)
class LoadResult:
    """What loading a workbook gives: the data when it has no errors, and every problem found."""

    data: ChainData | None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    #: When every error sits on a data row of a required sheet, those rows as (sheet, Excel row): the
    #: workbook can then be analysed without them (``skip_error_rows=True``). () when some error (a missing
    #: sheet or column, a header problem) can't be left out with a row, or when there are no errors.
    skippable_rows: tuple[tuple[str, int], ...] = ()

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors


@dataclass(frozen=True)
class Completeness:
    """How complete the chain is: by segments with a local firm, and by local demand met locally."""

    #: Share of template segments with at least one local firm.
    segments: float
    #: Σ local supply / Σ demand over all segments (NaN when there is no local demand).
    value: float
    segments_with_firms: int
    segments_total: int
    demand: float
    local_supply: float


@dataclass(frozen=True, eq=False)
class ChainReport:
    """The gap analysis of one chain: a row per template segment (:data:`chain.gaps.SEGMENT_COLUMNS`), in template
    order, the chain's completeness, the settings it was computed with and the template's cycles."""

    segments: pd.DataFrame
    completeness: Completeness
    settings: AnalysisSettings = field(default_factory=AnalysisSettings)
    cycles: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, eq=False)
class WhatIf:
    """The analysis before and after a hypothetical project, and what changed (segment, metric, before,
    after, delta; completeness rows have segment "")."""

    before: ChainReport
    after: ChainReport
    changes: pd.DataFrame
