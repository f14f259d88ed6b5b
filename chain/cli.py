"""What every command of the command line shares: exit codes, text safe for a terminal and for JSON, one
problem as a line, and reading the workbook a command names (:mod:`chain.__main__`, :mod:`chain.db_cli`)."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from chain import columns as cat
from chain import render
from chain.isolate import load_isolated
from chain.load import REFUSAL_CODES
from chain.model import LoadResult
from chain.problems import Problem

__all__ = [
    "EXIT_CODES",
    "EXIT_ERRORS",
    "EXIT_OK",
    "EXIT_USAGE",
    "format_problem",
    "json_number",
    "json_records",
    "json_text",
    "load_or_exit",
    "say",
    "terminal_text",
]

EXIT_OK = 0
#: The workbook has errors: every problem was reported.
EXIT_ERRORS = 1
#: A usage error, or a file that can't be read at all (missing, not a workbook, refused by the guard).
EXIT_USAGE = 2

#: Exit code -> what it means (docs/cli.md).
EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success: the workbook loads (warnings allowed) and the command did its work",
    EXIT_ERRORS: "the workbook has errors: every problem is on stderr, or on stdout as JSON with --json",
    EXIT_USAGE: "a usage error, or a file that cannot be read at all (missing, not a workbook, refused)",
}


#: What a terminal acts on: C0 and C1 control characters (ESC and CSI start the sequences that move the cursor,
#: recolour, retitle or clear it; CR and BS overwrite what was printed), DEL, the line and paragraph separators,
#: and the bidirectional embeddings, overrides and isolates that reorder what follows them on the line.
_TERMINAL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: The same characters that json.dumps leaves raw with ensure_ascii=False (it escapes only U+0000–U+001F).
_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: object) -> str:
    r"""``text`` safe to print on a terminal: each character a terminal would act on (``_TERMINAL``) shown as
    its Python escape, so a workbook cell can neither move the cursor, recolour or retitle the terminal, nor
    start a new line or reorder the line it is printed on. Everything else is printed as written.

    >>> print(terminal_text("甲\x1b[31m红\u202e乙\n丙\t丁"))
    甲\x1b[31m红\u202e乙\n丙\t丁
    """
    return _TERMINAL.sub(lambda match: ascii(match.group())[1:-1], str(text))


def json_text(document: object) -> str:
    r"""``document`` as indented JSON (non-ASCII text as written) in which no character a terminal acts on is
    raw: json.dumps escapes U+0000–U+001F, this escapes DEL, C1 and bidi controls as ``\uXXXX`` too. The JSON
    decodes to exactly the same values.

    >>> print(json_text({"name": "甲\x1b\x9b\u202e乙"}))
    {
      "name": "甲\u001b\u009b\u202e乙"
    }
    """
    dumped = json.dumps(document, ensure_ascii=False, indent=2)
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


def json_number(value: object) -> object:
    """A JSON-safe scalar: NaN becomes null, numpy numbers become Python numbers."""
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _json_value(key: str, value: object) -> object:
    kind = cat.column(key).kind
    if kind == "bool":
        return bool(value)
    if isinstance(value, tuple | list):
        return list(value)
    if kind in ("count", "rank") and isinstance(value, float | np.floating) and math.isfinite(value):
        return int(value)  # a count kept as a float only to hold NaN (a segment one period lacks)
    return json_number(value)


def json_records(frame: pd.DataFrame, fields: Mapping[str, str], lang: str) -> list[dict[str, object]]:
    """The rows of ``frame`` as JSON records: JSON key -> the catalogue column it holds (``fields``),
    numbers as numbers (null when undefined), vocabulary as keys (``strong``, ``upstream``), lists as
    lists, sentences in ``lang``."""
    values = {json_key: render.source(frame, key, lang).tolist() for json_key, key in fields.items()}
    return [
        {json_key: _json_value(key, values[json_key][i]) for json_key, key in fields.items()}
        for i in range(len(frame))
    ]


def say(text: object, file: TextIO | None = None) -> None:
    """Print a human-readable line on stdout (or ``file``), safe for a terminal (:func:`terminal_text`)."""
    print(terminal_text(text), file=file)


def format_problem(item: Problem, lang: str = "zh") -> str:
    """One problem as a readable line: ``sheet 第N行 column: message`` (``row N`` in English)."""
    place = [item.sheet] if item.sheet else []
    if item.row is not None:
        place.append(f"第{item.row}行" if lang == "zh" else f"row {item.row}")
    if item.column:
        place.append(item.column)
    prefix = " ".join(place)
    return f"{prefix}: {item.message(lang)}" if prefix else item.message(lang)


def load_or_exit(args: argparse.Namespace, skip_error_rows: bool = False) -> LoadResult | int:
    """The load result of ``args.workbook``, or the exit code when it can't be read or is refused.

    Commands share it: an unreadable or refused file is one line on stderr and exit 2.
    """
    path = Path(args.workbook)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        message = f"无法读取文件 {path}：{reason}" if args.lang == "zh" else f"cannot read {path}: {reason}"
        say(message, file=sys.stderr)
        return EXIT_USAGE
    # Parsed in a child process: a reader that aborts on some input must not end this command with a crash.
    result = load_isolated(data, source_name=path.name, skip_error_rows=skip_error_rows)
    refusal = next((p for p in result.errors if p.code in REFUSAL_CODES), None)
    if refusal is not None:
        say(f"{path}: {format_problem(refusal, args.lang)}", file=sys.stderr)
        return EXIT_USAGE
    return result
