"""Hostile and broken workbooks built in code, each paired with the problem code it must produce."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook

from tests.factory import TINY, make_workbook

__all__ = [
    "CORPUS",
    "CRASHERS",
    "HARD",
    "MARKUP",
    "MARKUP_HOST",
    "OK",
    "SOFT",
    "billion_laughs",
    "blank_rows_mid_data",
    "dates_as_text",
    "dates_as_words",
    "dtd_in_workbook_part",
    "dtd_utf16",
    "empty_file",
    "encrypted_member",
    "far_cell",
    "far_cell_beyond_scan",
    "far_cell_lying_dimension",
    "far_cell_no_dimension",
    "formulas_without_values",
    "header_variants",
    "hidden_sheet",
    "markup_names",
    "markup_payloads",
    "markup_sheets",
    "merged_header",
    "million_blank_rows",
    "ole_legacy",
    "oversize",
    "padded_prolog",
    "plain_text",
    "raw_xlsx",
    "truncated_zip",
    "zip_bomb_declared",
    "zip_bomb_ratio",
    "zip_not_workbook",
    "zip_of",
]

#: Expected code of a workbook that loads without errors.
OK = "ok"

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def zip_of(
    members: Sequence[tuple[str, bytes]],
    *,
    declared_sizes: dict[str, int] | None = None,
    encrypted: bool = False,
) -> bytes:
    """A zip archive of ``members`` (deflated), written by hand so its headers can lie.

    ``declared_sizes`` overrides the uncompressed size a member's headers claim; ``encrypted`` sets the
    traditional-encryption flag on every member without encrypting anything.
    """
    declared = declared_sizes or {}
    flags = 0x1 if encrypted else 0x0
    body = io.BytesIO()
    directory = io.BytesIO()
    for name, content in members:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = packer.compress(content) + packer.flush()
        crc = zlib.crc32(content)
        size = declared.get(name, len(content))
        encoded = name.encode("utf-8")
        offset = body.tell()
        fixed = (20, flags | 0x800, 8, 0, 0x21, crc, len(packed), size, len(encoded))
        body.write(struct.pack("<4s5HIIIHH", b"PK\x03\x04", *fixed, 0) + encoded + packed)
        directory.write(
            struct.pack("<4s6HIIIHHHHHII", b"PK\x01\x02", 20, *fixed, 0, 0, 0, 0, 0, offset) + encoded
        )
    start = body.tell()
    listing = directory.getvalue()
    end = struct.pack("<4s4HIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(listing), start, 0)
    return body.getvalue() + listing + end


def raw_xlsx(sheet_xml: str | bytes, *, workbook: str | bytes = WORKBOOK, **zip_options: Any) -> bytes:
    """A minimal one-sheet xlsx (sheet "企业") whose worksheet XML is exactly ``sheet_xml``."""
    sheet = sheet_xml.encode("utf-8") if isinstance(sheet_xml, str) else sheet_xml
    book = workbook.encode("utf-8") if isinstance(workbook, str) else workbook
    members = [
        ("[Content_Types].xml", CONTENT_TYPES.encode("utf-8")),
        ("_rels/.rels", ROOT_RELS.encode("utf-8")),
        ("xl/workbook.xml", book),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.encode("utf-8")),
        ("xl/worksheets/sheet1.xml", sheet),
    ]
    return zip_of(members, **zip_options)


def _sheet(cells: str, dimension: str | None = "A1") -> str:
    dim = "" if dimension is None else f'<dimension ref="{dimension}"/>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}">{dim}<sheetData>{cells}</sheetData></worksheet>'
    )


_FAR = '<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def empty_file() -> bytes:
    """Zero bytes."""
    return b""


def plain_text() -> bytes:
    """A CSV saved with an .xlsx name."""
    return "企业名称,产值(万元)\n甲矿业,100\n".encode()


def ole_legacy() -> bytes:
    """The bare header of an OLE2 compound file (a .xls without its streams): a damaged file."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def oversize() -> bytes:
    """A zip-looking file just over the 50 MB upload limit (zeros after the signature)."""
    return b"PK\x03\x04" + bytes(51 * 1024 * 1024)


def zip_not_workbook() -> bytes:
    """A valid zip holding a text file: no [Content_Types].xml, no xl/workbook.xml."""
    return zip_of([("readme.txt", b"hello")])


