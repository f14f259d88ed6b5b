"""Write docs/workbook.md, the workbook format for users, from chain/schema.py and chain/problems.py.

Run ``python docs/make_docs.py``; a test fails when the committed page differs from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from chain.problems import CATALOGUE  # noqa: E402
from chain.schema import MONEY_UNITS, PLACEHOLDERS, SETTING_KEYS, SHEETS, TOTAL_WORDS, UNITS, Column  # noqa: E402

TARGET = ROOT / "docs" / "workbook.md"

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


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
