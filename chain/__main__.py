"""The command line: ``python -m chain check|gaps|targets|pairs WORKBOOK [--json] [-o OUT] [--lang zh|en]``,
``python -m chain report ...`` (the brief, :mod:`chain.brief_cli`) and ``python -m chain db ...`` (the
workspace, :mod:`chain.db_cli`)."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import pandas as pd

from chain import brief_cli, db_cli, export, render
from chain import columns as cat
from chain.cli import (
    EXIT_CODES,
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    format_problem,
    json_number,
    json_records,
    json_text,
    load_or_exit,
    say,
    terminal_text,
)
from chain.gaps import analyze
from chain.model import ChainData, ChainReport, LoadResult
from chain.pairing import local_pairs
from chain.settings import AnalysisSettings
from chain.targets import recruiting_targets

__all__ = [
    "EXIT_CODES",
    "EXIT_ERRORS",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "format_problem",
    "json_text",
    "main",
    "terminal_text",
]


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports a usage error as one line and exit 2, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of the command line: one subparser per command, each with its ``handler``."""
    parser = _Parser(prog="python -m chain", description="产业链补链招商 — industrial-chain gap analysis")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = commands.add_parser("check", help="validate a workbook and list every problem")
    add_common_arguments(check)
    check.set_defaults(handler=run_check)

    gaps = commands.add_parser("gaps", help="segments: status, reason, leakage, exports, gaps")
    add_common_arguments(gaps)
    add_report_arguments(gaps)
    gaps.set_defaults(handler=run_gaps)

    targets = commands.add_parser("targets", help="ranked recruiting targets with reasons")
    add_common_arguments(targets)
    add_report_arguments(targets)
    targets.add_argument("--segment", help="only this segment")
    targets.add_argument("--gap", choices=("upstream", "downstream"), help="only this gap kind")
    targets.add_argument("--region", help="only regions containing this text")
    targets.add_argument("--min-value", type=float, default=0.0, help="minimum annual value (万元)")
    targets.add_argument("--max-distance", type=float, help="maximum distance (km)")
    targets.set_defaults(handler=run_targets)

    pairs = commands.add_parser("pairs", help="local pairing suggestions")
    add_common_arguments(pairs)
    add_report_arguments(pairs)
    pairs.add_argument("--segment", help="only pairs supplying this segment")
    pairs.set_defaults(handler=run_pairs)

    brief_cli.register(commands)
    db_cli.register(commands)
    return parser


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every command takes: the workbook, ``--json`` and ``--lang``."""
    parser.add_argument("workbook", help="the workbook (.xlsx, .xls or .ods)")
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of messages")


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of the analysis commands: an export file, a row limit and the weak-share threshold."""
    parser.add_argument("-o", "--output", help="also write the result to OUT.xlsx or OUT.csv")
    parser.add_argument("--top", type=int, help="show only the first N rows (all by default)")
    parser.add_argument(
        "--skip-error-rows",
        action="store_true",
        help="analyse without the rows in error (each named on stderr and in the export's About sheet)",
    )
    parser.add_argument(
        "--weak-share",
        type=float,
        default=AnalysisSettings().weak_share,
        help="local share below which a segment is weak (default %(default)s)",
    )


def run_check(args: argparse.Namespace) -> int:
    """``check``: exit 0 when the workbook loads (warnings allowed), 1 with every problem when it doesn't."""
    result = load_or_exit(args)
    if isinstance(result, int):
        return result
    _report_problems(result, args)
    if not args.json:
        say(_summary(result, args.lang), file=sys.stderr if result.errors else sys.stdout)
    return EXIT_ERRORS if result.errors else EXIT_OK


def run_gaps(args: argparse.Namespace) -> int:
    """``gaps``: every segment with its status and reason, its flows and gaps, and the chain's completeness."""
    analysed = _analyse(args)
    if isinstance(analysed, int):
        return analysed
    data, report = analysed
    segments = _top(report.segments, args.top)
    if args.json:
        completeness = report.completeness
        _print_json(
            {
                "segments": _records(segments, "gaps", args.lang),
                "completeness": {
                    key: json_number(getattr(completeness, key)) for key in cat.COMPLETENESS_JSON
                },
            }
        )
    else:
        print(_table(segments, "segments", args.lang))
        say(_completeness_line(report, args.lang))
    return _write(args, data, report, export.report_table("segments", segments))


