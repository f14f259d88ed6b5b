"""The byte guard: refuses a hostile or broken upload before any spreadsheet parser sees its bytes.

It passes three kinds of workbook, which the reader (calamine) reads alike: an .xlsx (a zip with
``xl/workbook.xml``), an .ods (a zip whose ``mimetype`` names an OpenDocument spreadsheet) and an .xls
(an OLE2 compound file holding a BIFF ``Workbook`` or ``Book`` stream). Everything else, and any of these
that is encrypted, damaged or built to cost the server, gets one clear refusal.
"""

from __future__ import annotations

import io
import operator
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from xml.parsers import expat

import olefile

# References hold at most three letters (ZZZ = 18278), within what get_column_letter spells.
from openpyxl.utils import get_column_letter

from chain.problems import Problem, problem
from chain.settings import Limits

__all__ = ["GUARD_CODES", "Inspection", "check_bytes", "inspect_bytes", "refusal", "sheet_extent"]

#: Every code :func:`check_bytes` may refuse an upload with.
GUARD_CODES = frozenset(
    {
        "file_empty",
        "file_too_large",
        "not_xlsx",
        "encrypted",
        "html_or_xml_spreadsheet",
        "zip_corrupt",
        "unpacked_too_large",
        "compression_ratio",
        "dtd_forbidden",
        "sheet_too_large",
    }
)

MB = 1024 * 1024
#: First bytes of an OLE2 compound file: a legacy .xls, an xlsx encrypted by Excel, or a Word/PowerPoint file.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: OLE2 streams that hold a BIFF workbook: "Workbook" (Excel 97 and later), "Book" (Excel 5/95).
BIFF_STREAMS = ("Workbook", "Book")
#: OLE2 streams of an OOXML workbook encrypted with a password (MS-OFFCRYPTO).
ENCRYPTION_STREAMS = ("EncryptionInfo", "EncryptedPackage")
#: BIFF record types: FILEPASS (the rest of the stream is encrypted) and EOF (end of the globals substream).
BIFF_FILEPASS = 0x002F
BIFF_EOF = 0x000A
#: Bytes of the BIFF globals searched for FILEPASS, which comes right after the first BOF record.
BIFF_WINDOW = 64 * 1024
#: FAT sectors an OLE2 header may declare beyond what its file's sectors need (writers round up).
OLE_FAT_SLACK = 16
#: Directory entries an OLE2 file may have. A workbook has a handful (hundreds with macros and embedded
#: objects); olefile builds an object per entry, about 20 µs each, so 400,000 would cost the server seconds.
MAX_OLE_ENTRIES = 16_384
#: The ``mimetype`` member of an OpenDocument spreadsheet.
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: First bytes read to recognise a web page or an XML spreadsheet saved with an .xls name.
WEB_WINDOW = 8 * 1024
#: A real workbook has tens to hundreds of zip members; millions would only cost the server memory.
MAX_MEMBERS = 10_000
#: Members smaller than this unpack to too little to hurt, whatever their compression ratio.
RATIO_FLOOR = 1 * MB
#: Bytes of each XML member read to find a DTD and the root element (a real prolog is ~100 bytes).
PROLOG_WINDOW = 64 * 1024
#: Bytes of a worksheet read to reach its <dimension>, which precedes <sheetData>.
DIMENSION_WINDOW = 256 * 1024
#: Worksheets up to this size are scanned whole for their farthest cell (a lying or absent <dimension>).
SCAN_SHEET_BYTES = 2 * MB
#: Total worksheet bytes scanned whole per upload (about 0.1 s a MB): bigger sheets are judged by their
#: <dimension>, and a lie in one of them is caught by the isolated parse instead.
SCAN_TOTAL_BYTES = 8 * MB
#: Workbook part and relationships are small; a bigger one is read no further than this.
PART_WINDOW = 8 * MB
CHUNK = 16 * 1024

