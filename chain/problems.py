"""Problems found in a workbook: one catalogue of codes, each with its severity and zh/en message.

A :class:`Problem` says where (sheet as named in the file, Excel row counting the header as row 1,
column as headed in the file), what (the cell's value and a code) and what to do (a message in zh and en).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

__all__ = ["CATALOGUE", "Problem", "Severity", "problem"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook, located as precisely as the data allows."""

    sheet: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    severity: Severity
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def to_dict(self, lang: str = "zh") -> dict[str, object]:
        """The JSON form of the command-line contract: sheet, row, column, value, code, message."""
        record = asdict(self)
        return {
            "sheet": record["sheet"],
            "row": record["row"],
            "column": record["column"],
            "value": record["value"],
            "code": record["code"],
            "message": self.message(lang),
        }


#: code -> (severity, zh template, en template). Templates use str.format with the params of `problem`.
CATALOGUE: dict[str, tuple[Severity, str, str]] = {
    # Refusals of the byte guard and of the isolated parse: the file as a whole.
    "file_empty": (
        "error",
        "文件为空，请重新选择 .xlsx 工作簿。",
        "The file is empty: choose an .xlsx workbook.",
    ),
    "file_too_large": (
        "error",
        "文件 {size_mb:.1f} MB，超过上限 {limit_mb} MB。请删去无关工作表或拆分后再上传。",
        "The file is {size_mb:.1f} MB, over the {limit_mb} MB limit: remove unrelated sheets or split it.",
    ),
    "not_xlsx": (
        "error",
        "这不是 .xlsx 工作簿。请在 Excel 中“另存为 → Excel 工作簿(*.xlsx)”后再上传。",
        "This is not an .xlsx workbook. In Excel use Save As -> Excel Workbook (*.xlsx), then upload it.",
    ),
    "legacy_or_encrypted": (
        "error",
        "这是旧版 .xls 或加密的工作簿。请取消密码保护，并另存为 .xlsx 后再上传。",
        "This is a legacy .xls or a password-protected workbook: remove the password and save as .xlsx.",
    ),
    "zip_corrupt": (
        "error",
        "工作簿文件已损坏，无法打开（{detail}）。请在 Excel 中重新保存。",
        "The workbook is damaged and cannot be opened ({detail}). Re-save it in Excel.",
    ),
    "unpacked_too_large": (
        "error",
        "工作簿解压后约 {size_mb:.0f} MB，超过上限 {limit_mb} MB。",
        "The workbook unpacks to about {size_mb:.0f} MB, over the {limit_mb} MB limit.",
    ),
    "compression_ratio": (
        "error",
        "工作簿中的 {member} 压缩比异常（{ratio:.0f} 倍，上限 {limit:.0f} 倍），疑似压缩炸弹，已拒绝。",
        "{member} in the workbook is compressed {ratio:.0f}x (limit {limit:.0f}x), like a zip bomb: refused.",
    ),
    "dtd_forbidden": (
        "error",
        "工作簿中的 {member} 含有 DTD 声明，可能是恶意文件，已拒绝。请在 Excel 中重新保存。",
        "{member} in the workbook declares a DTD, which a real workbook never does: refused. Re-save in Excel.",
    ),
    "sheet_too_large": (
        "error",
        "工作表“{sheet}”声明的范围 {dimension} 约 {cells:,} 个单元格，超过上限 {limit:,}。"
        "请删除表中远处的空白格式或多余行列后再上传。",
        "Sheet '{sheet}' declares the range {dimension}, about {cells:,} cells, over the {limit:,} limit: "
        "delete stray formatting or unused rows and columns far from the data.",
    ),
    "parse_failed": (
        "error",
        "读取工作簿时出错：{detail}。请在 Excel 中重新保存后再试。",
        "The workbook could not be read: {detail}. Re-save it in Excel and try again.",
    ),
    "parse_timeout": (
        "error",
        "读取工作簿超过 {seconds:.0f} 秒，已停止。请删除无关工作表或拆分文件。",
        "Reading the workbook took over {seconds:.0f} s and was stopped: remove unrelated sheets or split it.",
    ),
    "parse_memory": (
        "error",
        "读取工作簿所需内存超过 {limit_mb} MB，已停止。请删除无关工作表或拆分文件。",
        "Reading the workbook needed over {limit_mb} MB of memory and was stopped: split the file.",
    ),
    # Structure.
    "missing_sheet": (
        "error",
        "缺少工作表“{expected_zh}”（英文名 {expected_en}）。",
        "The sheet '{expected_zh}' ('{expected_en}') is missing.",
    ),
    "duplicate_sheet": (
        "error",
        "有两个工作表都对应“{expected_zh}”：请只保留一个。",
        "Two sheets both stand for '{expected_en}': keep only one.",
    ),
    "missing_column": (
        "error",
        "缺少必填列“{expected_zh}”（英文名 {expected_en}）。",
        "The required column '{expected_zh}' ('{expected_en}') is missing.",
    ),
    "blank_header": (
        "error",
        "第 {col_letter} 列有数据但表头为空（合并单元格也会造成空表头）。请填写列名。",
        "Column {col_letter} has data but no header (merged header cells cause this too): name it.",
    ),
    "duplicate_header": (
        "error",
        "列名“{column}”与第 {other} 列重复。请删除或改名其中一列。",
        "The header '{column}' repeats column {other}: delete or rename one of them.",
    ),
    "blank_rows": (
        "warning",
        "数据中间有 {count} 个空行（第 {rows} 行），已忽略。",
        "{count} blank rows in the middle of the data (rows {rows}) were ignored.",
    ),
    "hidden_sheet": (
        "warning",
        "工作表“{sheet}”是隐藏的，但仍已读取。",
        "The sheet '{sheet}' is hidden; it was read all the same.",
    ),
    "formula_no_value": (
        "warning",
        "单元格是公式但没有保存计算结果，按空值处理。请在 Excel 中打开并保存一次。",
        "The cell holds a formula without a saved result and was read as blank: open and save it in Excel.",
    ),
    "error_value": (
        "warning",
        "单元格是错误值 {value}，按空值处理。请在 Excel 中修正公式或数据。",
        "The cell holds the error value {value} and was read as blank: fix the formula or the data in Excel.",
    ),
    # Cells.
    "required_blank": ("error", "必填项为空。", "A required value is blank."),
    "not_a_number": (
        "error",
        "“{value}”不是数字。请只填数字（可带千分位逗号），不要带“约”“万”等文字。",
        "'{value}' is not a number: write digits only (thousands commas are fine), no words or units.",
    ),
    "not_an_integer": ("error", "“{value}”不是整数。", "'{value}' is not a whole number."),
    "out_of_range": (
        "error",
        "“{value}”超出可处理的范围：整数不能超过 9,007,199,254,740,992。",
        "'{value}' is out of range: a whole number cannot exceed 9,007,199,254,740,992.",
    ),
    "negative": ("error", "“{value}”为负数，此列不能为负。", "'{value}' is negative; this column cannot be."),
    "not_a_date": (
        "error",
        "“{value}”不是日期。请填写如 2024-03-31 的日期。",
        "'{value}' is not a date: write a date such as 2024-03-31.",
    ),
    "bad_choice": (
        "error",
        "“{value}”不是可选值，可选：{allowed}。",
        "'{value}' is not one of the allowed values: {allowed}.",
    ),
    "bad_bool": ("error", "“{value}”应为 是/否。", "'{value}' should be yes/no (是/否, Y/N, 1/0)."),
    # Enterprises.
    "duplicate_name": (
        "error",
        "企业名称“{value}”与第 {other} 行重复。每家企业只填一行。",
        "The enterprise '{value}' is already on row {other}: one row per enterprise.",
    ),
    "unknown_segment": (
        "error",
        "环节“{value}”不在“产业链图谱”中。请改为图谱中的环节，或在图谱中增加该环节。",
        "The segment '{value}' is not in the template sheet: use one of its segments or add it there.",
    ),
    "bad_credit_code": (
        "warning",
        "统一社会信用代码“{value}”校验不通过（GB 32100-2015），请核对。",
        "The credit code '{value}' fails the GB 32100-2015 checksum: check it.",
    ),
    # Links.
    "self_link": ("error", "供应方与采购方相同。", "The supplier and the buyer are the same."),
    "region_missing": (
        "error",
        "“{value}”不在“企业”表中，视为外地企业，须填写“{expected_zh}”。",
        "'{value}' is not in the enterprises sheet, so it is external: fill in '{expected_en}'.",
    ),
    "unresolved_segment": (
        "error",
        "外地供应方“{value}”的产品未填“产品环节”，无法归入产业链。请填写产品环节。",
        "The external supplier '{value}' has no product segment, so the link can't be placed: fill it in.",
    ),
    # Template.
    "duplicate_segment": (
        "error",
        "环节“{value}”与第 {other} 行重复。",
        "The segment '{value}' is already on row {other}.",
    ),
    "unknown_input": (
        "error",
        "上游环节“{value}”不在本表的“环节”列中。",
        "The input '{value}' is not a segment of this sheet.",
    ),
    "self_loop": (
        "warning",
        "环节“{value}”把自己列为上游，已忽略。",
        "The segment '{value}' lists itself as an input; ignored.",
    ),
    "cycle": (
        "warning",
        "这些环节互为上下游，构成循环：{cycle}。分析照常进行，图中画在同一层。",
        "These segments feed each other in a cycle: {cycle}. Analysis goes on; they are drawn on one layer.",
    ),
    # Optional sheets.
    "unknown_setting": (
        "warning",
        "设置项“{value}”无法识别，已忽略。可用：{allowed}。",
        "The setting '{value}' is not known and was ignored. Known: {allowed}.",
    ),
    "duplicate_setting": (
        "error",
        "设置项“{value}”与第 {other} 行重复。请只保留一行。",
        "The setting '{value}' is already on row {other}: keep only one.",
    ),
    "unknown_enterprise": (
        "warning",
        "企业“{value}”不在“企业”表中。",
        "The enterprise '{value}' is not in the enterprises sheet.",
    ),
}


def problem(
    code: str,
    sheet: str,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    **params: object,
) -> Problem:
    """A problem of a catalogued code, its messages filled from ``params`` (plus ``value`` and ``column``).

    >>> p = problem("negative", "企业", 3, "产值(万元)", "-5")
    >>> p.severity, p.row, p.message_en
    ('error', 3, "'-5' is negative; this column cannot be.")
    """
    severity, zh, en = CATALOGUE[code]
    text = None if value is None else str(value)
    fields = {"value": text, "column": column, "sheet": sheet, **params}
    return Problem(sheet, row, column, text, code, severity, zh.format(**fields), en.format(**fields))
