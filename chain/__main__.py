"""The command line: ``python -m chain check WORKBOOK [--json] [--lang zh|en]``."""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from chain.isolate import load_isolated
from chain.load import REFUSAL_CODES
from chain.model import LoadResult
from chain.problems import Problem

__all__ = ["EXIT_ERRORS", "EXIT_OK", "EXIT_USAGE", "build_parser", "format_problem", "main"]

EXIT_OK = 0
#: The workbook has errors: every problem was reported.
EXIT_ERRORS = 1
#: A usage error, or a file that can't be read at all (missing, not a workbook, refused by the guard).
EXIT_USAGE = 2


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
    return parser


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every command takes: the workbook, ``--json`` and ``--lang``."""
    parser.add_argument("workbook", help="the .xlsx workbook")
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of messages")


def format_problem(item: Problem, lang: str = "zh") -> str:
    """One problem as a readable line: ``sheet 第N行 column: message`` (``row N`` in English)."""
    place = [item.sheet] if item.sheet else []
    if item.row is not None:
        place.append(f"第{item.row}行" if lang == "zh" else f"row {item.row}")
    if item.column:
        place.append(item.column)
    prefix = " ".join(place)
    return f"{prefix}: {item.message(lang)}" if prefix else item.message(lang)


def load_or_exit(args: argparse.Namespace) -> LoadResult | int:
    """The load result of ``args.workbook``, or the exit code when it can't be read or is refused.

    Commands share it: an unreadable or refused file is one line on stderr and exit 2.
    """
    path = Path(args.workbook)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        message = f"无法读取文件 {path}：{reason}" if args.lang == "zh" else f"cannot read {path}: {reason}"
        print(message, file=sys.stderr)
        return EXIT_USAGE
    # Parsed in a child process: a reader that aborts on some input must not end this command with a crash.
    result = load_isolated(data, source_name=path.name)
    refusal = next((p for p in result.errors if p.code in REFUSAL_CODES), None)
    if refusal is not None:
        print(f"{path}: {format_problem(refusal, args.lang)}", file=sys.stderr)
        return EXIT_USAGE
    return result


def run_check(args: argparse.Namespace) -> int:
    """``check``: exit 0 when the workbook loads (warnings allowed), 1 with every problem when it doesn't."""
    result = load_or_exit(args)
    if isinstance(result, int):
        return result
    if args.json:
        report = {
            "errors": [p.to_dict(args.lang) for p in result.errors],
            "warnings": [p.to_dict(args.lang) for p in result.warnings],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for severity, items in (("error", result.errors), ("warning", result.warnings)):
            if items:
                print(_heading(severity, len(items), args.lang), file=sys.stderr)
            for item in items:
                print(format_problem(item, args.lang), file=sys.stderr)
        print(_summary(result, args.lang), file=sys.stderr if result.errors else sys.stdout)
    return EXIT_ERRORS if result.errors else EXIT_OK


def _heading(severity: str, count: int, lang: str) -> str:
    if lang == "zh":
        return f"错误（{count}）：" if severity == "error" else f"提示（{count}）："
    return f"Errors ({count}):" if severity == "error" else f"Warnings ({count}):"


def _summary(result: LoadResult, lang: str) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    if result.data is None:
        if lang == "zh":
            return f"{errors} 个错误，{warnings} 个提示：请修改后再分析。"
        return f"{errors} errors, {warnings} warnings: fix the errors before analysis."
    data = result.data
    firms, links, segments = len(data.enterprises), len(data.links), len(data.template)
    if lang == "zh":
        return f"通过：{firms} 家企业，{links} 条供需关系，{segments} 个环节；{warnings} 个提示。"
    return f"OK: {firms} enterprises, {links} links, {segments} segments; {warnings} warnings."


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
        print(f"python -m chain {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
