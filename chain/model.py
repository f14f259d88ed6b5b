"""The validated chain data every analysis starts from, and the result of loading a workbook."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from chain.problems import Problem

__all__ = ["ChainData", "LoadResult"]


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
      distance_km (float or NaN), supplier_local (bool), buyer_local (bool), row.
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

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors
