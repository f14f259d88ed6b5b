"""Accounting identities of the analysis on random small chains (random templates, firms and links)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from chain.columns import FORMATS
from chain.gaps import analyze, what_if
from chain.geo import gazetteer
from chain.graph import layers, template_graph
from chain.model import ChainData
from chain.pairing import local_pairs
from chain.targets import recruiting_targets

#: The county of the random chains; an external party whose region is the county is local-unlisted.
COUNTY = "测试县"
REGIONS = ["西安", "南通", "唐山", COUNTY]


@st.composite
def chains(draw) -> ChainData:
    """A valid chain: a template with random inputs (cycles allowed), firms in it, and links between
    local and external parties (some of them local-unlisted: their region is the county), with product
    segments and the in-county flags always resolved as the loader does."""
    segments = [f"S{i}" for i in range(draw(st.integers(1, 6)))]
    inputs = [
        tuple(
            draw(
                st.lists(
                    st.sampled_from([s for s in segments if s != segment] or [segment]),
                    max_size=3,
                    unique=True,
                )
            )
        )
        if len(segments) > 1
        else ()
        for segment in segments
    ]
    template = pd.DataFrame(
        {
            "segment": segments,
            "category": "碳素",
            "stage": "",
            "inputs": inputs,
            "note": "",
            "row": range(2, len(segments) + 2),
        }
    )
    firm_segments = draw(st.lists(st.sampled_from(segments), max_size=8))
    firms = [f"F{i}" for i in range(len(firm_segments))]
    enterprises = pd.DataFrame(
        {
            "name": pd.array(firms, dtype="str"),
            "segment": pd.array(firm_segments, dtype="str"),
            "category": "碳素",
            "town": "",
            "above_scale": draw(st.lists(st.booleans(), min_size=len(firms), max_size=len(firms))),
            "output": [float(draw(st.integers(0, 1000))) for _ in firms],
            "employees": [draw(st.integers(0, 100)) for _ in firms],
            "growth_pct": [draw(st.one_of(st.just(math.nan), st.floats(-50, 50))) for _ in firms],
            "products": [()] * len(firms),
            "row": range(2, len(firms) + 2),
        }
    )
    externals = [f"X{i}" for i in range(draw(st.integers(2, 4)))]
    parties = firms + externals
    records = []
    for _ in range(draw(st.integers(0, 25))):
        supplier = draw(st.sampled_from(parties))
        buyer = draw(st.sampled_from([p for p in parties if p != supplier]))
        supplier_local, buyer_local = supplier in firms, buyer in firms
        segment = (
            firm_segments[firms.index(supplier)]
            if supplier_local and draw(st.booleans())
            else draw(st.sampled_from(segments))
        )
        records.append(
            {
                "supplier": supplier,
                "buyer": buyer,
                "product": "p",
                "segment": segment,
                "supplier_region": "" if supplier_local else draw(st.sampled_from(REGIONS)),
                "buyer_region": "" if buyer_local else draw(st.sampled_from(REGIONS)),
                "buyer_segment": "" if buyer_local else draw(st.sampled_from(["", "其他", *segments])),
                "value": float(draw(st.integers(0, 1000))) + draw(st.sampled_from([0.0, 0.25, 0.1])),
                "distance_km": draw(st.one_of(st.just(math.nan), st.floats(0, 3000))),
                "distance_estimated": draw(st.booleans()),
                "supplier_local": supplier_local,
                "buyer_local": buyer_local,
            }
        )
        record = records[-1]
        record["supplier_in_county"] = supplier_local or record["supplier_region"] == COUNTY
        record["buyer_in_county"] = buyer_local or record["buyer_region"] == COUNTY
    columns = [
        "supplier",
        "buyer",
        "product",
        "segment",
        "supplier_region",
        "buyer_region",
        "buyer_segment",
        "value",
        "distance_km",
        "distance_estimated",
        "supplier_local",
        "buyer_local",
        "supplier_in_county",
        "buyer_in_county",
    ]
    flags = ("supplier_local", "buyer_local", "supplier_in_county", "buyer_in_county")
    links = pd.DataFrame(records, columns=columns).astype(
        {"value": float, "distance_km": float, "distance_estimated": bool} | dict.fromkeys(flags, bool)
    )
    for column in columns[:7]:
        links[column] = links[column].astype("str")
    for side in ("supplier", "buyer"):
        # Where each party is, as the loader says (chain.geo): "" for a place the gazetteer does not know.
        links[f"{side}_adcode"] = (
            links[f"{side}_region"].map(lambda r: gazetteer().resolve(r).adcode).astype("str")
        )
    links["row"] = range(2, len(links) + 2)
    projects = pd.DataFrame(
        {"name": pd.Series(dtype="str"), "segment": pd.Series(dtype="str"), "status": pd.Series(dtype="str")}
    )
    return ChainData(enterprises, links, template, projects, pd.DataFrame(), settings={"county": COUNTY})


def close(a, b) -> bool:
    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-9, atol=1e-6))


PROPERTY = settings(max_examples=50, deadline=None)


@PROPERTY
@given(chains())
def test_accounting_identities(data):
    report = analyze(data)
    table = report.segments.set_index("segment")
    links = data.links
    local_buyer = links["buyer_local"]
    # leakage + local supply == demand, per segment
    assert close(table["leakage"] + table["local_supply"], table["demand"])
    # each link with a local buyer is in exactly one segment's demand: its own product segment's
    by_segment = links[local_buyer].groupby("segment")["value"].sum().reindex(table.index, fill_value=0)
    assert close(table["demand"], by_segment)
    assert close(table["demand"].sum(), links.loc[local_buyer, "value"].sum())
    # each link from a party in the county to a local buyer counted once, in local supply
    in_county_supplier = links["supplier_in_county"]
    assert close(table["local_supply"].sum(), links.loc[local_buyer & in_county_supplier, "value"].sum())
    # exports are exactly the local -> outside-the-county links; local final demand the local -> local-unlisted
    local_supplier, in_county_buyer = links["supplier_local"], links["buyer_in_county"]
    assert close(table["exports"].sum(), links.loc[local_supplier & ~in_county_buyer, "value"].sum())
    unlisted_buyer = in_county_buyer & ~local_buyer
    assert close(table["local_final_demand"].sum(), links.loc[local_supplier & unlisted_buyer, "value"].sum())
    # every sale of a local firm is local demand, local final demand or an export, once
    sold = links[local_supplier].groupby("segment")["value"].sum().reindex(table.index, fill_value=0)
    sold_locally = links[local_supplier & local_buyer].groupby("segment")["value"].sum()
    sold_locally = sold_locally.reindex(table.index, fill_value=0)
    assert close(table["exports"] + table["local_final_demand"] + sold_locally, sold)
    completeness = report.completeness
    assert close(completeness.demand, table["demand"].sum())
    assert completeness.segments_with_firms == (table["firms"] > 0).sum()


@PROPERTY
@given(chains())
def test_status_share_and_score_are_consistent(data):
    table = analyze(data).segments
    assert ((table["status"] == "missing") == (table["firms"] == 0)).all()
    shares = table["local_share"].dropna()
    assert ((shares >= 0) & (shares <= 1 + 1e-12)).all()
    assert (table["local_share"].isna() == (table["demand"] == 0)).all()
    assert ((table["score"] >= 0) & (table["score"] <= 1 + 1e-12)).all()
    assert ((table["downstream_gap"] == 0) | (table["status"] != "strong")).all()
    for segment_gaps, leakage in zip(table["gaps"], table["leakage"], strict=True):
        assert ("upstream" in segment_gaps) == (leakage > 0)


@PROPERTY
@given(chains())
def test_layers_follow_edges_outside_cycles(data):
    graph = template_graph(data.template)
    layer = layers(graph)
    component = nx.condensation(graph).graph["mapping"]
    for source, target in graph.edges:
        if component[source] == component[target]:
            assert layer[source] == layer[target]
        else:
            assert layer[source] < layer[target]


@PROPERTY
@given(chains())
def test_upstream_targets_account_for_the_leakage(data):
    report = analyze(data)
    targets = recruiting_targets(data, report, gap="upstream")
    sold_in = targets.groupby("segment")["value"].sum()
    leakage = report.segments.set_index("segment")["leakage"]
    assert close(sold_in, leakage[sold_in.index])
    assert set(sold_in.index) <= set(leakage[leakage > 0].index) | set(sold_in[sold_in == 0].index)
    # Ranked by the score as shown (to the catalogue's digits): scores that read the same are a tie, which
    # the value traded decides, so the raw scores of a tie may go either way.
    assert targets["score"].round(FORMATS["score"].decimals).is_monotonic_decreasing


@PROPERTY
@given(chains())
def test_no_party_in_the_county_is_a_target(data):
    targets = recruiting_targets(data, analyze(data))
    assert COUNTY not in set(targets["region"])


@PROPERTY
@given(chains())
def test_pairs_never_repeat_a_link_and_replace_outside_purchases(data):
    pairs = local_pairs(data, analyze(data))
    existing = set(zip(data.links["supplier"], data.links["buyer"], strict=True))
    assert not set(zip(pairs["supplier"], pairs["buyer"], strict=True)) & existing
    assert (pairs["value_from_outside"] > 0).all()
    assert pairs["score"].is_monotonic_decreasing


@PROPERTY
@given(chains(), st.integers(0, 2000), st.data())
def test_what_if_meets_local_demand_up_to_its_output(data, output, draw):
    segment = draw.draw(st.sampled_from(list(data.template["segment"])))
    result = what_if(data, None, segment, float(output))
    before = result.before.segments.set_index("segment")
    after = result.after.segments.set_index("segment")
    assert close(after.loc[segment, "leakage"], max(0.0, before.loc[segment, "leakage"] - output))
    assert close(after["demand"], before["demand"])
    assert after.loc[segment, "firms"] == before.loc[segment, "firms"] + 1
    others = before.index != segment
    assert close(after.loc[others, "leakage"], before.loc[others, "leakage"])
