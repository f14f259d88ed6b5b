"""Parse an upload in a child process, so that a crash, a memory blow-up or a hang cannot take the server.

The server (Streamlit, many threads) never forks itself. It starts *helpers*: fresh interpreters
(fork + exec) that import the loader once and then serve one request at a time, each in a child
forked from the helper, under an address-space limit and a deadline. ``multiprocessing`` is not used
on purpose: its spawn and forkserver children re-run ``__main__`` by path, and under Streamlit
``__main__`` is the page script being run.

Parses take turns in one server-wide :class:`ParseQueue`, fair between sessions: at most ``MAX_PARALLEL``
run at once, of which at most ``MAX_LARGE`` are of large uploads (the rest are kept for small ones, so a
county workbook is not stuck behind province-size ones), at most one per session at a time, and first come
first served otherwise. Waiting does not count against ``Limits.parse_seconds``: only parsing does. A
waiting caller is told its place (:class:`QueuePosition`) every ``QUEUE_POLL_SECONDS``.

Every answer says whether it is a verdict about the bytes (the guard's refusal, the loader's report) or a
failure of the machinery (a child killed or crashed, out of memory, past its deadline, a helper lost):
:attr:`ParseOutcome.transient`. Only verdicts may be cached; the same bytes may succeed on a retry.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import fcntl
import itertools
import logging
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from chain.guard import check_bytes
from chain.model import LoadResult
from chain.problems import Problem, problem
from chain.settings import Limits

__all__ = [
    "MAX_LARGE",
    "MAX_PARALLEL",
    "SMALL_FILE_BYTES",
    "ParseOutcome",
    "ParseQueue",
    "QueuePosition",
    "load_isolated",
    "parse_upload",
    "stats",
    "warm_up",
]

log = logging.getLogger(__name__)

#: Parses running at once, server-wide; more uploads wait their turn (each child may use parse_memory_mb).
MAX_PARALLEL = 2
#: Of those, parses of large uploads (over SMALL_FILE_BYTES) at once: the other slot is kept for small ones.
MAX_LARGE = 1
#: An upload up to this size is small (a 2,000-firm, 20,000-link county workbook is about 1 MB; 5 MB
#: parses in about 3 s).
SMALL_FILE_BYTES = 5 * 1024 * 1024
#: Seconds between two reports of a waiting upload's place in the queue.
QUEUE_POLL_SECONDS = 0.5
#: Seconds the server waits beyond parse_seconds for a helper to report its child's timeout.
GRACE_SECONDS = 10.0
#: Bytes of a child's stderr kept to explain its death (a Rust allocation failure says why).
STDERR_TAIL = 8 * 1024
#: Seconds to wait for a killed helper to be reaped.
REAP_SECONDS = 5.0
CHUNK = 1024 * 1024
#: Bytes a pipe between the server, a helper and its child holds (Linux's F_SETPIPE_SZ, up to
#: /proc/sys/fs/pipe-max-size, 1 MB by default): an answer crosses in steps of a chunk, not of 64 KB, with a
#: sixteenth of the wake-ups (a 48 MB answer, fork included: 0.19 -> 0.17 s a hop, measured here).
PIPE_BYTES = CHUNK
_FRAME = struct.Struct(">Q")
_ALLOCATION_FAILED = ("memory allocation of", "MemoryError", "Cannot allocate memory", "std::bad_alloc")
_ROOT = str(Path(__file__).resolve().parent.parent)
_HELPER = "from chain.isolate import _serve; _serve()"
_WARM_UP = Path(_ROOT) / "data" / "sample.xlsx"
# One BLAS/OpenMP thread keeps the helper single-threaded, so forking it is safe; no Rust backtraces
# (slow to symbolise, and noise in the log).
_HELPER_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "RUST_BACKTRACE": "0",
}


@dataclass
class _Helper:
    """A helper interpreter and the log file its stderr (and its children's) goes to."""

    process: subprocess.Popen[bytes]
    stderr_path: str

    def discard(self) -> None:
        """Kill the helper and any parse child of it still running, reap it, and remove its log."""
        # The helper leads its own process group, so this reaches a child it forked, and nothing else.
        with contextlib.suppress(OSError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(REAP_SECONDS)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        with contextlib.suppress(OSError):
            os.unlink(self.stderr_path)


@dataclass(frozen=True)
class ParseOutcome:
    """The :class:`LoadResult` of a parse, and whether it is a failure of the machinery."""

    result: LoadResult
    #: True when no verdict about the bytes was reached: the child was killed or crashed, ran out of
    #: memory, passed its deadline, or the helper was lost. Never cache it; the same bytes may parse on a
    #: retry. False for the guard's refusals and for everything the loader reports.
    transient: bool = False
    #: Peak resident set of the parse child in KB (its own pages and those it shares with its helper),
    #: None when no child ran.
    child_peak_kb: int | None = None


@dataclass(frozen=True)
class QueuePosition:
    """Where a waiting upload stands in the parse queue."""

    #: Uploads waiting ahead of this one that will start before it.
    ahead: int
    #: Parses running now, server-wide.
    running: int
    #: Seconds this upload has waited so far.
    waited: float


@dataclass(eq=False)
class _Ticket:
    size: int
    session: str | None
    large: bool
    serial: int
    state: str = "waiting"  # waiting -> running -> done (or waiting -> done when the caller gives up)


class ParseQueue:
    """Fair turns for parses: who may parse now, and where each waiting upload stands.

    A waiting upload starts as soon as a slot is free, its session has no parse running and, if it is
    large, fewer than ``large_slots`` large parses run; among those that may start, the earliest arrival
    goes first. So a small upload never waits for a large one, a large one is never overtaken for good by a
    stream of small ones, and no session holds two slots. Thread-safe; one instance serves the server.
    """

    def __init__(
        self,
        slots: int = MAX_PARALLEL,
        large_slots: int = MAX_LARGE,
        small_bytes: int = SMALL_FILE_BYTES,
        *,
        poll_seconds: float = QUEUE_POLL_SECONDS,
    ) -> None:
        if not 1 <= large_slots <= slots:
            raise ValueError(f"need 1 <= large_slots ({large_slots}) <= slots ({slots})")
        self.slots = slots
        self.large_slots = large_slots
        self.small_bytes = small_bytes
        self.poll_seconds = poll_seconds
        self._changed = threading.Condition(threading.Lock())
        self._waiting: list[_Ticket] = []  # in order of arrival
        self._running: list[_Ticket] = []
        self._serials = itertools.count()

    @contextlib.contextmanager
    def turn(
        self,
        size: int,
        session: str | None = None,
        on_wait: Callable[[QueuePosition], object] | None = None,
    ) -> Iterator[None]:
        """Wait for a turn to parse ``size`` bytes for ``session`` (None: a caller of its own), hold it
        inside the block, give it up after. ``on_wait`` gets the place in the queue while waiting, every
        ``poll_seconds`` and at each change; whatever it raises (a page being stopped or rerun) gives up
        the place and propagates."""
        ticket = self._enter(size, session)
        try:
            self._wait(ticket, on_wait)
            yield
        finally:
            self._leave(ticket)

    def counts(self) -> tuple[int, int]:
        """(running, waiting) now."""
        with self._changed:
            return len(self._running), len(self._waiting)

    def sessions(self) -> tuple[tuple[str | None, ...], tuple[str | None, ...]]:
        """Sessions of the running parses and of the waiting uploads (in order of arrival)."""
        with self._changed:
            return tuple(t.session for t in self._running), tuple(t.session for t in self._waiting)

    def _enter(self, size: int, session: str | None) -> _Ticket:
        ticket = _Ticket(size, session, size > self.small_bytes, next(self._serials))
        with self._changed:
            self._waiting.append(ticket)
            self._grant()
        return ticket

    def _wait(self, ticket: _Ticket, on_wait: Callable[[QueuePosition], object] | None) -> None:
        started = time.monotonic()
        while True:
            with self._changed:
                if ticket.state == "running":
                    return
                position = self._position(ticket, time.monotonic() - started)
            if on_wait is not None:
                on_wait(position)  # outside the lock: it may draw on a page, or raise
            with self._changed:
                if ticket.state != "running":
                    self._changed.wait(self.poll_seconds)

    def _leave(self, ticket: _Ticket) -> None:
        with self._changed:
            if ticket.state == "running":
                self._running.remove(ticket)
            elif ticket.state == "waiting":
                self._waiting.remove(ticket)
            ticket.state = "done"
            self._grant()

    def _may_start(self, ticket: _Ticket) -> bool:
        if len(self._running) >= self.slots:
            return False
        if ticket.session is not None and any(r.session == ticket.session for r in self._running):
            return False
        return not ticket.large or sum(r.large for r in self._running) < self.large_slots

    def _grant(self) -> None:
        """Start every waiting upload that may start, earliest first (called with the lock held)."""
        for ticket in list(self._waiting):
            if self._may_start(ticket):
                self._waiting.remove(ticket)
                ticket.state = "running"
                self._running.append(ticket)
        self._changed.notify_all()

    def _position(self, ticket: _Ticket, waited: float) -> QueuePosition:
        earlier = self._waiting[: self._waiting.index(ticket)]
        if not ticket.large and sum(r.large for r in self._running) >= self.large_slots:
            # Large uploads waiting for the large slots do not stand between a small upload and a slot.
            earlier = [t for t in earlier if not t.large]
        return QueuePosition(ahead=len(earlier), running=len(self._running), waited=waited)


_queue = ParseQueue()
_idle_lock = threading.Lock()
_idle: list[_Helper] = []
_stats_lock = threading.Lock()
_stats = {"parses": 0, "transient": 0, "child_peak_kb": 0}


def load_isolated(
    data: bytes,
    limits: Limits = Limits(),
    source_name: str | None = None,
    skip_error_rows: bool = False,
    *,
    session: str | None = None,
    on_wait: Callable[[QueuePosition], object] | None = None,
) -> LoadResult:
    """The :class:`LoadResult` of ``data``, parsed by :func:`chain.load.load_workbook` in a child process.

    :func:`parse_upload` without the outcome's other fields: see it for ``session`` and ``on_wait``.
    Never raises (but what ``on_wait`` raises propagates).

    >>> load_isolated(b"").errors[0].code
    'file_empty'
    """
    return parse_upload(data, limits, source_name, skip_error_rows, session=session, on_wait=on_wait).result


def parse_upload(
    data: bytes,
    limits: Limits = Limits(),
    source_name: str | None = None,
    skip_error_rows: bool = False,
    *,
    session: str | None = None,
    on_wait: Callable[[QueuePosition], object] | None = None,
) -> ParseOutcome:
    """Guard ``data``, wait for a turn in the parse queue, parse it in a child process.

    The byte guard runs here first (a cheap refusal waits for nothing). The upload then takes its turn
    in the server's :class:`ParseQueue` as one of ``session`` (an opaque id of the caller's session; None
    for a caller of its own); ``on_wait`` is told its :class:`QueuePosition` while it waits. The child runs
    under an address-space limit of ``limits.parse_memory_mb`` (``limits.small_parse_memory_mb`` for an
    upload of at most ``SMALL_FILE_BYTES``) and is killed after ``limits.parse_seconds``
    of parsing (waiting does not count). Its death by a signal (a Rust panic in calamine aborts), a
    ``MemoryError`` or the deadline become one error: ``parse_failed``, ``parse_memory`` or
    ``parse_timeout``, with ``transient`` set. Never raises, except what ``on_wait`` raises (the place in
    the queue is given up first). ``skip_error_rows`` is passed to the loader (the user's choice to
    analyse without the rows in error, :func:`chain.load.load_workbook`).

    >>> parse_upload(b"").transient
    False
    """
    try:
        refused = check_bytes(data, limits)
    except Exception as exc:  # the server must get an answer for any input, whatever went wrong here
        return _failed_here(exc)
    if refused is not None:
        return ParseOutcome(_refusal(refused))
    if len(data) <= _queue.small_bytes and limits.small_parse_memory_mb < limits.parse_memory_mb:
        # The slot kept for small uploads never costs what a large parse may.
        limits = dataclasses.replace(limits, parse_memory_mb=limits.small_parse_memory_mb)
    with _queue.turn(len(data), session, on_wait):
        try:
            outcome = _parse_in_helper(data, limits, source_name, limits.parse_seconds, skip_error_rows)
        except Exception as exc:
            outcome = _failed_here(exc)
    with _stats_lock:
        _stats["parses"] += 1
        _stats["transient"] += outcome.transient
        _stats["child_peak_kb"] = max(_stats["child_peak_kb"], outcome.child_peak_kb or 0)
    return outcome


def _failed_here(exc: Exception) -> ParseOutcome:
    log.exception("isolated load failed in the parent")
    return ParseOutcome(_refusal(problem("parse_failed", "", detail=_short(exc))), transient=True)


def stats() -> dict[str, int]:
    """Counters since the server started: ``parses``, ``transient`` (failures of the machinery) and
    ``child_peak_kb``, the largest peak resident set of a parse child (what MemoryMax must leave room for)."""
    with _stats_lock:
        return dict(_stats)


def warm_up() -> None:
    """Start a helper ahead of the first upload, so that the first parse does not wait for its imports."""
    with _idle_lock:
        if not any(helper.process.poll() is None for helper in _idle):
            _idle.append(_start_helper())


def _parse_in_helper(
    data: bytes, limits: Limits, source_name: str | None, seconds: float, skip_error_rows: bool = False
) -> ParseOutcome:
    helper = _take_helper()
    keep = False
    try:
        request = pickle.dumps(
            (data, limits, source_name, seconds, skip_error_rows), protocol=pickle.HIGHEST_PROTOCOL
        )
        answer = _exchange(helper.process, request, time.monotonic() + seconds + GRACE_SECONDS)
        del request
        if answer is None:
            log.warning("helper for %r did not answer in time; killed", source_name)
            return ParseOutcome(_refusal(problem("parse_timeout", "", seconds=limits.parse_seconds)), True)
        if not answer:
            log.warning("helper for %r died: %s", source_name, _tail(helper.stderr_path)[-1000:])
            return ParseOutcome(_refusal(problem("parse_failed", "", detail="the reader stopped")), True)
        about, blob = answer
        note, peak_kb = pickle.loads(about)
        if note:
            log.warning("parse of %r: %s", source_name, note)
        keep = True
        result, transient = _unpacked(blob)
        return ParseOutcome(result, transient, peak_kb)
    finally:
        with _idle_lock:
            pooled = keep and len(_idle) < MAX_PARALLEL
            if pooled:
                _idle.append(helper)
        if not pooled:
            helper.discard()


def _take_helper() -> _Helper:
    with _idle_lock:
        while _idle:
            helper = _idle.pop()
            if helper.process.poll() is None:
                return helper
            helper.discard()
    return _start_helper()


def _start_helper() -> _Helper:
    fd, stderr_path = tempfile.mkstemp(prefix="chain-parse-", suffix=".log")
    env = {**os.environ, **_HELPER_ENV}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH", "")) if p)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _HELPER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=fd,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
    finally:
        os.close(fd)
    assert process.stdin is not None and process.stdout is not None
    _widen(process.stdin.fileno())
    _widen(process.stdout.fileno())
    return _Helper(process, stderr_path)


def _widen(fd: int) -> None:
    """Make the pipe at ``fd`` hold ``PIPE_BYTES`` where the system lets it (else it keeps its size)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux, or above the system's maximum
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _exchange(
    process: subprocess.Popen[bytes], request: bytes, deadline: float, frames: int = 2
) -> list[bytearray] | None:
    """Send one framed request and read ``frames`` framed answers; [] if the helper died, None past the
    deadline.

    Both directions are non-blocking and bounded by the deadline, so a stuck helper cannot stall us. Each
    answer (a pickled workbook: 225 MB for the largest one accepted) is read into one buffer of its
    announced size, never copied.
    """
    assert process.stdin is not None and process.stdout is not None
    writer, reader = process.stdin.fileno(), process.stdout.fileno()
    os.set_blocking(writer, False)
    os.set_blocking(reader, False)
    pending = [memoryview(_FRAME.pack(len(request))), memoryview(request)]
    answers: list[bytearray] = []
    header = bytearray()
    answer: bytearray | None = None
    got = 0
    while True:
        if answer is not None and got == len(answer):
            answers.append(answer)
            header, answer, got = bytearray(), None, 0
            if len(answers) == frames:
                return answers
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        readable, writable, _ = select.select([reader], [writer] if pending else [], [], min(left, 1.0))
        if writable:
            try:
                pending[0] = pending[0][os.write(writer, pending[0][:CHUNK]) :]
            except BrokenPipeError:
                return []
            if not pending[0]:
                pending.pop(0)
        if readable:
            if answer is None:
                chunk = os.read(reader, _FRAME.size - len(header))
                if not chunk:
                    return []
                header += chunk
                if len(header) == _FRAME.size:
                    answer = bytearray(_FRAME.unpack(header)[0])
            else:
                read = os.readv(reader, [memoryview(answer)[got : got + CHUNK]])
                if not read:
                    return []
                got += read


def _serve() -> None:
    """Body of a helper: import the loader, then parse each request in a forked child, until stdin ends."""
    requests = sys.stdin.buffer
    # Answers travel on the original stdout; anything a library prints goes to the log instead.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    from chain.load import load_workbook

    # One parse here runs the loader's lazy first-use work (imports, caches) once, not in every child.
    with contextlib.suppress(Exception):
        load_workbook(_WARM_UP, limits=Limits())

    while True:
        header = requests.read(_FRAME.size)
        if len(header) < _FRAME.size:
            return  # the server went away
        data, limits, source_name, seconds, skip = pickle.loads(requests.read(_FRAME.unpack(header)[0]))
        note, peak_kb, blob = _parse_forked(data, limits, source_name, seconds, skip)
        del data
        about = pickle.dumps((note, peak_kb), protocol=pickle.HIGHEST_PROTOCOL)
        # The child's pickled result goes on as it came, never unpickled here (the helper stays small).
        answers.write(_FRAME.pack(len(about)) + about)
        answers.write(_FRAME.pack(len(blob)))
        answers.write(blob)
        answers.flush()
        del blob  # before waiting for the next request: 225 MB for the largest workbook accepted


def _parse_forked(
    data: bytes, limits: Limits, source_name: str | None, seconds: float, skip_error_rows: bool = False
) -> tuple[str, int, bytes | bytearray]:
    """In the helper: a note for the server's log (why the child died, if it did), the child's peak
    resident set in KB, and the pickled (result, transient) of the child, or of its death."""
    # The log restarts with each parse, so that its tail is this child's last words.
    os.ftruncate(2, 0)
    os.lseek(2, 0, os.SEEK_SET)
    reader, writer = os.pipe()
    _widen(reader)
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        _child(writer, data, limits, source_name, skip_error_rows)
    os.close(writer)
    blob = _read_answer(reader, time.monotonic() + seconds)
    os.close(reader)
    if blob is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        timeout = _refusal(problem("parse_timeout", "", seconds=limits.parse_seconds))
        return f"killed after {seconds:.1f} s", usage.ru_maxrss, _pickled(timeout, True)
    _, status, usage = os.wait4(pid, 0)
    exitcode = os.waitstatus_to_exitcode(status)
    if exitcode == 0 and blob:  # the child wrote its whole answer, then exited on its own
        return "", usage.ru_maxrss, blob
    del blob
    result, note = _death(exitcode, _stderr_tail(), limits)
    return note, usage.ru_maxrss, _pickled(result, True)


def _pickled(result: LoadResult, transient: bool) -> bytes:
    return b"".join(_packed((result, transient)))


#: Header of a packed answer: the pickle's length and the number of buffers that follow it.
_PACKED = struct.Struct(">QQ")
#: Each buffer of a packed answer starts at a multiple of this many bytes from its start, so that the
#: arrays built on it in place are aligned as Arrow and numpy want them.
_ALIGN = 64


def _packed(answer: object) -> list[bytes | memoryview]:
    """``answer`` pickled with its large buffers (the columns' Arrow and numpy data) out of band: the parts
    to write one after the other. A workbook's columns go from where they lie to the pipe, not copied into
    a pickle first (a fresh 48 MB copy in a new child, page-faulted in: about 0.1 s at full scale), and
    :func:`_unpacked` builds the arrays on the received bytes without copying them again.
    """
    buffers: list[pickle.PickleBuffer] = []
    header = pickle.dumps(answer, protocol=5, buffer_callback=buffers.append)
    views = [buffer.raw() for buffer in buffers]
    parts: list[bytes | memoryview] = [
        _PACKED.pack(len(header), len(views)),
        header,
        struct.pack(f">{len(views)}Q", *(view.nbytes for view in views)),
    ]
    size = sum(len(part) for part in parts)
    for view in views:
        parts.append(bytes(-size % _ALIGN))
        parts.append(view)
        size += -size % _ALIGN + view.nbytes
    return parts


def _unpacked(blob: bytearray) -> Any:
    """What :func:`_packed` packed, its arrays on ``blob``'s memory (which they keep alive)."""
    view = memoryview(blob)
    size, count = _PACKED.unpack_from(view)
    at = _PACKED.size
    header = view[at : at + size]
    at += size
    lengths = struct.unpack_from(f">{count}Q", view, at)
    at += 8 * count
    buffers = []
    for length in lengths:
        at += -at % _ALIGN
        buffers.append(view[at : at + length])
        at += length
    return pickle.loads(header, buffers=buffers)


def _child(
    writer: int, data: bytes, limits: Limits, source_name: str | None, skip_error_rows: bool = False
) -> NoReturn:
    """In the forked child: limit itself, load, write the pickled result, and exit without cleanup."""
    written = False
    try:
        # A core dump of an aborting parse is megabytes of nothing useful on the server's disk.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        limit = limits.parse_memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from chain.load import load_workbook

        out_of_memory = _refusal(problem("parse_memory", "", limit_mb=limits.parse_memory_mb))
        start = _address_space("VmSize")
        try:
            # parse_upload guarded these bytes before sending them here: the guard runs once per upload.
            loaded = load_workbook(
                data, limits=limits, source_name=source_name, skip_error_rows=skip_error_rows, guarded=True
            )
            result = _name_memory_failure(loaded, limits, start)
            answer = (result, result is not loaded)  # only a memory failure is the machinery's
        except MemoryError:
            answer = (out_of_memory, True)
        except BaseException as exc:  # a calamine panic (pyo3's PanicException) is not an Exception
            failed = _refusal(problem("parse_failed", "", detail=_short(exc)))
            result = _name_memory_failure(failed, limits, start)
            answer = (result, result is not failed)
        try:
            parts = _packed(answer)
        except MemoryError:
            parts = _packed((out_of_memory, True))
        for part in (_FRAME.pack(sum(len(memoryview(part).cast("B")) for part in parts)), *parts):
            view = memoryview(part).cast("B")
            while view:
                view = view[os.write(writer, view[:CHUNK]) :]
        written = True
    finally:
        # Exit code 0 says the answer is whole; anything that stopped the writing says otherwise.
        os._exit(0 if written else 70)


def _read_answer(fd: int, deadline: float) -> bytearray | None:
    """The framed answer written to ``fd``, read until its writer closes it (what is there when it dies
    early: the caller looks at how the child ended); None if the deadline passes first.

    The answer goes into one buffer of its announced size: grown piece by piece, a 225 MB answer left the
    helper's heap at 370 MB after the parse.
    """
    header = bytearray()
    blob: bytearray | None = None
    got = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        readable, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not readable:
            continue
        if blob is None:
            chunk = os.read(fd, _FRAME.size - len(header))
            if not chunk:
                return bytearray()
            header += chunk
            if len(header) == _FRAME.size:
                blob = bytearray(_FRAME.unpack(header)[0])
        else:
            view = memoryview(blob)[got : got + CHUNK]
            read = os.readv(fd, [view]) if view else len(os.read(fd, 1))
            if not read:
                return blob if got == len(blob) else bytearray()
            got += read


def _death(exitcode: int, stderr: str, limits: Limits) -> tuple[LoadResult, str]:
    """One error explaining why the child ended without a result, and its last words for the log."""
    note = f"child ended with exit code {exitcode}: {stderr[-1000:]}"
    if any(marker in stderr for marker in _ALLOCATION_FAILED):
        return _refusal(problem("parse_memory", "", limit_mb=limits.parse_memory_mb)), note
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        detail = f"the reader crashed ({name})"
    else:
        detail = f"the reader stopped (exit code {exitcode})"
    return _refusal(problem("parse_failed", "", detail=detail)), note


#: A reader that failed after using this share of the address space left to it ran out of memory.
NEAR_MEMORY_LIMIT = 0.75


def _name_memory_failure(result: LoadResult, limits: Limits, start: int = 0) -> LoadResult:
    """``parse_memory`` for a load that failed because the address-space limit stopped an allocation.

    The loader reports any reader exception as ``parse_failed``; under our limit a ``MemoryError``
    (pyarrow's ``ArrowMemoryError`` is one) means the workbook needed more than we allow. So does any
    failure after the child used most of the address space it had left (``start``: its size when the
    parse began): pyo3 then panics ("PyObject pointer is null", seen on the largest accepted workbook
    under a 2.7 GB limit), which would otherwise read as a verdict about the file.
    """
    failed = len(result.errors) == 1 and result.errors[0].code == "parse_failed"
    if not failed:
        return result
    limit = limits.parse_memory_mb * 1024 * 1024
    near = _address_space("VmPeak") >= start + NEAR_MEMORY_LIMIT * max(limit - start, 0)
    if near or "MemoryError" in result.errors[0].message_en:
        return _refusal(problem("parse_memory", "", limit_mb=limits.parse_memory_mb))
    return result


def _address_space(field: str) -> int:
    """``VmSize`` or ``VmPeak`` of this process in bytes, 0 where /proc does not say."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    return 0


def _stderr_tail() -> str:
    """In the helper: the end of its log (fd 2), where the dead child wrote last."""
    with contextlib.suppress(OSError):
        size = os.fstat(2).st_size
        return os.pread(2, STDERR_TAIL, max(0, size - STDERR_TAIL)).decode("utf-8", "replace")
    return ""


def _tail(path: str) -> str:
    try:
        with open(path, "rb") as stream:
            stream.seek(0, os.SEEK_END)
            stream.seek(max(0, stream.tell() - STDERR_TAIL))
            return stream.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _refusal(found: Problem) -> LoadResult:
    return LoadResult(None, errors=(found,))


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text[:200]


@atexit.register
def _discard_idle() -> None:
    with _idle_lock:
        helpers = list(_idle)
        _idle.clear()
    for helper in helpers:
        helper.discard()
