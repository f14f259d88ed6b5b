"""A cache bounded by the total size of what it holds and by how long an entry goes unused.

Streamlit-free, so that it can be tested with an injected clock; ``ui/facade.py`` keeps one instance per
server (``st.cache_resource``) for every result it caches. Entries are kept as objects, shared by every
caller: :func:`fresh` gives each caller its own view (pandas copy-on-write frames, copied figures), so
that no caller can change what another sees. Sizes are pickled sizes, counted without building the
pickle.
"""

from __future__ import annotations

import dataclasses
import logging
import pickle
import sys
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from chain.problems import Problem

__all__ = ["MISSING", "BoundedCache", "CacheStats", "fresh", "size_of"]

log = logging.getLogger(__name__)

#: What :meth:`BoundedCache.get` returns for a key it does not hold (None may be a cached value).
MISSING = object()


@dataclass(frozen=True)
class CacheStats:
    """What a cache holds now and what it has done since it was made."""

    entries: int
    bytes: int
    max_bytes: int
    hits: int
    misses: int
    evicted: int  # dropped to make room
    expired: int  # dropped after going unused for the ttl
    refused: int  # not stored: larger than the whole cache


@dataclass
class _Entry:
    value: object
    size: int
    used: float


class BoundedCache:
    """A thread-safe LRU cache of at most ``max_bytes`` in all, whose entries expire ``ttl_seconds``
    after their last use.

    ``put`` makes room by dropping the least recently used entries; a value larger than ``max_bytes``
    alone is not stored. Expired entries are dropped by ``get`` and ``put`` and by :meth:`sweep`, which a
    background thread runs (:meth:`start_sweeper`) so that memory is given back with nobody connected.
    """

    def __init__(
        self,
        max_bytes: int,
        ttl_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        size: Callable[[object], int] | None = None,
        on_drop: Callable[[], object] | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._size = size or size_of
        #: Called (outside the lock) after entries were dropped: a chance to give their memory back.
        self._on_drop = on_drop
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0
        self._counts = {"hits": 0, "misses": 0, "evicted": 0, "expired": 0, "refused": 0}
        self._sweeper: threading.Thread | None = None

    def get(self, key: Hashable, default: object = MISSING) -> object:
        """The value cached under ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            entry = self._entries.get(key)
            if entry is None:
                self._counts["misses"] += 1
                return default
            entry.used = now
            self._entries.move_to_end(key)
            self._counts["hits"] += 1
            return entry.value

    def put(self, key: Hashable, value: object) -> bool:
        """Cache ``value`` under ``key``; False (and nothing stored) when it alone exceeds ``max_bytes``."""
        size = self._size(value)  # outside the lock: pickling a large workbook takes a while
        with self._lock:
            self._drop(key)
            if size > self.max_bytes:
                self._counts["refused"] += 1
                log.warning(
                    "not cached: %.0f MB is over the cache's %.0f MB", size / 2**20, self.max_bytes / 2**20
                )
                return False
            now = self._clock()
            dropped = self._expire(now)
            while self._entries and self._bytes + size > self.max_bytes:
                self._drop(next(iter(self._entries)))
                self._counts["evicted"] += 1
                dropped += 1
            self._entries[key] = _Entry(value, size, now)
            self._bytes += size
        if dropped:
            self._dropped()
        return True

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
        self._dropped()

    def sweep(self) -> int:
        """Drop every entry unused for ``ttl_seconds``; how many went."""
        with self._lock:
            gone = self._expire(self._clock())
        if gone:
            self._dropped()
        return gone

    def __contains__(self, key: Hashable) -> bool:
        """Whether ``key`` is cached and unexpired (without counting as a use)."""
        with self._lock:
            entry = self._entries.get(key)
            return entry is not None and self._clock() - entry.used < self.ttl_seconds

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._entries), self._bytes, self.max_bytes, **self._counts)

    def start_sweeper(self, interval: float) -> None:
        """Sweep every ``interval`` seconds in a daemon thread, until the cache is garbage (idempotent)."""
        if self._sweeper is not None:
            return
        ref = weakref.ref(self)
        stop = threading.Event()

        def run() -> None:
            while not stop.wait(interval):
                cache = ref()
                if cache is None:
                    return
                try:
                    cache.sweep()
                except Exception:  # a sweep that fails must not end the sweeping
                    log.exception("cache sweep failed")
                del cache

        self._sweeper = threading.Thread(target=run, name="cache-sweeper", daemon=True)
        self._sweeper.start()

    def _dropped(self) -> None:
        if self._on_drop is not None:
            try:
                self._on_drop()
            except Exception:  # giving memory back is a nicety: it must not fail a caller
                log.exception("on_drop failed")

    def _expire(self, now: float) -> int:
        old = [key for key, entry in self._entries.items() if now - entry.used >= self.ttl_seconds]
        for key in old:
            self._drop(key)
        self._counts["expired"] += len(old)
        return len(old)

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry.size


class _Counter:
    """A file that only counts what is written to it."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        written = memoryview(data).nbytes
        self.bytes += written
        return written


def size_of(value: object) -> int:
    """Bytes of ``value`` pickled (without keeping the pickle); ``sys.getsizeof`` if it can't be pickled."""
    counter = _Counter()
    try:
        pickle.Pickler(counter, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    except Exception:
        return sys.getsizeof(value)
    return counter.bytes


#: Returned as they are, without a look inside (a load can carry thousands of problems).
_IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), frozenset, Problem)


def fresh(value: object) -> object:
    """A view of a cached ``value`` that its caller may change without changing the cached one.

    Frames and series are shallow copies, which pandas' copy-on-write turns into copies at the first
    write; figures are copied; dataclasses, dicts, lists and tuples are rebuilt around fresh views of
    their parts (a frozen dataclass or tuple of immutable parts is returned as it is). Anything else is
    returned as it is.
    """
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, go.Figure):
        return go.Figure(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for spec in dataclasses.fields(value):
            if spec.init:
                part = getattr(value, spec.name)
                view = fresh(part)
                if view is not part:
                    changed[spec.name] = view
        frozen = type(value).__dataclass_params__.frozen  # type: ignore[attr-defined]
        return dataclasses.replace(value, **changed) if changed or not frozen else value
    if isinstance(value, dict):
        return {key: fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [fresh(item) for item in value]
    if type(value) is tuple:
        views = tuple(fresh(item) for item in value)
        return value if all(v is p for v, p in zip(views, value, strict=True)) else views
    return value