def truncated_zip() -> bytes:
    """The good tiny workbook cut in half (an interrupted download): no central directory."""
    data = make_workbook()
    return data[: len(data) // 2]


def encrypted_member() -> bytes:
    """A workbook whose zip members carry the (traditional) encryption flag."""
    return raw_xlsx(_sheet('<row r="1"><c r="A1"><v>1</v></c></row>'), encrypted=True)


def far_cell() -> bytes:
    """The measured process killer: ~1.6 KB, one sheet declaring and holding a cell at XFD1048576."""
    return raw_xlsx(_sheet(_FAR, dimension="A1:XFD1048576"))


def far_cell_no_dimension() -> bytes:
    """A cell at XFD1048576 in a sheet with no <dimension>: only the cell references tell."""
    return raw_xlsx(_sheet(_FAR, dimension=None))


def far_cell_lying_dimension() -> bytes:
    """A cell at XFD1048576 in a sheet whose <dimension> claims A1 only."""
    return raw_xlsx(_sheet(_FAR, dimension="A1"))


def far_cell_beyond_scan() -> bytes:
    """A cell at XFD1048576 after 2.4 MB of real rows, under a <dimension> claiming A1:B30000.

    Too big for the guard to scan whole, and its dimension lies: only the isolated parse can catch it.
    """
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r * 7919 % 100_003}</v></c><c r="B{r}"><v>{r}</v></c></row>'
        for r in range(1, 30_000)
    )
    return raw_xlsx(_sheet(rows + _FAR.split("</row>", 1)[1], dimension="A1:B30000"))


def million_blank_rows() -> bytes:
    """A sheet declaring A1:Z1048576 (stray formatting down to the last row) over three rows of data."""
    cells = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 4))
    return raw_xlsx(_sheet(cells + '<row r="1048576" s="1" customFormat="1"/>', dimension="A1:Z1048576"))


