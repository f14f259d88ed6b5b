"""Parse an upload in a child process, so that a crash, a memory blow-up or a hang cannot take the server.

The server (Streamlit, many threads) never forks itself. It starts *helpers*: fresh interpreters
(fork + exec) that import the loader once and then serve one request at a time, each in a child
forked from the helper, under an address-space limit and a deadline. ``multiprocessing`` is not used
on purpose: its spawn and forkserver children re-run ``__main__`` by path, and under Streamlit
``__main__`` is the page script being run.
"""

from __future__ import annotations

import atexit
import contextlib
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
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from chain.guard import check_bytes
from chain.model import LoadResult
from chain.problems import Problem, problem
from chain.settings import Limits

__all__ = ["load_isolated", "warm_up"]

log = logging.getLogger(__name__)

#: Parses running at once; more uploads wait their turn (each child may use parse_memory_mb).
MAX_PARALLEL = 2
#: Seconds the server waits beyond parse_seconds for a helper to report its child's timeout.
GRACE_SECONDS = 10.0
#: Bytes of a child's stderr kept to explain its death (a Rust allocation failure says why).
STDERR_TAIL = 8 * 1024
#: Seconds to wait for a killed helper to be reaped.
REAP_SECONDS = 5.0
CHUNK = 1024 * 1024
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


_slots = threading.BoundedSemaphore(MAX_PARALLEL)
_idle_lock = threading.Lock()
_idle: list[_Helper] = []


def load_isolated(
    data: bytes,
    limits: Limits = Limits(),
    source_name: str | None = None,
    skip_error_rows: bool = False,
) -> LoadResult:
    """The :class:`LoadResult` of ``data``, parsed by :func:`chain.load.load_workbook` in a child process.

    The byte guard runs here first (a cheap refusal starts nothing). The child runs under an
    address-space limit of ``limits.parse_memory_mb`` and is killed after ``limits.parse_seconds``
    (waiting for a free slot counts). Its death by a signal (a Rust panic in calamine aborts), a
    ``MemoryError`` or the deadline become one error: ``parse_failed``, ``parse_memory`` or
    ``parse_timeout``. Never raises. ``skip_error_rows`` is passed to the loader (the user's choice to
    analyse without the rows in error, :func:`chain.load.load_workbook`).

    >>> load_isolated(b"").errors[0].code
    'file_empty'
    """
    try:
        refused = check_bytes(data, limits)
        if refused is not None:
            return _refusal(refused)
        started = time.monotonic()
        if not _slots.acquire(timeout=limits.parse_seconds):
            return _refusal(problem("parse_timeout", "", seconds=limits.parse_seconds))
        try:
            # The child's own deadline is what is left after waiting for the slot.
            left = max(limits.parse_seconds - (time.monotonic() - started), 0.001)
            return _parse_in_helper(data, limits, source_name, left, skip_error_rows)
        finally:
            _slots.release()
    except Exception as exc:  # the server must get an answer for any input, whatever went wrong here
        log.exception("isolated load failed in the parent")
        return _refusal(problem("parse_failed", "", detail=_short(exc)))


def warm_up() -> None:
    """Start a helper ahead of the first upload, so that the first parse does not wait for its imports."""
    with _idle_lock:
        if not any(helper.process.poll() is None for helper in _idle):
            _idle.append(_start_helper())


def _parse_in_helper(
    data: bytes, limits: Limits, source_name: str | None, seconds: float, skip_error_rows: bool = False
) -> LoadResult:
    helper = _take_helper()
    keep = False
    try:
        request = pickle.dumps(
            (data, limits, source_name, seconds, skip_error_rows), protocol=pickle.HIGHEST_PROTOCOL
        )
        answer = _exchange(helper.process, request, time.monotonic() + seconds + GRACE_SECONDS)
        if answer is None:
            log.warning("helper for %r did not answer in time; killed", source_name)
            return _refusal(problem("parse_timeout", "", seconds=limits.parse_seconds))
        if not answer:
            log.warning("helper for %r died: %s", source_name, _tail(helper.stderr_path)[-1000:])
            return _refusal(problem("parse_failed", "", detail="the reader stopped"))
        result, note = pickle.loads(answer)
        if note:
            log.warning("parse of %r: %s", source_name, note)
        keep = True
        return result
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
    return _Helper(process, stderr_path)


