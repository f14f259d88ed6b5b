"""Write the user docs generated from the code: docs/workbook.md (the workbook format, from chain/schema.py and
chain/problems.py) and docs/cli.md (the command-line contract, from the parser in chain/__main__.py and the
column catalogue in chain/columns.py).

Run ``python docs/make_docs.py``; a test fails when a committed page differs from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402

from chain import columns as cat  # noqa: E402
from chain.__main__ import EXIT_CODES, build_parser  # noqa: E402
from chain.db_cli import DIFF_JSON  # noqa: E402
from chain.problems import CATALOGUE  # noqa: E402
from chain.schema import MONEY_UNITS, PLACEHOLDERS, SETTING_KEYS, SHEETS, TOTAL_WORDS, UNITS, Column  # noqa: E402
from chain.store import SNAPSHOT_JSON  # noqa: E402

TARGET = ROOT / "docs" / "workbook.md"
CLI_TARGET = ROOT / "docs" / "cli.md"

KIND_TEXT = {
    "text": "text 文本",
    "number": "number 数字",
    "integer": "integer 整数",
    "bool": "是/否, Y/N, TRUE/FALSE, 1/0",
    "date": "date 日期",
    "choice": "choice 选项",
    "list": "list 列表 (、,;)",
    "credit_code": "18-char code 代码",
}


def _sentence(text: str) -> str:
    """A help text as a sentence: its first letter capitalised, the rest as written (SQLite, PDF, Word)."""
    return text[:1].upper() + text[1:]


def _rule(column: Column) -> str:
    parts = []
    if column.required:
        parts.append("required 必填")
    if column.unit is not None:
        parts.append("unit in the header 表头单位: " + "/".join(UNITS[column.unit]))
    if column.minimum is not None:
        parts.append(f">= {column.minimum:g}")
    if column.choices:
        parts.append(" / ".join(f"{c.zh} ({c.en})" for c in column.choices))
    if column.help_zh or column.help_en:
        parts.append(f"{column.help_zh} — {column.help_en}".strip(" —"))
    if column.aliases:
        parts.append("also 也可写作: " + "、".join(column.aliases))
    return "; ".join(parts)


def render() -> str:
    """The whole page as Markdown."""
    units = ", ".join(sorted({u for u in MONEY_UNITS if not u.isascii()}))
    lines = [
        "# Workbook format (工作簿格式)",
        "",
        "Generated from `chain/schema.py` by `python docs/make_docs.py`; do not edit by hand.",
        "",
        "Sheet and column names match in Chinese or English, full-width or half-width, with any spacing.",
        f"Amounts are in 万元; a money column may carry another unit in its header ({units}), e.g. "
        "`产值(亿元)`, and is converted. Excel row numbers in messages count the header as row 1.",
        "Extra columns are kept and ignored. A party named in 企业 is local; any other is external and needs "
        "its region.",
        "",
        "## What county workbooks may do (常见填报习惯)",
        "",
        "Each of these is read, and each reading is a located warning in the check report, so nothing is "
        "interpreted unseen:",
        "",
        "- a title above the header (the header is the first of the top rows that names the most columns);",
        "- a units row under the header (万元, 亿元, 人, 公里, %), applied to its columns;",
        "- merged cells below the header: the value counts for every row the range spans;",
        f"- total rows ({'/'.join(sorted(TOTAL_WORDS))}), left out;",
        "- hidden rows and sheets, read all the same;",
        "- sheet names that contain a standard name (企业名单, 供需关系表, 1.产业链图谱);",
        "- units typed in cells (53140.7万元, 156人), converted; numbers with separators or full-width digits;",
        f"- placeholders in empty cells ({' '.join(sorted(PLACEHOLDERS))}), read as blank;",
        "- Excel serial numbers in date columns, and dates written 2023.9.1 or 2023年9月1日;",
        "- cells in a % number format in a percent column (0.296 shown as 29.6% is 29.6);",
        "- the same firm written with other bracket widths, invisible characters or spaces (no warning needed);",
        "- one outside company's place written several ways (陕西紫阳, 陕西省紫阳县, 紫阳县), read as one place.",
        "",
        "Refused with the fix instead: a name like a local firm's that is not in 企业 (with a blank region or the "
        "county's), a unit a column cannot take. Errors in 招商项目 or 诉求 skip that sheet only. Rows in "
        "error in the required sheets can be left out of the analysis by an explicit choice; they are then "
        "named on every page and in every export.",
        "",
    ]
    for sheet in SHEETS:
        need = "required 必需" if sheet.required else "optional 可选"
        lines += [f"## `{sheet.zh}` / `{sheet.key}` ({need})", "", f"{sheet.help_zh} {sheet.help_en}", ""]
        lines += ["| column (zh) | alias (en) | type | rule |", "|---|---|---|---|"]
        for column in sheet.columns:
            lines.append(f"| {column.zh} | {column.key} | {KIND_TEXT[column.kind]} | {_rule(column)} |")
        lines.append("")
        if sheet.key == "settings":
            keys = ", ".join(f"{s.zh} / {s.key}" for s in SETTING_KEYS)
            lines += [f"Keys (项目): {keys}.", ""]
    lines += ["## Problems the check reports (检查项)", "", "| code | severity | message |", "|---|---|---|"]
    for code, (severity, _zh, en) in CATALOGUE.items():
        lines.append(f"| `{code}` | {severity} | {en.replace('|', '/')} |")
    lines.append("")
    return "\n".join(lines)


def _keys(vocabulary: dict[str, tuple[str, str]]) -> str:
    return " \\| ".join(f"`{key}`" if key else '`""`' for key in vocabulary)


#: Column kind -> its JSON type, as the reference states it.
JSON_TYPES: dict[str, str] = {
    "money": "number",
    "count": "integer",
    "rank": "integer",
    "share": "number 0–1, or null",
    "percent": "number (percent points), or null",
    "distance": "number, or null",
    "score": "number 0–1",
    "text": "string",
    "list": "array of strings",
    "bool": "boolean",
    "status": "string: " + _keys(cat.STATUSES),
    "gap": "string: " + _keys(cat.GAP_KINDS),
    "gaps": "array of: " + _keys(cat.GAP_KINDS),
    "stage": "string: " + _keys(cat.STAGES),
    "severity": "string: " + _keys(cat.SEVERITIES),
    "category": "string as written in the workbook",
    "reason": "string in --lang",
    "reasons": "array of strings in --lang",
    "row": "integer, or null",
}


#: Command -> the standard table it prints (chain.columns.TABLES).
_COMMAND_TABLES = {"gaps": "segments", "targets": "targets", "pairs": "pairs"}


def _field_rows(fields: dict[str, str]) -> list[str]:
    """Table rows of JSON keys: key, type, unit, meaning and the zh/en header of the catalogue column."""
    rows = ["| key | type | unit | meaning | column (zh / en) |", "|---|---|---|---|---|"]
    for json_key, key in fields.items():
        entry = cat.column(key)
        unit = "" if entry.unit is None else f"{cat.unit(entry.unit, 'zh')} ({cat.unit(entry.unit, 'en')})"
        header = f"{cat.header(key, 'zh')} / {cat.header(key, 'en')}"
        rows.append(f"| `{json_key}` | {JSON_TYPES[entry.kind]} | {unit} | {entry.meaning} | {header} |")
    return rows


def _options(parser: argparse.ArgumentParser) -> list[str]:
    rows = ["| argument | meaning | default |", "|---|---|---|"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = ", ".join(action.option_strings) or action.dest.upper()
        if action.option_strings and action.nargs != 0:
            name += f" {action.metavar or action.dest.upper()}"
        meaning = (action.help or "").replace("%(default)s", str(action.default))
        if action.choices:
            meaning += f" (one of {', '.join(map(str, action.choices))})"
        unset = action.default is None or action.default is False or action.default == argparse.SUPPRESS
        default = "" if unset else f"`{action.default}`"
        rows.append(f"| `{name}` | {meaning} | {default} |")
    return rows


def _db_commands(db: argparse.ArgumentParser) -> list[str]:
    """The ``db`` subcommands, each with its options, and the JSON of ``db list``."""
    commands = next(a for a in db._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in commands._choices_actions}
    lines: list[str] = []
    for name, sub in commands.choices.items():
        lines += [f"### `db {name}`", "", f"{_sentence(helps[name])}.", "", *_options(sub), ""]
        if name == "list":
            lines += [
                '`--json` prints `{"snapshots": [record, ...]}`, newest period first; a record is:',
                "",
                "| key | type | meaning |",
                "|---|---|---|",
                *(f"| `{key}` | {kind} | {meaning} |" for key, (kind, meaning) in SNAPSHOT_JSON.items()),
                "",
            ]
        if name == "diff":
            lines += [
                "Without `--json` it prints the what-changed sentences, then each segment's status and local "
                "share from and to. Amounts compare directly for the same months of two years, as monthly "
                "averages otherwise; two counties, one period twice or overlapping months are refused (exit 2).",
                "",
                "`--json` prints one document:",
                "",
                "| key | type | meaning |",
                "|---|---|---|",
                *(f"| `{key}` | {kind} | {meaning} |" for key, (kind, meaning) in DIFF_JSON.items()),
                "",
                "A record of `segments`:",
                "",
                *_field_rows({k: k for k in cat.JSON_FIELDS["diff"]}),
                "",
            ]
    return lines


def render_cli() -> str:
    """docs/cli.md as Markdown."""
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in commands._choices_actions}
    lines = [
        "# Command line (命令行)",
        "",
        "Generated from the parser in `chain/__main__.py` and the column catalogue in `chain/columns.py` by "
        "`python docs/make_docs.py`; do not edit by hand. This is a contract: scripts and tests rely on it.",
        "",
        "```",
        f"{parser.prog} COMMAND WORKBOOK [options]",
        "```",
        "",
        "Every command reads one workbook (.xlsx, .xls or .ods; see [workbook.md](workbook.md)). Without "
        "`--json` it prints a readable table on stdout and problems on stderr; with `--json` it prints one "
        "JSON document on stdout: English snake_case keys, statuses and gap kinds as keys, amounts in 万元 as "
        "numbers, undefined numbers as null, sentences (reasons, messages) in `--lang`. `-o` also writes the "
        "result as an Excel workbook (with an About sheet of the source, settings and rows left out) or a "
        "CSV, headed as the tables below.",
        "",
        "## Commands",
        "",
        "| command | what it does |",
        "|---|---|",
        *(f"| `{name}` | {helps[name]} |" for name in commands.choices),
        "",
        "## Exit codes",
        "",
        "| code | meaning |",
        "|---|---|",
        *(f"| {code} | {meaning} |" for code, meaning in EXIT_CODES.items()),
        "",
    ]
    for name, sub in commands.choices.items():
        lines += [f"## `{name}`", "", f"{_sentence(helps[name])}.", "", *_options(sub), ""]
        table = _COMMAND_TABLES.get(name)
        if name == "check":
            lines += [
                '`--json` prints `{"errors": [problem, ...], "warnings": [problem, ...]}`; a problem is:',
                "",
                *_field_rows(cat.PROBLEM_JSON),
                "",
                "The codes and their messages are listed in [workbook.md](workbook.md#problems-the-check-reports-检查项).",
                "",
            ]
        elif table is not None:
            terminal = ", ".join(
                f"{cat.header(k, 'zh')} / {cat.header(k, 'en')}" for k in cat.TABLES[table].terminal
            )
            if name == "gaps":
                shape = '`{"segments": [record, ...], "completeness": {...}}`, in template order'
            else:
                shape = f'`{{"{table}": [record, ...]}}`, best first'
            lines += [
                f"The table's columns: {terminal}.",
                "",
                f"`--json` prints {shape}; a record is:",
                "",
                *_field_rows({k: k for k in cat.JSON_FIELDS[name]}),
                "",
            ]
            if name == "gaps":
                lines += ["`completeness`:", "", *_field_rows(cat.COMPLETENESS_JSON), ""]
        if name == "db":
            lines += _db_commands(sub)
    lines += [
        "## Words (用语)",
        "",
        "How the keys read in tables and exports:",
        "",
        "| of | key | zh | en |",
        "|---|---|---|---|",
    ]
    for kind in ("status", "gap", "stage", "severity"):
        lines += [
            f"| {kind} | `{key}` | {zh} | {en} |" for key, (zh, en) in cat.NAMED_VALUES[kind].items() if key
        ]
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    CLI_TARGET.write_text(render_cli(), encoding="utf-8")
    for target in (TARGET, CLI_TARGET):
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