def billion_laughs() -> bytes:
    """The billion-laughs entity expansion in the worksheet XML."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE worksheet [{entities}]>"
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t>'
        "</is></c></row></sheetData></worksheet>"
    )
    return raw_xlsx(sheet)


def dtd_in_workbook_part() -> bytes:
    """An external-entity (XXE) declaration in xl/workbook.xml, reaching for a local file."""
    book = (
        '<?xml version="1.0"?>\n<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + WORKBOOK.split("\n", 1)[1].replace('name="企业"', 'name="&xxe;"')
    )
    return raw_xlsx(_sheet('<row r="1"><c r="A1"><v>1</v></c></row>'), workbook=book)


def dtd_utf16() -> bytes:
    """A DTD in a UTF-16 worksheet, invisible to a search for the ASCII bytes '<!DOCTYPE'."""
    sheet = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>').replace('encoding="UTF-8"', 'encoding="UTF-16"')
    sheet = sheet.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "b">]><worksheet', 1)
    return raw_xlsx(sheet.encode("utf-16"))


def padded_prolog() -> bytes:
    """A worksheet whose prolog is 100 KB of comment before the root element (hiding what follows)."""
    sheet = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    head, rest = sheet.split("\n", 1)
    return raw_xlsx(head + "\n<!--" + " " * 100_000 + "-->" + rest)


def zip_bomb_ratio() -> bytes:
    """A worksheet of 8 MB of one repeated row (a real ~340x deflate ratio, ~25 KB on disk)."""
    row = b'<row><c t="inlineStr"><is><t>lol</t></is></c></row>'
    body = row * (8 * 1024 * 1024 // len(row))
    sheet = f'<?xml version="1.0"?>\n<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode() + body
    return raw_xlsx(sheet + b"</sheetData></worksheet>")


def zip_bomb_declared() -> bytes:
    """A workbook whose headers declare three 600 MB members (1.8 GB unpacked) over a few bytes each."""
    base = raw_xlsx(_sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    return zip_of(
        [*_members(base), ("xl/media/a.bin", b"x"), ("xl/media/b.bin", b"x"), ("xl/media/c.bin", b"x")],
        declared_sizes={f"xl/media/{n}.bin": 600 * 1024 * 1024 for n in "abc"},
    )


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def _openpyxl_book(
    sheets: dict[str, Sequence[Sequence[Any]]], edit: Callable[[Workbook], None] | None = None
) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    if edit is not None:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def merged_header() -> bytes:
    """The enterprises header with 所在镇 merged across two columns: the second header is blank."""
    rows = [list(r) for r in TINY["企业"]]
    rows = [[*row[:3], row[2] if i else None, *row[3:]] for i, row in enumerate(rows)]

    def merge(book: Workbook) -> None:
        book["企业"].merge_cells("C1:D1")

    return _openpyxl_book({**TINY, "企业": rows}, merge)


def formulas_without_values() -> bytes:
    """Growth percentages written as formulas, saved by openpyxl without cached results."""
    rows = [list(r) for r in TINY["企业"]]
    for i, row in enumerate(rows[1:], start=2):
        row[6] = f"=5+{i}"
    return _openpyxl_book({**TINY, "企业": rows})


_DEMANDS_HEADER = ["企业名称", "类型", "内容", "提出日期", "责任单位", "办结时限", "状态", "办结日期"]


def dates_as_text() -> bytes:
    """Demand dates typed as ISO text ("2024-03-31") rather than Excel dates: read as dates."""
    demands = [
        _DEMANDS_HEADER,
        ["甲矿业", "土地", "扩建用地", "2024-03-01", "自然资源局", "2024-06-30", "办理中", ""],
    ]
    return _openpyxl_book({**TINY, "诉求": demands})


def dates_as_words() -> bytes:
    """A demand date written as words ("三月初"): not a date, so the optional 诉求 sheet is skipped (a warning)."""
    demands = [_DEMANDS_HEADER, ["甲矿业", "土地", "扩建用地", "三月初", "自然资源局", "", "待办", ""]]
    return _openpyxl_book({**TINY, "诉求": demands})


def hidden_sheet() -> bytes:
    """The template sheet hidden in Excel: still read, with a warning."""

    def hide(book: Workbook) -> None:
        book["产业链图谱"].sheet_state = "hidden"

    return _openpyxl_book(dict(TINY), hide)


def blank_rows_mid_data() -> bytes:
    """Two blank rows between enterprises: ignored, with a warning."""
    rows = [list(r) for r in TINY["企业"]]
    blank = [None] * len(rows[0])
    return _openpyxl_book({**TINY, "企业": [*rows[:3], blank, blank, *rows[3:]]})


def header_variants() -> bytes:
    """English sheet and column names, full-width brackets and stray spaces in headers: all accepted."""
    enterprises = [list(r) for r in TINY["企业"]]
    enterprises[0] = [
        "name",
        " segment ",
        "town",
        "above_scale",
        "产值（万元）",
        "employees",
        "growth_pct",
        "products",
    ]
    links = [list(r) for r in TINY["供需关系"]]
    links[0] = ["supplier", "buyer", "product", "segment", "supplier_region", "buyer_region", "buyer_segment",
                "年交易额（万元）", "distance_km"]  # fmt: skip
    return _openpyxl_book(
        {"enterprises": enterprises, "links": links, "template": TINY["产业链图谱"], "settings": TINY["设置"]}
    )


#: Where every markup payload points: 198.51.100.0/24 is TEST-NET-2 (RFC 5737), documentation only, never
#: routed. A request to it, a link or an image naming it, means workbook text was rendered as markup.
MARKUP_HOST = "198.51.100.7"
_H = MARKUP_HOST

#: Workbook text that a Markdown or HTML renderer would act on, by what it would do: load an image, make a
#: (phishing) link, substitute a plotly hover template, show an icon, colour, typeset or embolden.
MARKUP: dict[str, str] = {
    "image": f"![c](http://{_H}/x.png)",
    "link": f"[更新数据请点此](http://{_H}/phish)",
    "img_tag": f"<img src=http://{_H}/y.png>",
    "a_tag": f'<a href="http://{_H}/z">点此</a>',
    "autolink": f"http://{_H}/auto",
    "www": f"www.{_H}/w",
    "mail": f"mailto:dep@{_H}",
    "angle": f"<http://{_H}/angle>",
    "colour": ":red[警告]",
    "icon": ":material/warning:",
    "math": "$x$",
    "bold": "**粗**",
    "template": "%{customdata}",
    "html_bold": "<b>粗</b>",
}


def markup_names() -> dict[str, str]:
    """TINY's names -> the payload names :func:`markup_payloads` gives them: local firms, outside suppliers
    and a buyer, regions, products, segments, categories and a town."""
    m = MARKUP
    return {
        "丁电极": m["a_tag"],  # the local firm with the most links
        "乙碳素": f"乙碳素{m['bold']}",  # a local firm, a pairing buyer
        "外地煅烧厂": m["link"],  # an outside supplier: a recruiting target
        "外地矿": f"外地矿{m['template']}",  # an outside supplier
        "外地钢厂": f"外地钢厂{m['angle']}",  # an outside buyer: a downstream target
        "陕西西安": m["img_tag"],  # a supplier's region
        "河北唐山": f"河北{m['www']}",  # a buyer's region
        "石油焦": m["autolink"],  # a product
        "煅后焦": f"煅后焦{m['icon']}",  # a product
        "煅烧": f"煅烧![s](http://{_H}/s.png)",  # a segment in the middle of the chain
        "包装": f"包装{m['math']}{m['bold']}",  # a missing segment with leakage: an upstream gap
        "电极": f"电极{m['html_bold']}",  # a segment
        "碳素": f"碳素{m['colour']}",  # a category
        "精细轻纺": f"<b>{m['template']}</b>",  # a category
        "城关镇": f"城关镇{m['image']}",  # a town
    }


def markup_sheets() -> dict[str, list[list[Any]]]:
    """The sheets of :func:`markup_payloads`: TINY with :func:`markup_names`, a deputy, a county, a period,
    a project and a request that carry :data:`MARKUP`."""
    names = markup_names()

    def swap(cell: Any) -> Any:
        if not isinstance(cell, str):
            return cell
        return "、".join(names.get(part, part) for part in cell.split("、"))

    sheets: dict[str, list[list[Any]]] = {
        title: [list(rows[0]), *([swap(c) for c in row] for row in rows[1:])] for title, rows in TINY.items()
    }
    sheets["企业"] = [[*row, "包联代表" if i == 0 else None] for i, row in enumerate(sheets["企业"])]
    sheets["企业"][4][-1] = MARKUP["mail"]  # 丁电极's deputy
    sheets["设置"] = [
        ["项目", "值"],
        ["县名", MARKUP["image"]],
        ["报告期", f"2024Q1 {MARKUP['colour']} {MARKUP['math']}"],
        ["县域工业总产值(万元)", 2000],
    ]
    sheets["招商项目"] = [
        ["项目名称", "产业链环节", "投资方", "投资额(万元)", "预计产值(万元)"],
        [f"[申报入口](http://{_H}/p)", names["包装"], MARKUP["img_tag"], 1000, 500],
    ]
    detail, owner = f"详见 {MARKUP['autolink']}", MARKUP["a_tag"]
    sheets["诉求"] = [
        _DEMANDS_HEADER,
        [names["丁电极"], "土地", detail, "2024-03-01", owner, "", "办理中", ""],
    ]
    return sheets


def markup_payloads(**overrides: list[list[Any]]) -> bytes:
    """A valid TINY workbook (it loads without errors) whose county, period, firms, suppliers, buyers,
    regions, products, segments, categories, town, deputy, project and request carry :data:`MARKUP`:
    rendered as markup anywhere, it would make links and load images from :data:`MARKUP_HOST`.
    ``overrides`` replace sheets of :func:`markup_sheets`."""
    return _openpyxl_book({**markup_sheets(), **overrides})


#: Files the byte guard refuses, with the code it gives.
HARD: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty_file", empty_file, "file_empty"),
    ("plain_text", plain_text, "not_xlsx"),
    ("ole_legacy", ole_legacy, "zip_corrupt"),
    ("oversize", oversize, "file_too_large"),
    ("zip_not_workbook", zip_not_workbook, "not_xlsx"),
    ("truncated_zip", truncated_zip, "zip_corrupt"),
    ("encrypted_member", encrypted_member, "encrypted"),
    ("far_cell", far_cell, "sheet_too_large"),
    ("far_cell_no_dimension", far_cell_no_dimension, "sheet_too_large"),
    ("far_cell_lying_dimension", far_cell_lying_dimension, "sheet_too_large"),
    ("million_blank_rows", million_blank_rows, "sheet_too_large"),
    ("billion_laughs", billion_laughs, "dtd_forbidden"),
    ("dtd_in_workbook_part", dtd_in_workbook_part, "dtd_forbidden"),
    ("dtd_utf16", dtd_utf16, "dtd_forbidden"),
    ("padded_prolog", padded_prolog, "dtd_forbidden"),
    ("zip_bomb_ratio", zip_bomb_ratio, "compression_ratio"),
    ("zip_bomb_declared", zip_bomb_declared, "unpacked_too_large"),
]

#: Valid files with awkward data: the loader reports the code (a warning or an error), or loads them (OK).
SOFT: list[tuple[str, Callable[[], bytes], str]] = [
    ("good", make_workbook, OK),
    ("merged_header", merged_header, "blank_header"),
    ("formulas_without_values", formulas_without_values, "formula_no_value"),
    ("dates_as_text", dates_as_text, OK),
    ("dates_as_words", dates_as_words, "optional_sheet_skipped"),
    ("hidden_sheet", hidden_sheet, "hidden_sheet"),
    ("blank_rows_mid_data", blank_rows_mid_data, "blank_rows"),
    ("header_variants", header_variants, OK),
    ("markup_payloads", markup_payloads, OK),
]

#: Files that pass the guard but kill a parser: only the isolated parse (chain.isolate) survives them.
CRASHERS: list[tuple[str, Callable[[], bytes], str]] = [
    ("far_cell_beyond_scan", far_cell_beyond_scan, "parse_memory"),
]

#: Every corpus file: (id, builder, expected code); "ok" means it loads without errors.
CORPUS: list[tuple[str, Callable[[], bytes], str]] = HARD + CRASHERS + SOFT