def run_targets(args: argparse.Namespace) -> int:
    """``targets``: outside companies to recruit, best first, each with the reasons for its score."""
    analysed = _analyse(args)
    if isinstance(analysed, int):
        return analysed
    data, report = analysed
    try:
        found = recruiting_targets(
            data,
            report,
            segment=args.segment,
            gap=args.gap,
            region=args.region,
            min_value=args.min_value,
            max_distance=args.max_distance,
        )
    except ValueError as exc:
        say(exc, file=sys.stderr)
        return EXIT_USAGE
    found = _top(found, args.top)
    if args.json:
        _print_json({"targets": _records(found, "targets", args.lang)})
    else:
        print(_table(found, "targets", args.lang))
    return _write(args, data, report, export.report_table("targets", found))


def run_pairs(args: argparse.Namespace) -> int:
    """``pairs``: local firms that should be introduced to each other, best first, with the evidence."""
    analysed = _analyse(args)
    if isinstance(analysed, int):
        return analysed
    data, report = analysed
    try:
        found = local_pairs(data, report, segment=args.segment)
    except ValueError as exc:
        say(exc, file=sys.stderr)
        return EXIT_USAGE
    found = _top(found, args.top)
    if args.json:
        _print_json({"pairs": _records(found, "pairs", args.lang)})
    else:
        print(_table(found, "pairs", args.lang))
    return _write(args, data, report, export.report_table("pairs", found))


def _analyse(args: argparse.Namespace) -> tuple[ChainData, ChainReport] | int:
    """The loaded data and its report, or the exit code after reporting why there is none."""
    if not 0.0 <= args.weak_share <= 1.0:
        say(f"--weak-share must be between 0 and 1, got {args.weak_share}", file=sys.stderr)
        return EXIT_USAGE
    if args.top is not None and args.top < 0:
        say(f"--top must be >= 0, got {args.top}", file=sys.stderr)
        return EXIT_USAGE
    if args.output and Path(args.output).suffix.lower() not in (".xlsx", ".csv"):
        say(f"-o must name an .xlsx or .csv file, got {args.output}", file=sys.stderr)
        return EXIT_USAGE
    result = load_or_exit(args, skip_error_rows=args.skip_error_rows)
    if isinstance(result, int):
        return result
    if result.data is None:
        _report_problems(result, args)
        if result.skippable_rows and not args.json:
            hint = (
                f"这 {len(result.skippable_rows)} 行有错误；加 --skip-error-rows 可不含这些行继续分析（会逐行列出）。"
                if args.lang == "zh"
                else f"These {len(result.skippable_rows)} rows are in error; --skip-error-rows analyses without "
                "them (each is named)."
            )
            say(hint, file=sys.stderr)
        return EXIT_ERRORS
    for item in result.data.excluded:
        left_out = "未纳入分析" if args.lang == "zh" else "left out"
        say(f"{left_out}: {format_problem(item, args.lang)}", file=sys.stderr)
    settings = AnalysisSettings(weak_share=args.weak_share)
    return result.data, analyze(result.data, settings)


def _write(args: argparse.Namespace, data: ChainData, report: ChainReport, table: export.ExportTable) -> int:
    """Write ``table`` to ``-o`` when given (xlsx with an About sheet, or csv); exit 0."""
    if not args.output:
        return EXIT_OK
    path = Path(args.output)
    if path.suffix.lower() == ".csv":
        payload = export.to_csv(table, args.lang)
    else:
        about = {
            "source": data.source,
            "county": data.county,
            "period": data.period,
            **export.about_excluded(data.excluded, args.lang),
            **export.about_settings(report.settings),
        }
        payload = export.to_xlsx([table], about, args.lang)
    try:
        path.write_bytes(payload)
    except OSError as exc:
        say(f"cannot write {path}: {exc.strerror or type(exc).__name__}", file=sys.stderr)
        return EXIT_USAGE
    say(f"{'已写入' if args.lang == 'zh' else 'wrote'} {path}", file=sys.stderr)
    return EXIT_OK