# The text of a DTD in the encodings an XML member may use (utf-8 and utf-16 of either byte order).
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!doctype", "<!entity")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
# No whitespace is required before ``r``: a pattern that starts with the literal ``r=`` lets the regex engine
# jump from one to the next, twice as fast over a sheet; an attribute whose name merely ends in r can only
# raise the extent found, never hide a cell.
_REF = re.compile(rb"""r=["']([A-Za-z]{0,3})([0-9]{1,9})["']""")
# An HTML page's first tags; a table alone is what many systems export as ".xls".
_HTML = re.compile(rb"<(?:html|table|body|head)[\s>]|<!doctype\s+html", re.IGNORECASE)
# The namespace of Excel's XML Spreadsheet 2003 (and of the tables in Excel's own web pages).
_XML_SPREADSHEET = b"urn:schemas-microsoft-com:office:spreadsheet"
# The fixed fields of an OLE2 header (MS-CFB 2.2), as olefile reads them.
_OLE_HEADER = struct.Struct("<8s16sHHHHHHLLLLLLLLLL")
_BIFF_RECORD = struct.Struct("<HH")
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})")


class _Refused(Exception):
    """Carries the problem that refuses the upload out of nested reading code."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.code)
        self.problem = found


class _RootReached(Exception):
    """Stops a prefix parse once the XML element the caller wanted has been seen."""


@dataclass
class _Scan:
    """Budget of whole-sheet scanning left for this upload, and where to keep the sheets read whole."""

    left: int = SCAN_TOTAL_BYTES
    #: Zip member -> its XML, for each worksheet read whole (None: not kept).
    kept: dict[str, bytes] | None = None


@dataclass(frozen=True)
class Inspection:
    """The guard's verdict on an upload and, when it passes, the worksheets it unpacked whole on the way.

    The loader looks at those again for what calamine does not tell (formula and error cells, hidden rows,
    % formats): handed over, each is unpacked once per load instead of twice.
    """

    #: The refusal, as :func:`check_bytes` gives it; None when a parser may read the bytes.
    problem: Problem | None
    #: Zip member -> its XML, for the worksheets read whole (small ones, see ``SCAN_SHEET_BYTES``); empty
    #: when refused, or for an .xls or .ods.
    sheets: Mapping[str, bytes] = field(default_factory=dict)


def refusal(errors: Sequence[Problem]) -> Problem | None:
    """The guard's refusal among a load's errors (a refused file has it as its only error), else None: how a
    page tells "refused before any parser" from "read, with errors" without running the guard again.

    >>> refusal([check_bytes(b"")]).code, refusal([])
    ('file_empty', None)
    """
    return errors[0] if len(errors) == 1 and errors[0].code in GUARD_CODES else None


def check_bytes(data: bytes, limits: Limits = Limits()) -> Problem | None:
    """The problem that refuses ``data`` as an upload, or None when a parser may safely read it.

    An .xlsx, .ods or .xls passes (see the module docstring). For a zip it reads only the directory, a
    bounded prefix of each XML member, and whole worksheets only when they are small; for an OLE2 file,
    its directory and the start of the workbook stream; never raises. Refusals concern the whole file:
    their ``sheet`` is "" (or, for ``sheet_too_large``, the sheet's display name) and row and column are
    None; their code is one of :data:`GUARD_CODES`.

    >>> check_bytes(b"").code
    'file_empty'
    >>> check_bytes(b"name,output\\n").code
    'not_xlsx'
    >>> check_bytes(b"\\xef\\xbb\\xbf <table><tr><td>1</td></tr></table>").code
    'html_or_xml_spreadsheet'
    """
    return _answer(data, limits, None)


def inspect_bytes(data: bytes, limits: Limits = Limits()) -> Inspection:
    """:func:`check_bytes`, keeping the worksheets it unpacked whole for the loader (:class:`Inspection`).

    >>> inspect_bytes(b"").problem.code, inspect_bytes(b"").sheets
    ('file_empty', {})
    """
    kept: dict[str, bytes] = {}
    found = _answer(data, limits, kept)
    return Inspection(found, {} if found is not None else kept)


def _answer(data: bytes, limits: Limits, kept: dict[str, bytes] | None) -> Problem | None:
    try:
        return _check(data, limits, kept)
    except _Refused as refused:
        return refused.problem
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        KeyError,
        NotImplementedError,
    ) as exc:
        # NotImplementedError: a compression method zipfile (and so likely the reader) does not support.
        return problem("zip_corrupt", "", detail=_detail(exc))
    except RuntimeError as exc:
        # zipfile raises RuntimeError for a member that needs a password.
        if "password" in str(exc).lower() or "encrypted" in str(exc).lower():
            return problem("encrypted", "")
        return problem("zip_corrupt", "", detail=_detail(exc))
    except Exception as exc:  # the guard must answer for any bytes, never take the caller down
        return problem("zip_corrupt", "", detail=_detail(exc))


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """The farthest row and column (1-based) that any ``r="..."`` reference in sheet XML names.

    >>> sheet_extent(b'<row r="3"><c r="B3"/><c r="AA2"/></row>')
    (3, 27)
    """
    refs = _REF.findall(xml)
    # Each row number recurs once a cell: only the distinct ones are converted (a tenth of them, or less).
    rows = max(map(int, set(map(operator.itemgetter(1), refs))), default=0)
    letters = set(map(operator.itemgetter(0), refs)) - {b""}
    return rows, max(map(_column_number, letters), default=0)


def _check(data: bytes, limits: Limits, kept: dict[str, bytes] | None = None) -> Problem | None:
    if not data:
        return problem("file_empty", "")
    size = len(data)
    if size > limits.max_file_mb * MB:
        return problem("file_too_large", "", size_mb=size / MB, limit_mb=limits.max_file_mb)
    if data.startswith(OLE_MAGIC):
        return _check_ole(data)
    if not data.startswith(b"PK"):
        return problem("html_or_xml_spreadsheet" if _is_web_page(data) else "not_xlsx", "")
    # Counted on the raw bytes, before zipfile builds one object per central-directory entry.
    members = data.count(b"PK\x01\x02")
    if members > MAX_MEMBERS:
        return problem("zip_corrupt", "", detail=f"{members:,} zip members")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            ods = False
        elif _is_ods(archive, names):
            ods = True
        else:
            return problem("not_xlsx", "")
        if any(info.flag_bits & 0x1 for info in infos) or (ods and _ods_encrypted(archive, names)):
            return problem("encrypted", "")
        unpacked = sum(info.file_size for info in infos)
        if unpacked > limits.max_unpacked_mb * MB:
            return problem("unpacked_too_large", "", size_mb=unpacked / MB, limit_mb=limits.max_unpacked_mb)
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
                return problem(
                    "compression_ratio", "", member=info.filename, ratio=ratio, limit=limits.max_ratio
                )
        for info in infos:
            if not info.is_dir():
                _refuse_dtd(archive, info)
        if ods:
            # The sheet checks below read xlsx parts. An .ods has no declared extent to check: its rows
            # and cells carry repeat counts (number-rows-repeated, number-columns-repeated), so a tiny
            # content.xml can ask the reader for millions of cells. The isolated child's memory and time
            # limits (Limits.parse_memory_mb, parse_seconds) are what bound that.
            return None
        sheets = _sheet_names(archive)
        scan = _Scan(kept=kept)
        for info in infos:
            if info.filename in sheets:
                _check_sheet(archive, info, sheets[info.filename], limits, scan)
    return None


def _is_ods(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """Whether a zip is an OpenDocument spreadsheet: its ``mimetype`` member says so."""
    if "mimetype" not in names:
        return False
    with archive.open("mimetype") as stream:
        return stream.read(len(ODS_MIMETYPE) + 64).strip() == ODS_MIMETYPE


def _ods_encrypted(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """Whether an .ods is saved with a password: its manifest then describes how each part is encrypted."""
    if "META-INF/manifest.xml" not in names:
        return False
    with archive.open("META-INF/manifest.xml") as stream:
        return b"encryption-data" in stream.read(PART_WINDOW)


def _check_ole(data: bytes) -> Problem | None:
    """An OLE2 compound file passes when it holds a BIFF workbook (.xls) that is not encrypted."""
    _refuse_ole_header(data)
    # Strict: a defect that olefile would otherwise log and read past (a stream longer than the file, a
    # mini stream larger than its table) is an error, so no read here exceeds the file's own size.
    with _CompoundFile(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        if any(ole.exists(name) for name in ENCRYPTION_STREAMS):
            return problem("encrypted", "")
        stream = next((n for n in BIFF_STREAMS if ole.get_type(n) == olefile.STGTY_STREAM), None)
        if stream is None:
            # A Word or PowerPoint file, an Outlook message: a compound file, but not a workbook.
            return problem("not_xlsx", "")
        with ole.openstream(stream) as biff:
            if _biff_encrypted(biff.read(BIFF_WINDOW)):
                return problem("encrypted", "")
    return None


class _CompoundFile(olefile.OleFileIO):
    """olefile's reader, refusing a directory of more than MAX_OLE_ENTRIES before it builds the tree."""

    def loaddirectory(self, sect: int) -> None:
        # Called once the FAT is loaded: the directory's length is the length of its chain of sectors.
        limit = MAX_OLE_ENTRIES * 128 // self.sectorsize
        sectors, current = 0, sect
        while 0 <= current < len(self.fat) and sectors <= limit:
            sectors += 1
            current = self.fat[current]
        if sectors > limit:
            detail = f"an OLE2 directory of over {MAX_OLE_ENTRIES:,} entries"
            raise _Refused(problem("zip_corrupt", "", detail=detail))
        super().loaddirectory(sect)


def _refuse_ole_header(data: bytes) -> None:
    """Refuse an OLE2 header whose allocation tables could not fit in the file.

    olefile loads every FAT sector the header and its DIFAT chain declare, concatenating as it goes; a
    hostile header declaring millions of them (over a looping DIFAT chain) would cost the server minutes
    and gigabytes. A real file needs one FAT sector per ``sector_size / 4`` sectors it has.
    """
    if len(data) < _OLE_HEADER.size:
        raise _Refused(problem("zip_corrupt", "", detail="the OLE2 header is incomplete"))
    fields = _OLE_HEADER.unpack_from(data)
    sector_shift, fat_sectors = fields[5], fields[10]
    if sector_shift not in (9, 12):
        raise _Refused(problem("zip_corrupt", "", detail=f"OLE2 sector shift {sector_shift}"))
    sector_size = 1 << sector_shift
    sectors = -(-len(data) // sector_size) - 1
    needed = -(-sectors // (sector_size // 4))
    # Up to 109 FAT sectors are listed in the header itself: those cost at most 109 sector reads.
    if fat_sectors > max(109, needed + OLE_FAT_SLACK):
        detail = f"the OLE2 header declares {fat_sectors:,} FAT sectors for {sectors:,} sectors"
        raise _Refused(problem("zip_corrupt", "", detail=detail))


def _biff_encrypted(globals_start: bytes) -> bool:
    """Whether a BIFF stream's globals carry FILEPASS: the workbook is encrypted with a password.

    >>> _biff_encrypted(bytes.fromhex("0908 0400 0006 0500" "2f00 0200 0000" "0a00 0000"))
    True
    >>> _biff_encrypted(bytes.fromhex("0908 0400 0006 0500" "0a00 0000" "2f00 0000"))
    False
    """
    position = 0
    while position + _BIFF_RECORD.size <= len(globals_start):
        kind, length = _BIFF_RECORD.unpack_from(globals_start, position)
        if kind == BIFF_FILEPASS:
            return True
        if kind == BIFF_EOF:
            return False
        position += _BIFF_RECORD.size + length
    return False


def _is_web_page(data: bytes) -> bool:
    """Whether the file is an HTML page, a web archive (.mht) or an Excel 2003 XML spreadsheet.

    Government systems often export these with an .xls name; Excel and WPS open them, calamine does not.
    """
    head = data[:WEB_WINDOW]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8", "replace")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"mime-version:") or (
        b"\nmime-version:" in head[:2048] and b"multipart/related" in head
    ):
        return True
    return head.startswith(b"<") and (_HTML.search(head) is not None or _XML_SPREADSHEET in head)


def _refuse_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a member whose prolog declares a DTD (entity expansion, external entities)."""
    with archive.open(info) as stream:
        head = stream.read(PROLOG_WINDOW)
    lowered = head.lower()
    if any(marker in lowered for marker in _DTD_MARKERS):
        raise _Refused(problem("dtd_forbidden", "", member=info.filename))
    if not _looks_like_xml(head):
        return
    # Expat reads the prolog in whatever encoding it declares; a DTD must come before the root element.
    parser = _parser(info.filename)

    def root(_name: str, _attrs: dict[str, str]) -> None:
        raise _RootReached

    parser.StartElementHandler = root
    try:
        parser.Parse(head, len(head) < PROLOG_WINDOW)
    except _RootReached:
        return
    except expat.ExpatError:
        # Malformed XML is the parser's to report; the byte search above has ruled out a DTD.
        return
    if len(head) == PROLOG_WINDOW:
        # No root element within 64 KB: only a padded, hostile prolog looks like this.
        raise _Refused(problem("dtd_forbidden", "", member=info.filename))


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member path -> the sheet's display name, from xl/workbook.xml and its relationships."""
    targets: dict[str, str] = {}

    def relationship(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and "Id" in attrs and "Target" in attrs:
            targets[attrs["Id"]] = attrs["Target"]

    names: list[tuple[str, str]] = []

    def sheet(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet":
            rid = next((value for key, value in attrs.items() if _local(key) == "id"), "")
            names.append((rid, attrs.get("name", "")))

    _parse_part(archive, "xl/_rels/workbook.xml.rels", relationship)
    _parse_part(archive, "xl/workbook.xml", sheet)
    sheets: dict[str, str] = {}
    for rid, title in names:
        target = targets.get(rid)
        if target is None:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        sheets[path] = title
    # A worksheet the relationships don't name is still checked, under its member path.
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and name not in sheets:
            sheets[name] = name
    return sheets


def _parse_part(
    archive: zipfile.ZipFile, member: str, on_start: Callable[[str, dict[str, str]], None]
) -> None:
    """Feed a small XML part to expat, bounded in bytes; a malformed part is left to the parser."""
    try:
        info = archive.getinfo(member)
    except KeyError:
        return
    parser = _parser(member)
    parser.StartElementHandler = on_start
    read = 0
    with archive.open(info) as stream:
        try:
            while read < PART_WINDOW:
                chunk = stream.read(CHUNK)
                read += len(chunk)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
        except expat.ExpatError:
            return


def _check_sheet(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, title: str, limits: Limits, scan: _Scan
) -> None:
    """Refuse a worksheet that declares, or holds, more cells than ``max_cells_per_sheet``."""
    dimension = _dimension(archive, info)
    if dimension:
        rows, cols = _range_end(dimension)
        _refuse_cells(title, dimension, rows, cols, limits)
    # A small sheet is scanned whole, so that an absent or lying <dimension> cannot hide a far cell.
    if info.file_size <= min(SCAN_SHEET_BYTES, scan.left):
        scan.left -= info.file_size
        with archive.open(info) as stream:
            xml = stream.read(SCAN_SHEET_BYTES + 1)
        rows, cols = sheet_extent(xml)
        end = f"A1:{get_column_letter(max(cols, 1))}{max(rows, 1)}"
        _refuse_cells(title, end, rows, cols, limits)
        # Kept only as the member a reader gets by its name (of two members of one name, the last).
        if scan.kept is not None and archive.getinfo(info.filename) is info:
            scan.kept[info.filename] = xml


def _dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """The ``ref`` of a worksheet's <dimension>, read from a bounded prefix; "" when it has none."""
    found: list[str] = []
    parser = _parser(info.filename)

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "dimension":
            found.append(attrs.get("ref", ""))
            raise _RootReached
        if local == "sheetData":
            raise _RootReached

    parser.StartElementHandler = start
    read = 0
    with archive.open(info) as stream:
        try:
            while read < DIMENSION_WINDOW:
                chunk = stream.read(CHUNK)
                read += len(chunk)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
        except (_RootReached, expat.ExpatError):
            pass
    return found[0] if found else ""


def _refuse_cells(title: str, dimension: str, rows: int, cols: int, limits: Limits) -> None:
    # Readers fill the grid from A1, so the cost is the far corner's row times its column.
    cells = rows * cols
    if cells > limits.max_cells_per_sheet:
        raise _Refused(
            problem(
                "sheet_too_large",
                title,
                dimension=dimension,
                cells=cells,
                limit=limits.max_cells_per_sheet,
            )
        )


def _range_end(ref: str) -> tuple[int, int]:
    """Row and column of the far corner of a range such as ``A1:XFD1048576``; out-of-grid values cap."""
    corners = [_CELL.fullmatch(part.strip()) for part in ref.split(":")]
    rows = cols = 0
    for corner in corners:
        if corner is None:
            continue
        rows = max(rows, int(corner.group(2)))
        cols = max(cols, _column_number(corner.group(1)))
    return rows, cols


def _column_number(letters: str | bytes) -> int:
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    number = 0
    for letter in text.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _parser(member: str) -> expat.XMLParserType:
    """An expat parser that refuses any DTD in ``member`` instead of reading it."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(*_args: object) -> None:
        raise _Refused(problem("dtd_forbidden", "", member=member))

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    return parser


def _local(name: str) -> str:
    """The local part of an expat name ('namespace local' with our separator, or 'prefix:local')."""
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


def _looks_like_xml(head: bytes) -> bool:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _detail(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]