def _exchange(process: subprocess.Popen[bytes], request: bytes, deadline: float) -> bytes | None:
    """Send one framed request and read one framed answer; b"" if the helper died, None past the deadline.

    Both directions are non-blocking and bounded by the deadline, so a stuck helper cannot stall us.
    """
    assert process.stdin is not None and process.stdout is not None
    writer, reader = process.stdin.fileno(), process.stdout.fileno()
    os.set_blocking(writer, False)
    os.set_blocking(reader, False)
    pending = memoryview(_FRAME.pack(len(request)) + request)
    answer = bytearray()
    while True:
        if len(answer) >= _FRAME.size and len(answer) - _FRAME.size >= _FRAME.unpack_from(answer)[0]:
            return bytes(answer[_FRAME.size :])
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        readable, writable, _ = select.select([reader], [writer] if pending else [], [], min(left, 1.0))
        if writable:
            try:
                pending = pending[os.write(writer, pending[:CHUNK]) :]
            except BrokenPipeError:
                return b""
        if readable:
            chunk = os.read(reader, CHUNK)
            if not chunk:
                return b""
            answer += chunk


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
        answer = pickle.dumps(
            _parse_forked(data, limits, source_name, seconds, skip), protocol=pickle.HIGHEST_PROTOCOL
        )
        answers.write(_FRAME.pack(len(answer)) + answer)
        answers.flush()


def _parse_forked(
    data: bytes, limits: Limits, source_name: str | None, seconds: float, skip_error_rows: bool = False
) -> tuple[LoadResult, str]:
    """In the helper: the child's result and a note for the server's log (why it died, if it did)."""
    # The log restarts with each parse, so that its tail is this child's last words.
    os.ftruncate(2, 0)
    os.lseek(2, 0, os.SEEK_SET)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        _child(writer, data, limits, source_name, skip_error_rows)
    os.close(writer)
    blob = _read_until_eof(reader, time.monotonic() + seconds)
    os.close(reader)
    if blob is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return _refusal(
            problem("parse_timeout", "", seconds=limits.parse_seconds)
        ), f"killed after {seconds:.1f} s"
    _, status = os.waitpid(pid, 0)
    if blob:
        with contextlib.suppress(Exception):
            return pickle.loads(blob), ""
    return _death(os.waitstatus_to_exitcode(status), _stderr_tail(), limits)


def _child(
    writer: int, data: bytes, limits: Limits, source_name: str | None, skip_error_rows: bool = False
) -> NoReturn:
    """In the forked child: limit itself, load, write the pickled result, and exit without cleanup."""
    try:
        # A core dump of an aborting parse is megabytes of nothing useful on the server's disk.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        limit = limits.parse_memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from chain.load import load_workbook

        try:
            loaded = load_workbook(
                data, limits=limits, source_name=source_name, skip_error_rows=skip_error_rows
            )
            result = _name_memory_failure(loaded, limits)
        except MemoryError:
            result = _refusal(problem("parse_memory", "", limit_mb=limits.parse_memory_mb))
        except BaseException as exc:  # a calamine panic (pyo3's PanicException) is not an Exception
            result = _refusal(problem("parse_failed", "", detail=_short(exc)))
        try:
            blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            blob = pickle.dumps(_refusal(problem("parse_memory", "", limit_mb=limits.parse_memory_mb)))
        view = memoryview(blob)
        while view:
            view = view[os.write(writer, view[:CHUNK]) :]
    finally:
        os._exit(0)


def _read_until_eof(fd: int, deadline: float) -> bytes | None:
    """Everything written to ``fd`` until its writer closes it; None if the deadline passes first."""
    blob = bytearray()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        readable, _, _ = select.select([fd], [], [], min(left, 1.0))
        if readable:
            chunk = os.read(fd, CHUNK)
            if not chunk:
                return bytes(blob)
            blob += chunk


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


def _name_memory_failure(result: LoadResult, limits: Limits) -> LoadResult:
    """``parse_memory`` for a load that failed because the address-space limit stopped an allocation.

    The loader reports any reader exception as ``parse_failed``; under our limit a ``MemoryError``
    (pyarrow's ``ArrowMemoryError`` is one) means the workbook needed more than we allow.
    """
    failed = len(result.errors) == 1 and result.errors[0].code == "parse_failed"
    if failed and "MemoryError" in result.errors[0].message_en:
        return _refusal(problem("parse_memory", "", limit_mb=limits.parse_memory_mb))
    return result


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
