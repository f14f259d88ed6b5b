"""招商目标 Targets — the ranked list the investment-promotion team works from, with reasons and downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from chain import columns as cat
from chain import export, render
from ui import facade
from ui.frame import Frame, frame
from ui.widgets import download_pair, gap_name, plain, table

# The table shows every column the export writes, ordered for reading on screen: who and where, the gap,
# the score and its reasons first; the rest (long lists) after, in export order, so that a column added to
# the export shows up here too.
_LEADING = tuple(
    key
    for key in (
        "name",
        "region",
        "segment",
        "gap",
        "score",
        "value",
        "local_partners",
        "distance_km",
        "reasons",
    )
    if key in export.TARGET_COLUMNS
)
_COLUMNS = (*_LEADING, *(key for key in export.TARGET_COLUMNS if key not in _LEADING))
_ALL = ""


def _how_scored(fr: Frame) -> None:
    weights = fr.settings.target_weights
    with st.expander(fr.t("targets_how"), icon=":material/calculate:"):
        st.markdown(fr.t("targets_how_text", penalty=weights.covered_penalty))
        rows = pd.DataFrame(
            {
                fr.t("weight_factor"): [
                    fr.t(f"weight_{name}") for name in ("value", "partners", "distance", "gap")
                ],
                fr.t("weight_weight"): [weights.value, weights.partners, weights.distance, weights.gap],
            }
        )
        st.dataframe(rows, hide_index=True, width=520)


def _describe(
    fr: Frame, segment: str | None, gap: str | None, region: str | None, low: float, far: float | None
) -> str:
    """The filters in words, for the About sheet of the download (so a printed list says what it holds)."""
    parts = [
        f"{fr.t('targets_segment')}={segment}" if segment else "",
        f"{fr.t('targets_gap')}={gap_name(gap, fr.lang)}" if gap else "",
        f"{fr.t('targets_region')}={region}" if region else "",
        f"{fr.t('targets_min_value')}={low:,.0f}" if low else "",
        f"{fr.t('targets_max_distance')}={far:,.0f}" if far else "",
    ]
    return "; ".join(p for p in parts if p) or fr.t("all")


def main() -> None:
    fr = frame("targets")
    _, report = fr.analysis()
    with fr.guard():
        lang = fr.lang
        first, second, third = st.columns(3)
        segment = first.selectbox(
            fr.t("targets_segment"),
            [_ALL, *report.segments["segment"]],
            format_func=lambda s: s or fr.t("all"),
            key="targets_segment",
        )
        gap = second.selectbox(
            fr.t("targets_gap"),
            [_ALL, *cat.GAP_KINDS],
            format_func=lambda g: gap_name(g, lang) if g else fr.t("all"),
            key="targets_gap",
        )
        region = third.selectbox(
            fr.t("targets_region"),
            [_ALL, *facade.target_regions(fr.source, fr.settings)],
            format_func=lambda r: r or fr.t("all"),
            key="targets_region",
        )
        fourth, fifth = st.columns(2)
        low = fourth.number_input(
            fr.t("targets_min_value"),
            min_value=0.0,
            value=0.0,
            step=100.0,
            format="%.0f",
            key="targets_min_value",
        )
        far = fifth.number_input(
            fr.t("targets_max_distance"),
            min_value=0.0,
            value=0.0,
            step=100.0,
            format="%.0f",
            key="targets_max_distance",
        )
        filters = {
            "segment": segment or None,
            "gap": gap or None,
            "region": region or None,
            "min_value": float(low),
            "max_distance": float(far) or None,
        }
        shown = facade.recruiting_targets(fr.source, fr.settings, **filters)

        st.caption(fr.t("targets_count", count=len(shown)))
        if shown.empty:
            st.info(fr.t("empty_filtered"))
        else:
            best = shown.iloc[0]
            reasons = render.source(shown.head(1), "reasons", lang).iloc[0]
            with st.container(border=True):
                # The target's name, region, segment and reasons are workbook text (an outside company's
                # own name): plain() shows them as text, never as a link or an image.
                st.markdown(
                    f"**{fr.t('targets_top')}: {plain(best['name'])}** ({plain(best['region'])}) · "
                    f"{plain(best['segment'])} · {gap_name(best['gap'], lang)} · {render.amount(best['value'], lang)}"
                )
                for reason in reasons:
                    st.markdown(f"- {plain(reason)}")
                with st.expander(fr.t("flowmap_target"), icon=":material/public:"):
                    st.plotly_chart(
                        facade.flow_map_figure(
                            fr.source, fr.settings, lang, outside=str(best["name"]), height=400
                        ),
                        key="targets_map_chart",
                    )
            # The list as shown, cached per filter and language: rebuilding it is most of a rerun's work.
            prepared = facade.targets_display(fr.source, fr.settings, lang, _COLUMNS, **filters)
            table(shown, _COLUMNS, lang, key="targets_table", height=560, prepared=prepared)
            description = _describe(fr, *filters.values())
            download_pair(
                facade.targets_downloads(fr.source, fr.settings, lang, description=description, **filters),
                fr.t("export_targets_title"),
                lang,
                key="targets_download",
            )
        _how_scored(fr)


main()
