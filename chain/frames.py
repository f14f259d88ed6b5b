"""Small frame verbs the analyses share: sums and lists per group, ranking best first, scaling a factor to
its largest value."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "best_first",
    "collect",
    "distinct_sorted",
    "group_sums",
    "groups",
    "positions",
    "share_of_largest",
]


def best_first(frame: pd.DataFrame, descending: Sequence[str], then: Sequence[str]) -> pd.DataFrame:
    """``frame`` *best first*: sorted by the ``descending`` columns, largest first, and ties broken by the
    ``then`` columns, smallest first (names in code point order). A new frame with a fresh index; the
    sort is stable, so rows equal on every key keep their order.

    >>> frame = pd.DataFrame({"name": ["乙", "甲", "丙"], "score": [0.5, 0.5, 0.9]})
    >>> best_first(frame, ["score"], ["name"])["name"].tolist()
    ['丙', '乙', '甲']
    """
    keys = [*descending, *then]
    ascending = [False] * len(descending) + [True] * len(then)
    return frame.sort_values(keys, ascending=ascending, kind="stable", ignore_index=True)


def share_of_largest(values: pd.Series | np.ndarray, largest: float | None = None) -> np.ndarray:
    """Each value divided by the largest one (a score factor in 0..1), or by ``largest`` when given (the
    largest of a wider set of rows); all 0 when the largest is not positive.

    >>> share_of_largest(np.array([2.0, 4.0])).tolist(), share_of_largest(np.array([0.0])).tolist()
    ([0.5, 1.0], [0.0])
    """
    values = np.asarray(values, dtype=float)
    top = values.max(initial=0.0) if largest is None else largest
    return values / top if top > 0 else np.zeros_like(values)


def groups(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """The group of each row by ``keys``, numbered in order of first appearance, and the keys of each group
    (one row per group, in that order). Grouping once and working on the numbers saves hashing the same
    text keys again for every aggregate.

    >>> number, keys = groups(pd.DataFrame({"who": ["甲", "乙", "甲"]}), ["who"])
    >>> number.tolist(), keys["who"].tolist()
    ([0, 1, 0], ['甲', '乙'])
    """
    # As ``groupby(keys, sort=False, dropna=False).ngroup()``, in one pass per key: each key's texts are
    # hashed once (factorize), and the codes so far are combined with the next key's and numbered again in
    # order of first appearance, so the numbers stay below the row count however many keys there are.
    number = np.zeros(len(frame), dtype=np.int64)
    for key in keys:
        code, distinct = pd.factorize(frame[key], use_na_sentinel=False)
        number, _ = pd.factorize(number * len(distinct) + code)
    first = np.unique(number, return_index=True)[1]
    return number, frame[list(keys)].iloc[first].reset_index(drop=True)


def group_sums(frame: pd.DataFrame, keys: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """The sum of each of ``columns`` per group of ``keys``: one row per group, in order of first
    appearance, with the keys as columns.

    The sums add each group's rows one after another, in frame order (``np.bincount``), as a plain loop or
    SQL ``SUM`` would; pandas' own groupby sum compensates rounding (Kahan), which can move a total by
    its last bit — enough to turn an exact tie between two amounts (a rank, a sort key) into an order.

    >>> frame = pd.DataFrame({"who": ["甲", "乙", "甲"], "value": [0.1, 5.0, 0.2]})
    >>> group_sums(frame, ["who"], ["value"]).to_dict("list")
    {'who': ['甲', '乙'], 'value': [0.30000000000000004, 5.0]}
    """
    number, sums = groups(frame, keys)
    for column in columns:
        sums[column] = np.bincount(number, weights=frame[column].to_numpy(dtype=float), minlength=len(sums))
    return sums


def collect(number: np.ndarray, values: pd.Series | np.ndarray | Sequence[object], count: int) -> np.ndarray:
    """The values of each group (``number``: the group of each row, 0 .. count − 1), in row order, as one
    tuple per group: an object array of ``count`` tuples.

    The same as ``groupby(...)[column].agg(tuple)``, which calls Python once per group with a new Series
    (most of the targets' time on 10^4 groups): here the rows are put in group order by one integer sort
    and each group's tuple is a slice of one list.

    >>> collect(np.array([0, 1, 0]), pd.Series(["x", "y", "z"]), 2).tolist()
    [('x', 'z'), ('y',)]
    """
    values = values.tolist() if isinstance(values, pd.Series | np.ndarray) else list(values)
    items = [values[row] for row in np.argsort(number, kind="stable").tolist()]
    ends = np.cumsum(np.bincount(number, minlength=count)).tolist()
    tuples = np.empty(count, dtype=object)
    tuples[:] = [tuple(items[start:end]) for start, end in zip([0, *ends][:-1], ends, strict=True)]
    return tuples


def distinct_sorted(number: np.ndarray, values: pd.Series, count: int) -> np.ndarray:
    """The distinct values of each group, sorted (code point order), as one tuple per group.

    >>> distinct_sorted(np.array([0, 0, 0, 1]), pd.Series(["乙", "甲", "乙", "丙"]), 2).tolist()
    [('乙', '甲'), ('丙',)]
    """
    # Each distinct text is hashed and compared once; the rows then sort on integers.
    code, texts = pd.factorize(values)
    by_text = np.asarray(texts.argsort(), dtype=np.int64)
    rank = np.empty(len(texts), dtype=np.int64)
    rank[by_text] = np.arange(len(texts))
    # Rows by group, then by text; the first of each run of equal (group, text) is kept.
    row_rank = rank[code]
    order = np.lexsort((row_rank, number))
    number, row_rank = np.asarray(number)[order], row_rank[order]
    first = (
        np.r_[True, (number[1:] != number[:-1]) | (row_rank[1:] != row_rank[:-1])] if len(order) else order
    )
    in_order = np.asarray(texts, dtype=object)[by_text]
    return collect(number[first], in_order[row_rank[first]], count)


def positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """The position of each value in ``index`` (-1 where absent): a name's number.

    ``values.map(...)`` or ``index.get_indexer(values)`` hash every cell; factorising first hashes each
    distinct text once, on the column's own (Arrow) storage.

    >>> positions(pd.Series(["乙", "甲", "乙", "丁"]), pd.Index(["甲", "乙"])).tolist()
    [1, 0, 1, -1]
    """
    codes, distinct = pd.factorize(values)
    found = np.append(index.get_indexer(distinct), -1).astype(np.int64)
    return found[codes]
