"""The brief on the command line: ``python -m chain report WORKBOOK|--snapshot ID -o brief.docx [--lang en]
[--pdf]`` (:mod:`chain.brief`).

With ``--snapshot`` the workbook comes from the workspace (``--db URL``, else ``$CHAIN_DB_URL``, else the
SQLite file of the data folder), and the brief compares it with the same county's latest earlier period when
the workspace has one. ``--pdf`` also writes a PDF beside the .docx where LibreOffice is installed; where it
is not, the .docx is written and the command says so and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chain import brief
from chain.cli import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, format_problem, load_or_exit, say
from chain.compare import CompareError, compare
from chain.gaps import analyze
from chain.isolate import load_isolated
from chain.load import REFUSAL_CODES
from chain.model import ChainData, LoadResult
from chain.periods import PeriodError
from chain.settings import AnalysisSettings
from chain.store import DB_URL_ENV, Store, StoreError

__all__ = ["register", "run_report"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``report`` to the command line's subparsers."""
    report = commands.add_parser("report", help="the chain's brief as a Word document (.docx), and a PDF")
    report.add_argument("workbook", nargs="?", help="the workbook (.xlsx, .xls or .ods); or --snapshot")
    report.add_argument("--snapshot", type=int, metavar="ID", help="a snapshot of the workspace instead")
    report.add_argument(
        "--db",
        metavar="URL",
        help=f"with --snapshot: database URL (default ${DB_URL_ENV}, else the data folder's)",
    )
    report.add_argument("-o", "--output", required=True, help="the .docx to write")
    report.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of the brief and messages"
    )
    report.add_argument("--pdf", action="store_true", help="also write a PDF beside it (needs LibreOffice)")
    report.add_argument(
        "--top", type=int, default=5, help="gaps of each kind in the brief (default %(default)s)"
    )
    report.add_argument(
        "--skip-error-rows",
        action="store_true",
        help="analyse without the rows in error (each named on stderr and in the brief's notes)",
    )
    report.add_argument(
        "--weak-share",
        type=float,
        default=AnalysisSettings().weak_share,
        help="local share below which a segment is weak (default %(default)s)",
    )
    report.set_defaults(handler=run_report)


def _loaded(data: bytes, name: str, args: argparse.Namespace) -> LoadResult | int:
    result = load_isolated(data, source_name=name, skip_error_rows=args.skip_error_rows)
    refusal = next((p for p in result.errors if p.code in REFUSAL_CODES), None)
    if refusal is not None:
        say(f"{name}: {format_problem(refusal, args.lang)}", file=sys.stderr)
        return EXIT_USAGE
    return result


def _sources(args: argparse.Namespace) -> tuple[LoadResult, tuple[str, LoadResult] | None] | int:
    """The load of the workbook to brief and, from the workspace, the label and load of its county's
    latest earlier period that compares with it (:func:`chain.brief.previous_period`)."""
    if args.snapshot is None:
        result = load_or_exit(args, skip_error_rows=args.skip_error_rows)
        return result if isinstance(result, int) else (result, None)
    try:
        with Store.open(args.db, create=False) as store:
            snapshot = store.snapshot(args.snapshot)
            data = store.file(snapshot.id)
            listed = {s.id: s for s in store.snapshots() if s.id != snapshot.id}
            key = brief.previous_period(
                [(s.id, s.county, s.period) for s in listed.values()], snapshot.county, snapshot.period
            )
            before = listed.get(key) if isinstance(key, int) else None
            before_data = store.file(before.id) if before is not None else None
    except StoreError as error:
        say(error.message(args.lang), file=sys.stderr)
        return EXIT_USAGE
    result = _loaded(data, snapshot.file_name, args)
    if isinstance(result, int):
        return result
    previous = None
    if before is not None and before_data is not None:
        loaded = _loaded(before_data, before.file_name, args)
        if isinstance(loaded, LoadResult) and loaded.ok:
            previous = (before.label, loaded)
    return result, previous


def _problems(result: LoadResult, lang: str) -> None:
    for item in result.errors:
        say(format_problem(item, lang), file=sys.stderr)


def run_report(args: argparse.Namespace) -> int:
    """``report``: write the brief of a workbook or a snapshot as .docx (and PDF with ``--pdf``)."""
    if (args.workbook is None) == (args.snapshot is None):
        say("give a WORKBOOK or --snapshot ID (one of them)", file=sys.stderr)
        return EXIT_USAGE
    if not 0.0 <= args.weak_share <= 1.0:
        say(f"--weak-share must be between 0 and 1, got {args.weak_share}", file=sys.stderr)
        return EXIT_USAGE
    if args.top < 1:
        say(f"--top must be >= 1, got {args.top}", file=sys.stderr)
        return EXIT_USAGE
    output = Path(args.output)
    if output.suffix.lower() != ".docx":
        say(f"-o must name a .docx file, got {output}", file=sys.stderr)
        return EXIT_USAGE
    loaded = _sources(args)
    if isinstance(loaded, int):
        return loaded
    result, earlier = loaded
    if result.data is None:
        _problems(result, args.lang)
        return EXIT_ERRORS
    data: ChainData = result.data
    for item in data.excluded:
        left_out = "未纳入分析" if args.lang == "zh" else "left out"
        say(f"{left_out}: {format_problem(item, args.lang)}", file=sys.stderr)
    settings = AnalysisSettings(weak_share=args.weak_share)
    report = analyze(data, settings)
    comparison = None
    if earlier is not None and earlier[1].data is not None:
        before = earlier[1].data
        try:
            comparison = compare(
                brief.side(earlier[0], before, analyze(before, settings)), brief.side("", data, report)
            )
        except (CompareError, PeriodError) as exc:  # said, and the brief goes without the comparison
            say(exc.message(args.lang), file=sys.stderr)
    document = brief.brief_docx(data, report, args.lang, comparison=comparison, top=args.top)
    written = _write(output, document, args.lang)
    if written != EXIT_OK or not args.pdf:
        return written
    try:
        pdf = brief.pdf_bytes(document)
    except RuntimeError as exc:
        say(
            f"未生成 PDF：{exc}" if args.lang == "zh" else f"no PDF written: {exc}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return _write(output.with_suffix(".pdf"), pdf, args.lang)


def _write(path: Path, payload: bytes, lang: str) -> int:
    try:
        path.write_bytes(payload)
    except OSError as exc:
        say(f"cannot write {path}: {exc.strerror or type(exc).__name__}", file=sys.stderr)
        return EXIT_USAGE
    say(f"{'已写入' if lang == 'zh' else 'wrote'} {path}", file=sys.stderr)
    return EXIT_OK
