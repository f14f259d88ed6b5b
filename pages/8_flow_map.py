"""来源与去向地图 Flow map — where the county's inputs come from and where its products go, by place.

Drawn with no boundary and nothing fetched (chain/charts/flow_map.py says why); a click on a place lists
its suppliers and buyers.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from chain import columns as cat
from chain import geoflows, render
from chain.settings import ReadSettings
from ui import facade
from ui.frame import Frame, frame
from ui.widgets import column_config, plain

_ALL = ""
_CHART = "flowmap_chart"
_PLACE = "flowmap_place"
#: Unplaced regions named in the note under the map; the validation report lists them all.
_UNLOCATED_SHOWN = 12


def _on_click() -> None:
    """A click on a place keeps its adcode (a callback: it runs before the page draws)."""
    points = st.session_state[_CHART].selection.points
    picked = [p.get("customdata") for p in points if isinstance(p.get("customdata"), str)]
    st.session_state[_PLACE] = picked[0] if picked else _ALL


def _place(fr: Frame, flows: pd.DataFrame, adcode: str) -> None:
    """The suppliers and buyers of one place: who, with which local firm, in which segment, how much."""
    lang = fr.lang
    mine = flows[flows["adcode"] == adcode]
    if mine.empty:
        return
    totals = geoflows.place_totals(mine)
    st.subheader(fr.t("flowmap_place", place=plain(totals["place"].iloc[0])))
    shown = mine.assign(
        direction=mine["direction"].map({"in": fr.t("flowmap_in"), "out": fr.t("flowmap_out")}),
        distance=[
            render.distance(km, lang, estimated=bool(flag))
            for km, flag in zip(mine["distance_km"], mine["distance_estimated"], strict=True)
        ],
    )
    st.dataframe(
        shown,
        hide_index=True,
        column_order=["direction", "name", "region", "local", "segment", "value", "distance"],
        column_config={
            "direction": st.column_config.TextColumn(fr.t("flowmap_direction"), width="small"),
            "name": column_config("name", lang),
            "region": column_config("region", lang),
            "local": st.column_config.TextColumn(fr.t("flowmap_local")),
            "segment": st.column_config.TextColumn(cat.name("segment", lang)),
            "value": column_config("value", lang),
            "distance": st.column_config.TextColumn(cat.header("distance_km", lang), alignment="right"),
        },
        key="flowmap_place_table",
    )


def main() -> None:
    fr = frame("flow_map")
    _, report = fr.analysis()
    with fr.guard():
        lang = fr.lang
        first, second, third = st.columns(3)
        segment = first.selectbox(
            fr.t("flowmap_segment"),
            [_ALL, *report.segments["segment"]],
            format_func=lambda s: s or fr.t("all"),
            key="flowmap_segment",
        )
        gap = second.selectbox(
            fr.t("flowmap_gap"),
            [_ALL, *cat.GAP_KINDS],
            format_func=lambda g: cat.value_name(cat.GAP_KINDS, g, lang) if g else fr.t("all"),
            key="flowmap_gap",
        )
        color_by = third.radio(
            fr.t("flowmap_color"),
            ["segment", "category"],
            format_func=lambda k: fr.t(f"flowmap_color_{k}"),
            horizontal=True,
            key="flowmap_color",
        )
        filters = {"segment": segment or None, "gap": gap or None}
        st.caption(fr.t("flowmap_lawful"))
        figure = facade.flow_map_figure(fr.source, fr.settings, lang, color_by=color_by, **filters)
        st.plotly_chart(figure, key=_CHART, on_select=_on_click, selection_mode="points")
        flows = facade.map_flows(fr.source, fr.settings, **filters)
        unplaced = flows.loc[flows["adcode"] == "", "region"].drop_duplicates()
        if not unplaced.empty:
            listed = render.joined(tuple(unplaced.head(_UNLOCATED_SHOWN)), lang)
            more = "…" if len(unplaced) > _UNLOCATED_SHOWN else ""
            st.caption(fr.t("flowmap_unlocated", count=len(unplaced), places=plain(listed + more)))
        if flows["distance_estimated"].any():
            # The loader estimates with the default reading settings (ui/facade.py passes none of its own).
            st.caption(fr.t("flowmap_estimated", factor=f"{ReadSettings().road_factor:g}"))
        picked = st.session_state.get(_PLACE, _ALL)
        if picked and picked in set(flows["adcode"]):
            _place(fr, flows, picked)
        else:
            st.info(fr.t("flowmap_pick_hint"))


main()
