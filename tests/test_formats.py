""".xls and .ods read like .xlsx; encrypted files, web pages named .xls and other files get one clear message.

Every file here is built in code: the bundled sample rewritten as .xls (xlwt) and .ods (odfpy), and small
OLE2 compound files written by hand (olefile only reads them).
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from chain.gaps import analyze
from chain.guard import GUARD_CODES, check_bytes
from chain.isolate import load_isolated
from chain.load import load_workbook
from chain.model import ChainData, LoadResult
from chain.problems import CATALOGUE
from chain.settings import Limits
from tests.hostile import zip_of

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample.xlsx"
FRAMES = ("enterprises", "links", "template", "projects", "demands")

# Building the sample's copies


@cache
def sample_sheets() -> dict[str, list[list[object]]]:
    """Every sheet of the bundled sample, in order, as rows of the values openpyxl reads (None = blank)."""
    book = openpyxl.load_workbook(SAMPLE, data_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def to_xls(sheets: dict[str, list[list[object]]]) -> bytes:
    """The sheets as an Excel 97-2003 workbook (BIFF8), dates in a date format as Excel writes them."""
    book = xlwt.Workbook(encoding="utf-8")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date)
                elif value is not None:
                    sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_ods(sheets: dict[str, list[list[object]]]) -> bytes:
    """The sheets as an OpenDocument spreadsheet, each value typed as LibreOffice types it."""
    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                table_row.addElement(_ods_cell(value))
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def _ods_cell(value: object) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
    elif isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value)
    elif isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        cell = TableCell(valuetype="date", datevalue=day.isoformat())
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


@cache
def sample_copies() -> dict[str, bytes]:
    return {
        "xlsx": SAMPLE.read_bytes(),
        "xls": to_xls(sample_sheets()),
        "ods": to_ods(sample_sheets()),
    }


@cache
def loaded(kind: str) -> LoadResult:
    return load_workbook(sample_copies()[kind], source_name="sample")


def assert_same_data(data: ChainData, expected: ChainData) -> None:
    # Whole frames, dtypes included: the reader gives the validator the same values for all three formats.
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(data, name), getattr(expected, name), obj=name)
    assert data.settings == expected.settings


def where(result: LoadResult) -> list[tuple[str, str, int | None, str | None]]:
    return [(p.code, p.sheet, p.row, p.column) for p in (*result.errors, *result.warnings)]


# The sample as .xls and .ods


def test_the_copies_are_what_they_claim():
    copies = sample_copies()
    assert copies["xls"].startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    with zipfile.ZipFile(io.BytesIO(copies["ods"])) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert "xl/workbook.xml" not in archive.namelist()


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_guard_passes_the_sample_in_each_format(kind):
    assert check_bytes(sample_copies()[kind]) is None


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_sample_loads_the_same_from_each_format(kind):
    result, expected = loaded(kind), loaded("xlsx")
    assert result.errors == ()
    assert result.ok
    assert where(result) == where(expected)
    assert_same_data(result.data, expected.data)


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_gap_analysis_is_the_same_from_each_format(kind):
    # What `python -m chain gaps` prints: the segment table and the chain's completeness.
    report, expected = analyze(loaded(kind).data), analyze(loaded("xlsx").data)
    pd.testing.assert_frame_equal(report.segments, expected.segments)
    assert report.completeness == expected.completeness
    assert report.cycles == expected.cycles


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_an_upload_in_each_format_loads_in_the_isolated_child(kind):
    result = load_isolated(sample_copies()[kind], source_name=f"sample.{kind}")
    assert result.errors == ()
    assert result.data.source == f"sample.{kind}"
    assert_same_data(result.data, loaded("xlsx").data)


def test_truncated_xls_never_raises():
    data = sample_copies()["xls"]
    for cut in range(0, len(data), 1531):
        found = check_bytes(data[:cut])
        assert found is not None
        assert found.code in {"file_empty", "not_xlsx", "zip_corrupt"}, (cut, found.message_en)


# OLE2 compound files, written by hand (MS-CFB version 3: 512-byte sectors, one FAT sector)

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECTOR = 512
ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
HEADER = struct.Struct("<8s16sHHHHHHLLLLLLLLLL109L")
ENTRY = struct.Struct("<64sHBBLLL16sLQQLQ")


def compound_file(
    streams: dict[str, bytes], *, declared: dict[str, int] | None = None, root_size: int = 0
) -> bytes:
    """An OLE2 compound file holding ``streams`` at its root.

    Streams are padded to the 4096-byte mini-stream cutoff, so all sit in regular sectors and no mini FAT
    is needed. ``declared`` overrides the size a stream's directory entry states; ``root_size`` makes the
    root entry claim a mini stream of that size over a sector chained to itself (a hostile file).
    """
    names = list(streams)
    bodies = [streams[name].ljust(4096, b"\0") for name in names]
    dir_sectors = -(-(1 + len(names)) // 4)
    # Sector 0 is the FAT, sectors 1.. the directory, then each stream, then the root's looping sector.
    fat = [FATSECT, *range(2, 1 + dir_sectors), ENDOFCHAIN]
    starts = []
    for body in bodies:
        starts.append(len(fat))
        count = len(body) // SECTOR + (len(body) % SECTOR > 0)
        fat += [*range(len(fat) + 1, len(fat) + count), ENDOFCHAIN]
    root_start = ENDOFCHAIN
    if root_size:
        root_start = len(fat)
        fat.append(root_start)
    assert len(fat) <= SECTOR // 4, "one FAT sector maps 128 sectors"
    fat += [FREESECT] * (SECTOR // 4 - len(fat))
    directory = _entry("Root Entry", 5, child=1 if names else NOSTREAM, start=root_start, size=root_size)
    for index, name in enumerate(names):
        right = index + 2 if index + 1 < len(names) else NOSTREAM
        size = (declared or {}).get(name, len(bodies[index]))
        directory += _entry(name, 2, right=right, start=starts[index], size=size)
    directory = directory.ljust(dir_sectors * SECTOR, b"\0")
    header = HEADER.pack(
        MAGIC, bytes(16), 0x3E, 3, 0xFFFE, 9, 6, 0, 0, 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0,
        0, *[FREESECT] * 108,
    )  # fmt: skip
    sectors = [struct.pack(f"<{SECTOR // 4}L", *fat), directory, *bodies]
    if root_size:
        sectors.append(bytes(SECTOR))
    return header + b"".join(sector.ljust(-(-len(sector) // SECTOR) * SECTOR, b"\0") for sector in sectors)


def _entry(
    name: str,
    kind: int,
    *,
    left: int = NOSTREAM,
    right: int = NOSTREAM,
    child: int = NOSTREAM,
    start: int = ENDOFCHAIN,
    size: int = 0,
) -> bytes:
    raw = (name + "\0").encode("utf-16-le")
    return ENTRY.pack(raw, len(raw), kind, 1, left, right, child, bytes(16), 0, 0, 0, start, size)


def biff(*records: tuple[int, bytes]) -> bytes:
    """A BIFF8 globals substream: BOF, the given records, EOF."""
    bof = (0x0809, struct.pack("<HHHHLL", 0x0600, 0x0005, 0, 0, 0, 0))
    return b"".join(
        struct.pack("<HH", kind, len(body)) + body for kind, body in (bof, *records, (0x000A, b""))
    )


#: A FILEPASS record of RC4 CryptoAPI encryption (its header; the verifier does not matter here).
FILEPASS = (0x002F, struct.pack("<HHH", 1, 4, 2) + bytes(64))


def test_hand_written_compound_files_are_read_as_workbooks():
    # The control for the refusals below: without encryption, the same construction passes.
    assert check_bytes(compound_file({"Workbook": biff()})) is None
    assert check_bytes(compound_file({"Book": biff()})) is None
    assert check_bytes(compound_file({"\x05SummaryInformation": bytes(64), "Workbook": biff()})) is None


@pytest.mark.parametrize(
    "streams",
    [
        {"EncryptionInfo": bytes(256), "EncryptedPackage": bytes(1024)},
        {"\x06DataSpaces": bytes(16), "EncryptedPackage": bytes(1024)},
        {"Workbook": biff(FILEPASS)},
        {"Book": biff(FILEPASS)},
    ],
    ids=["encrypted_xlsx", "encrypted_xlsx_package_only", "encrypted_xls", "encrypted_xls_biff5"],
)
def test_a_password_protected_workbook_gets_the_password_message(streams):
    data = compound_file(streams)
    found = check_bytes(data)
    assert (found.code, found.severity, found.sheet, found.row) == ("encrypted", "error", "", None)
    assert "remove the password" in found.message_en
    assert "取消密码" in found.message_zh
    assert [p.code for p in load_workbook(data).errors] == ["encrypted"]


def test_a_workbook_with_an_encrypted_member_gets_the_password_message():
    from tests.hostile import encrypted_member

    assert check_bytes(encrypted_member()).code == "encrypted"


def test_filepass_after_the_globals_is_not_encryption():
    # A FILEPASS type inside a later substream's data is not the workbook's FILEPASS.
    assert check_bytes(compound_file({"Workbook": biff() + biff(FILEPASS)})) is None


def test_a_compound_file_that_is_not_a_workbook_is_not_xlsx():
    found = check_bytes(compound_file({"WordDocument": bytes(64), "1Table": bytes(64)}))
    assert found.code == "not_xlsx"
    assert ".xls" in found.message_en


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (MAGIC + bytes(504), "sector shift"),
        (MAGIC + bytes(8), "incomplete"),
        (compound_file({"Workbook": biff()}, declared={"Workbook": 10 * 1024 * 1024}), "stream"),
        (
            compound_file({"Workbook": biff()}, declared={"Workbook": 100}, root_size=256 * 1024 * 1024),
            "Mini",
        ),
    ],
    ids=["header_only", "short_header", "stream_longer_than_file", "mini_stream_loop"],
)
def test_a_damaged_or_lying_compound_file_is_refused_unread(data, detail):
    found = check_bytes(data)
    assert found.code == "zip_corrupt"
    assert detail.lower() in found.message_en.lower()


def test_a_header_declaring_millions_of_fat_sectors_is_refused_before_olefile():
    data = bytearray(compound_file({"Workbook": biff()}))
    fat_sectors = 1 << 24
    # Consistent DIFAT fields, their chain a loop on sector 0: olefile would walk it 132,000 times.
    struct.pack_into("<L", data, 44, fat_sectors)
    struct.pack_into("<LL", data, 68, 0, -(-(fat_sectors - 109) // 127))
    found = check_bytes(bytes(data))
    assert found.code == "zip_corrupt"
    assert "16,777,216 FAT sectors" in found.message_en


def test_a_directory_too_long_for_a_workbook_is_refused_before_its_tree_is_built():
    data = bytearray(compound_file({"Workbook": biff()}))
    # The directory's one sector (sector 1) chained to itself: an endless directory.
    struct.pack_into("<L", data, SECTOR + 4 * 1, 1)
    found = check_bytes(bytes(data))
    assert found.code == "zip_corrupt"
    assert "over 16,384 entries" in found.message_en


# Web pages and XML spreadsheets saved with an .xls name

HTML_TABLE = "<table border=1><tr><td>企业名称</td><td>产值(万元)</td></tr><tr><td>甲矿业</td><td>100</td></tr></table>"
EXCEL_WEB_PAGE = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
    f"<head><meta charset=utf-8></head><body>{HTML_TABLE}</body></html>"
)
XML_2003 = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
    '<Worksheet ss:Name="企业"><Table><Row><Cell><Data ss:Type="String">企业名称</Data></Cell></Row>'
    "</Table></Worksheet></Workbook>"
)
MHT = (
    "MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n"
    'Content-Type: multipart/related; boundary="----=_NextPart_01D9"\r\n\r\n'
    '------=_NextPart_01D9\r\nContent-Type: text/html; charset="utf-8"\r\n\r\n' + EXCEL_WEB_PAGE
)
IE_MHT = "From: <Saved by Windows Internet Explorer 8>\r\nSubject: 企业\r\n" + MHT


@pytest.mark.parametrize(
    "data",
    [
        HTML_TABLE.encode("utf-8"),
        HTML_TABLE.encode("gb18030"),
        b"\xef\xbb\xbf\r\n  " + HTML_TABLE.encode("utf-8"),
        ("<!DOCTYPE html>\n" + EXCEL_WEB_PAGE).encode(),
        EXCEL_WEB_PAGE.upper().encode(),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' + HTML_TABLE).encode("gb2312"),
        ("\ufeff" + EXCEL_WEB_PAGE).encode("utf-16-le"),
        ("\ufeff" + EXCEL_WEB_PAGE).encode("utf-16-be"),
        XML_2003.encode(),
        XML_2003.split("\n", 2)[2].encode(),
        MHT.encode(),
        IE_MHT.encode(),
    ],
    ids=[
        "table", "table_gb18030", "bom_and_space", "doctype", "upper_case", "meta_first", "utf16le", "utf16be",
        "xml_2003", "xml_2003_no_prolog", "mht", "mht_from_ie",
    ],
)  # fmt: skip
def test_a_web_page_or_xml_spreadsheet_named_xls_gets_one_clear_message(data):
    found = check_bytes(data)
    assert found.code == "html_or_xml_spreadsheet"
    assert (found.severity, found.sheet, found.row) == ("error", "", None)
    assert "Save As" in found.message_en and ".xlsx" in found.message_en
    assert "另存为" in found.message_zh
    assert [p.code for p in load_workbook(data).errors] == ["html_or_xml_spreadsheet"]


@pytest.mark.parametrize(
    "data",
    [
        "企业名称,产值(万元)\n甲矿业,100\n".encode(),
        b'<?xml version="1.0"?><note><to>table</to></note>',
        b"<tablet>not a page</tablet>",
        b"hello <table> in the middle of text",
    ],
    ids=["csv", "other_xml", "not_a_tag", "text_first"],
)
def test_other_text_is_not_xlsx(data):
    assert check_bytes(data).code == "not_xlsx"


# Zips: .xlsx, .ods, and the rest

MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>{extra}</manifest:manifest>'
)
CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
    "<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
)


def ods_of(
    content: str | bytes = CONTENT.format(body=""),
    *,
    mimetype: bytes = b"application/vnd.oasis.opendocument.spreadsheet",
    manifest_extra: str = "",
) -> bytes:
    return zip_of(
        [
            ("mimetype", mimetype),
            ("content.xml", content.encode() if isinstance(content, str) else content),
            ("META-INF/manifest.xml", MANIFEST.format(extra=manifest_extra).encode()),
        ]
    )


def test_a_minimal_ods_passes():
    assert check_bytes(ods_of()) is None


@pytest.mark.parametrize(
    "mimetype",
    [
        b"application/vnd.oasis.opendocument.text",
        b"application/vnd.oasis.opendocument.spreadsheet-template",
        b"",
    ],
    ids=["odt", "ots", "blank"],
)
def test_a_zip_that_is_neither_xlsx_nor_ods_is_not_xlsx(mimetype):
    found = check_bytes(ods_of(mimetype=mimetype))
    assert found.code == "not_xlsx"
    assert all(kind in found.message_en for kind in (".xlsx", ".xls", ".ods"))
    assert all(kind in found.message_zh for kind in (".xlsx", ".xls", ".ods"))
    assert check_bytes(zip_of([("readme.txt", b"hello")])).code == "not_xlsx"


def test_an_ods_gets_the_zip_checks():
    dtd = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<x>&a;</x>'
    assert check_bytes(ods_of(dtd)).code == "dtd_forbidden"
    bomb = CONTENT.format(body=" " * (8 * 1024 * 1024))
    found = check_bytes(ods_of(bomb))
    assert (found.code, "content.xml" in found.message_en) == ("compression_ratio", True)
    assert check_bytes(ods_of(), Limits(max_unpacked_mb=0)).code == "unpacked_too_large"


@pytest.mark.slow
def test_an_ods_asking_for_a_far_cell_is_contained_by_the_isolated_child():
    # No declared extent to check: repeat counts put one cell at XFD1048576 from 700 bytes of XML.
    # calamine 0.9 panics on it (a BaseException); the child's death is one error, not the caller's.
    cell = '<table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell>'
    body = (
        '<table:table table:name="企业"><table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row>'
        f'<table:table-cell table:number-columns-repeated="16383"/>{cell}</table:table-row></table:table>'
    )
    namespaces = (
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    )
    data = ods_of(
        CONTENT.format(body=body).replace(
            "<office:document-content ", f"<office:document-content {namespaces}"
        )
    )
    assert check_bytes(data) is None
    result = load_isolated(data, Limits(parse_seconds=60))
    assert result.data is None
    assert result.errors


def test_a_password_protected_ods_gets_the_password_message():
    entry = (
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
        "</manifest:encryption-data></manifest:file-entry>"
    )
    assert check_bytes(ods_of(bytes(range(256)) * 16, manifest_extra=entry)).code == "encrypted"


# The catalogue


def test_the_guard_codes_are_catalogued_errors():
    assert GUARD_CODES.issubset(CATALOGUE)
    assert {CATALOGUE[code][0] for code in GUARD_CODES} == {"error"}