def _top(frame: pd.DataFrame, top: int | None) -> pd.DataFrame:
    return frame if top is None else frame.head(top)


def _records(frame: pd.DataFrame, command: str, lang: str) -> list[dict[str, object]]:
    """The rows of ``frame`` as the JSON records of ``command``: the keys of
    :data:`chain.columns.JSON_FIELDS` (:func:`chain.cli.json_records`)."""
    return json_records(frame, {key: key for key in cat.JSON_FIELDS[command]}, lang)


def _print_json(document: dict[str, object]) -> None:
    print(json_text(document))


def _table(frame: pd.DataFrame, table: str, lang: str) -> str:
    """A readable plain-text table of a standard table's terminal columns (:data:`chain.columns.TABLES`):
    headers, numbers and words as the renderer gives them (:func:`chain.render.text_frame`); workbook text
    made safe for a terminal (:func:`terminal_text`), so a cell cannot break the table or the terminal."""
    if frame.empty:
        return "（无）" if lang == "zh" else "(none)"
    shown = render.text_frame(frame, cat.TABLES[table].terminal, lang)
    return shown.map(terminal_text).to_string(index=False, max_colwidth=80)


def _completeness_line(report: ChainReport, lang: str) -> str:
    c = report.completeness
    if lang == "zh":
        return (
            f"链条完整度：{c.segments_with_firms}/{c.segments_total} 个环节有本地企业（{render.percent(c.segments)}），"
            f"本地需求本地满足 {render.percent(c.value)}"
        )
    return (
        f"Completeness: {c.segments_with_firms}/{c.segments_total} segments have a local firm "
        f"({render.percent(c.segments)}); local demand met locally {render.percent(c.value)}"
    )


def _report_problems(result: LoadResult, args: argparse.Namespace) -> None:
    """Every problem: as JSON on stdout with ``--json``, else as readable lines on stderr."""
    if args.json:
        _print_json(
            {
                "errors": [p.to_dict(args.lang) for p in result.errors],
                "warnings": [p.to_dict(args.lang) for p in result.warnings],
            }
        )
        return
    for severity, items in (("error", result.errors), ("warning", result.warnings)):
        if items:
            say(_heading(severity, len(items), args.lang), file=sys.stderr)
        for item in items:
            say(format_problem(item, args.lang), file=sys.stderr)


def _heading(severity: str, count: int, lang: str) -> str:
    """``错误（3）：`` / ``提醒（1）：``, ``Errors (3):`` / ``Warnings (1):``: the app's severity words."""
    word = cat.value_name(cat.SEVERITIES, severity, lang)
    return f"{word}（{count}）：" if lang == "zh" else f"{word.capitalize()}s ({count}):"


def _summary(result: LoadResult, lang: str) -> str:
    errors = render.severity_count("error", len(result.errors), lang)
    warnings = render.severity_count("warning", len(result.warnings), lang)
    if result.data is None:
        if lang == "zh":
            return f"{errors}，{warnings}：请修改后再分析。"
        return f"{errors}, {warnings}: fix the errors before analysis."
    data = result.data
    firms, links, segments = len(data.enterprises), len(data.links), len(data.template)
    if lang == "zh":
        return f"通过：{firms} 家企业，{links} 条供需关系，{segments} 个环节；{warnings}。"
    return f"OK: {firms} enterprises, {links} links, {segments} segments; {warnings}."


def _utf8(stream: TextIO) -> None:
    # A console in a legacy code page must not turn a Chinese message into a UnicodeEncodeError.
    if isinstance(stream, io.TextIOWrapper) and (stream.encoding or "").lower().replace("-", "") != "utf8":
        stream.reconfigure(encoding="utf-8", errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``) and return its exit code."""
    _utf8(sys.stdout)
    _utf8(sys.stderr)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        return args.handler(args)
    except Exception as exc:  # no input may end in a traceback: one line, and the usage exit code
        say(f"python -m chain {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
