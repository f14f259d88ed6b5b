"""招商目标 Targets — the ranked list the investment-promotion team works from, with reasons and downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from chain import columns as cat
from chain import export, ledger, pipeline, render
from ui import access, facade
from ui import ledger as loop
from ui.choices import worded
from ui.frame import Frame, frame
from ui.widgets import download_pair, gap_name, plain, table
from ui.workspace import acting_user

# The table shows the columns the export writes, in its order (rank, who and where, the gap, the score and its
# parts, what it rests on, the reasons, then the long lists): screen and list read the same.
_COLUMNS = export.TARGET_COLUMNS
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


def _stages(shown: pd.DataFrame, leads: pd.DataFrame) -> list[str]:
    """Each target's lead stage ("" when it is not a lead): a target already in the list shows it."""
    held = {
        pipeline.lead_key(c, s): stage
        for c, s, stage in zip(leads["company"], leads["segment"], leads["lead_stage"], strict=True)
    }
    return [
        held.get(pipeline.lead_key(n, s), "") for n, s in zip(shown["name"], shown["segment"], strict=True)
    ]


def _to_leads(fr: Frame, shown: pd.DataFrame, stages: list[str]) -> None:
    """加入线索库: the chosen targets become leads with their region, gap, score and reasons of now."""
    opened = loop.store()
    if opened is None or not access.can("lead.write"):
        return
    outside = [i for i, stage in zip(shown.index, stages, strict=True) if not stage]
    st.markdown(f"**{fr.t('tg_leads_title')}**")
    if not outside:
        st.caption(fr.t("tg_leads_all_in"))
        return
    chosen = st.multiselect(
        fr.t("tg_leads_pick"),
        outside,
        format_func=lambda i: f"{shown.loc[i, 'name']} · {shown.loc[i, 'segment']}",
        key="tg_leads_pick",
        placeholder=fr.t("tg_leads_placeholder"),
    )
    if st.button(
        fr.t("tg_leads_button"), key="tg_leads_button", disabled=not chosen, icon=":material/playlist_add:"
    ):
        picked = shown.loc[chosen]
        worded = {lang: render.source(picked, "reasons", lang).tolist() for lang in ("zh", "en")}
        records = [
            {
                "company": row["name"],
                "segment": row["segment"],
                "region": row["region"],
                "gap": row["gap"],
                "score": float(row["score"]),
                "reasons_zh": tuple(worded["zh"][n]),
                "reasons_en": tuple(worded["en"][n]),
            }
            for n, (_, row) in enumerate(picked.iterrows())
        ]

        def add() -> None:
            for record in records:
                ledger.add_lead(opened, record, by=acting_user(), origin="target")

        loop.write(fr.lang, add, done=fr.t("tg_leads_added", count=len(records)))


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
            key=worded("targets_segment"),
        )
        gap = second.selectbox(
            fr.t("targets_gap"),
            [_ALL, *cat.GAP_KINDS],
            format_func=lambda g: gap_name(g, lang) if g else fr.t("all"),
            key=worded("targets_gap"),
        )
        region = third.selectbox(
            fr.t("targets_region"),
            [_ALL, *facade.target_regions(fr.source, fr.settings)],
            format_func=lambda r: r or fr.t("all"),
            key=worded("targets_region"),
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
                    f"**{fr.t('labelled', label=fr.t('targets_top'), value=plain(best['name']))}** "
                    f"({plain(best['region'])}) · "
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
            opened = loop.store()
            stages = _stages(shown, loop.lead_frame(opened)) if opened is not None else [""] * len(shown)
            if any(stages):
                # A target already in the leads shows its stage, right after its name.
                columns = (_COLUMNS[0], "lead_stage", *_COLUMNS[1:])
                prepared = prepared.assign(
                    lead_stage=[cat.value_name(cat.LEAD_STAGES, s, lang) if s else "" for s in stages]
                )
                table(
                    shown.assign(lead_stage=stages),
                    columns,
                    lang,
                    key="targets_table",
                    height=640,
                    prepared=prepared,
                    lines=2,
                )
            else:
                table(shown, _COLUMNS, lang, key="targets_table", height=640, prepared=prepared, lines=2)
            description = _describe(fr, *filters.values())
            download_pair(
                facade.targets_downloads(fr.source, fr.settings, lang, description=description, **filters),
                fr.t("export_targets_title"),
                lang,
                key="targets_download",
            )
            _to_leads(fr, shown, stages)
        _how_scored(fr)


main()
