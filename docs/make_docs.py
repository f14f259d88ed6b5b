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
from chain.schema import MONEY_UNITS, SETTING_KEYS, SHEETS, Column  # noqa: E402

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
    if column.minimum is not None:
        parts.append(f">= {column.minimum:g}")
    if column.choices:
        parts.append(" / ".join(f"{c.zh} ({c.en})" for c in column.choices))
    if column.help_zh or column.help_en:
        parts.append(f"{column.help_zh} — {column.help_en}".strip(" —"))
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
