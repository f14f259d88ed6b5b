"""本地配套 Local pairing — introductions the office can arrange next week, each with its evidence."""

from __future__ import annotations

import streamlit as st

from chain import export, render, views
from ui import facade
from ui.choices import worded
from ui.frame import frame
from ui.widgets import download_pair, plain, table

# The table shows what the export writes, in the same order.
_COLUMNS = export.PAIR_COLUMNS
_ALL = ""
#: Outside purchases spelled out as cards above the full table; more would push the table off screen.
_CARDS = 6


def main() -> None:
    fr = frame("pairing")
    _, report = fr.analysis()
    with fr.guard():
        lang = fr.lang
        segment = st.selectbox(
            fr.t("pairing_segment"),
            [_ALL, *report.segments["segment"]],
            format_func=lambda s: s or fr.t("all"),
            key=worded("pairing_segment"),
        )
        pairs = facade.local_pairs(fr.source, fr.settings, segment=segment or None)
        st.caption(fr.t("pairing_count", count=len(pairs)))
        if pairs.empty:
            st.info(fr.t("empty_filtered"))
            return
        st.subheader(fr.t("pairing_evidence"))
        # One card per outside purchase, naming every local firm that could take it over; the table
        # below keeps one row per (supplier, buyer) pair.
        cards = st.columns(2)
        groups = views.purchase_groups(pairs).head(_CARDS)
        replaced = render.source(groups, "outside_suppliers", lang)
        for index, row in enumerate(groups.itertuples(index=False)):
            with cards[index % 2].container(border=True):
                # Firm and segment names are workbook text: plain() shows them as text, not Markdown.
                st.markdown(
                    f"**{plain(row.buyer)}** · {plain(row.segment)} · "
                    f"{fr.t('overview_gap_line', leakage=render.amount(row.value_from_outside, lang))}"
                )
                candidates = [
                    fr.t(
                        "pairing_candidate",
                        name=plain(name),
                        output=render.amount(output, lang, compact=True),
                    )
                    for name, output in zip(row.suppliers, row.supplier_outputs, strict=True)
                ]
                st.caption(fr.t("pairing_candidates", suppliers=render.joined(candidates, lang)))
                outside = plain(render.joined(replaced.iloc[index], lang))
                st.caption(fr.t("pairing_replaces", suppliers=outside))
        table(pairs, _COLUMNS, lang, key="pairing_table")
        description = f"{fr.t('pairing_segment')}={segment}" if segment else fr.t("all")
        download_pair(
            facade.pairs_downloads(
                fr.source, fr.settings, lang, segment=segment or None, description=description
            ),
            fr.t("export_pairs_title"),
            lang,
            key="pairing_download",
        )


main()
