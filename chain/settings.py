"""Thresholds, score weights and safety limits: every tunable number of the product, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["AnalysisSettings", "CacheLimits", "Limits", "PairWeights", "ReadSettings", "TargetWeights"]


@dataclass(frozen=True)
class TargetWeights:
    """Weights of the normalised factors of a recruiting target's score; with the defaults, which sum to 1,
    a score runs 0..1.

    An investment team ranks an outside company first by the business it already does with the county
    (a supplier selling 190 m yuan a year into it is a warmer lead than one selling 170 m), then by how
    many local firms it serves; the gap it would close matters too; distance is the argument for a local
    plant (the freight saved) rather than a reason to prefer a smaller supplier, so it weighs least, and
    it breaks ties between scores that read the same (:func:`chain.targets.recruiting_targets`).
    """

    value: float = 0.50  # value the outside company already trades with the county
    partners: float = 0.25  # reach: local firms it serves (or buys from)
    gap: float = 0.15  # size of the gap it would close
    distance: float = 0.10  # farther away = more to gain from a local plant
    covered_penalty: float = 0.5  # score multiplier when a 招商项目 already covers the segment


@dataclass(frozen=True)
class PairWeights:
    """Weights of a local pairing suggestion's score."""

    value_from_outside: float = 0.7  # what the buyer now buys of the segment from outside
    supplier_output: float = 0.3  # how much the local supplier makes
    #: Local suppliers suggested per outside purchase (buyer x segment), best first: an office arranges a
    #: few introductions per purchase, and forty near-identical rows would bury the useful ones.
    suppliers_per_purchase: int = 3


@dataclass(frozen=True)
class AnalysisSettings:
    """Thresholds of the gap analysis. Hashable, so it can key a cache."""

    #: Local share below this makes a segment weak (a regional purchase coefficient).
    weak_share: float = 0.5
    #: Fewer local firms than this makes a segment weak.
    min_firms: int = 2
    #: Largest firm's share of segment output at or above which a segment is flagged concentrated.
    concentration_share: float = 0.6
    target_weights: TargetWeights = field(default_factory=TargetWeights)
    pair_weights: PairWeights = field(default_factory=PairWeights)


@dataclass(frozen=True)
class ReadSettings:
    """Thresholds of what the loader calls suspicious. Hashable, so it can key a cache."""

    #: A link party not in 企业, with a blank region or the county's, whose name core (no place prefix, no
    #: 有限公司…) is at least this similar to a local firm's (RapidFuzz normalised Indel similarity, 0..1) is
    #: an error with a suggestion. 0.75 lets one character in four differ; the bundled sample's most alike
    #: pair of different firms scores 0.67 (tests/test_read.py checks the sample raises none).
    name_similarity: float = 0.75
    #: A firm whose output per employee is this many times above (or below) the chain's median is flagged:
    #: 10,000 is 元 typed under 万元, so 100 catches it with room for real spread between trades.
    output_per_employee_factor: float = 100.0
    #: Where 运输距离 is missing, a link's distance is estimated (chain/geo.py) as the great-circle distance
    #: between its parties' places times this factor: roads wind. 1.3 is the usual circuity of China's road
    #: network between cities; the bundled sample's typed distances run 0.9-2.0 times the great circle x 1.3
    #: (median 1.1). An estimate is always marked as one (≈), and a typed distance always wins.
    road_factor: float = 1.3
    #: A typed distance more than this many times longer or shorter than the estimate (and off by more
    #: than ``distance_warning_km``) is a warning: metres typed as km, or the wrong region.
    distance_warning_factor: float = 3.0
    distance_warning_km: float = 150.0


@dataclass(frozen=True)
class Limits:
    """What an uploaded workbook may cost before it is refused, checked on the bytes before any parser.

    ``max_file_mb`` mirrors ``server.maxUploadSize`` in ``.streamlit/config.toml``.
    """

    max_file_mb: int = 50
    #: Sum of the declared unpacked sizes of all zip members.
    max_unpacked_mb: int = 1024
    #: Largest unpacked/compressed ratio of any one member (real xlsx sheets stay well under 100).
    max_ratio: float = 200.0
    #: Cells a sheet may declare in its <dimension> (rows x columns).
    max_cells_per_sheet: int = 20_000_000
    #: Wall-clock seconds a child process may spend parsing an upload. Only parsing counts: the time an
    #: upload waits in the parse queue (chain.isolate) for its turn does not.
    parse_seconds: float = 120.0
    #: Address-space limit of the parsing child process. The interpreter with pandas already maps 1.4 GB of
    #: it; the largest workbook these limits accept (49.5 MB, 1.1 million links) needs about 3 GB (runs
    #: failed at 2.6-2.8 GB and one at 3.0 GB; others passed at 2.9, 3.0 and 3.5 GB): 4 GB leaves a margin.
    #: Its child's resident set peaks at 1.6 GB (bench/run.py's memory figure).
    parse_memory_mb: int = 4096
    #: Address-space limit of the child parsing a small upload (up to chain.isolate.SMALL_FILE_BYTES, 5 MB):
    #: a 4.8 MB workbook (112,000 links) parses in 1.5 GB. The parse slot kept for small uploads then never
    #: costs what a large parse may, whatever a small file holds.
    small_parse_memory_mb: int = 2048


@dataclass(frozen=True)
class CacheLimits:
    """What the server's result caches (``ui/facade.py``) may hold: one store shared by every session.

    It holds loaded workbooks, analyses, target and pairing lists, figures and export files, keyed on the
    workbook's SHA-256. Sizes are the pickled size of each entry, a close estimate of what it holds in
    memory (the largest workbook the limits accept, 49.5 MB with 1.1 million links, loads to 225 MB
    pickled against 228 MB of frames by ``DataFrame.memory_usage(deep=True)``). Measured and derived in
    ``docs/deploy.md`` (limits) and ``bench/README.md`` (the ``memory`` figure).
    """

    #: Total size of everything cached. The least recently used entries go first when a new one needs room;
    #: one entry larger than this is not cached at all. 768 MB holds the largest accepted workbook with its
    #: analysis, lists, figures and exports (510 MB, measured), or many county-size ones (a few MB each).
    max_mb: int = 768
    #: An entry not used for this long is dropped, whether or not anyone is connected: a workbook nobody
    #: looks at for half an hour does not keep its memory. Its next use reads it again.
    ttl_seconds: float = 1800.0
    #: How often a background sweep drops expired entries (and gives their memory back to the system).
    sweep_seconds: float = 60.0
