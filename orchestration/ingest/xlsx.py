"""XLSX workbooks: checked against limits before any parser sees them, parsed once per build.

A workbook is a zip of XML parts; a few kilobytes of it can decompress to gigabytes (a
"shared-strings bomb") or declare a cell at XFD1048576 that makes a reader pad every row to
16,384 columns. So before openpyxl opens a file, `scan()` streams every part once through zlib
with a running byte count (stopping at the limit, never holding a part in memory), counts the
shared strings, finds the largest row and column actually referenced in each sheet, and reads
the first rows of every sheet — enough for detection (headers, the A1 period cell) without
opening the workbook. The scan is cached per content hash for the life of the process, so the
8 loader assets of a build, each asking "is this file mine?", scan a file once; only the asset
that owns the file opens it with openpyxl, once (`open_count()` tells tests and benchmarks).

Over a limit, or a damaged part (bad checksum, broken XML), the file is rejected with a reason
naming the file and the limit; nothing of its content reaches the message. Limits come from
the environment (see `XlsxLimits.from_env`).
"""

from __future__ import annotations

import os
import re
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from orchestration.ingest.errors import FileRejected

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
HEAD_ROWS = 12  # rows of each sheet kept by the scan (header, section and description rows, A1)
_CHUNK = 1 << 20
_CELL_REF = re.compile(rb"<(?:\w{1,20}:)?c\s[^<>]{0,200}?\br=\"([A-Z]{1,7})([0-9]{1,12})\"")
_ROW_REF = re.compile(rb"<(?:\w{1,20}:)?row\s[^<>]{0,200}?\br=\"([0-9]{1,12})\"")
_ROW_TAG = re.compile(rb"<(?:\w{1,20}:)?row[\s>/]")
_SI = re.compile(rb"<(?:\w{1,20}:)?si[\s>/]")
_ERROR_CELL = re.compile(rb"<(?:\w{1,20}:)?c\s[^<>]{0,200}?\bt=\"e\"")


def _complete(data: bytes) -> tuple[bytes, bytes]:
    """Split at the last '<': every tag pattern above lies wholly in the first part or starts in the second."""
    cut = data.rfind(b"<")
    if cut <= 0:
        return (data[:-256], data[-256:]) if len(data) > 256 else (b"", data)
    return data[:cut], data[cut:]


@dataclass(frozen=True)
class XlsxLimits:
    """What one workbook may hold. Environment: TSW_XLSX_MAX_UNZIPPED_MB, TSW_XLSX_MAX_SHARED_STRINGS,
    TSW_XLSX_MAX_ROWS, TSW_XLSX_MAX_COLUMNS."""

    max_unzipped_bytes: int = 1024 * 1024 * 1024
    max_shared_strings: int = 5_000_000
    max_rows: int = 1_048_576  # Excel's own sheet limit
    max_columns: int = 1_024  # real exports have < 100 columns

    @classmethod
    def from_env(cls) -> XlsxLimits:
        def number(name: str, default: int, scale: int = 1) -> int:
            raw = os.environ.get(name)
            if not raw:
                return default
            try:
                return max(1, int(float(raw) * scale))
            except ValueError:
                return default

        d = cls()
        return cls(
            max_unzipped_bytes=number("TSW_XLSX_MAX_UNZIPPED_MB", d.max_unzipped_bytes, 1024 * 1024)
            if os.environ.get("TSW_XLSX_MAX_UNZIPPED_MB") else d.max_unzipped_bytes,
            max_shared_strings=number("TSW_XLSX_MAX_SHARED_STRINGS", d.max_shared_strings),
            max_rows=number("TSW_XLSX_MAX_ROWS", d.max_rows),
            max_columns=number("TSW_XLSX_MAX_COLUMNS", d.max_columns),
        )


@dataclass
class SheetScan:
    title: str
    part: str
    max_row: int = 0
    max_column: int = 0
    head: list[list[str | None]] = field(default_factory=list)  # first HEAD_ROWS rows, as text
    error_cells: int = 0  # cells holding an Excel error (#N/A, #DIV/0!…): calamine reads them as empty


@dataclass
class BookScan:
    sha256: str
    sheets: list[SheetScan]
    unzipped_bytes: int
    shared_strings: int

    def sheet(self, wanted: str | None) -> SheetScan:
        from orchestration.formats import normalize_header

        if wanted:
            for s in self.sheets:
                if normalize_header(s.title) == normalize_header(wanted):
                    return s
        return self.sheets[0]


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _damaged(path: Path, part: str, exc: BaseException | str) -> FileRejected:
    what = exc if isinstance(exc, str) else type(exc).__name__
    return FileRejected(
        path, "damaged_xlsx",
        f"the workbook is damaged: its part {part!r} cannot be read ({what}); the download or copy was probably "
        "corrupted — re-download the export",
    )


def _too_big(path: Path, what: str, found: str, limit: str, env: str) -> FileRejected:
    return FileRejected(
        path, "xlsx_over_limit",
        f"the workbook {what} ({found}, limit {limit}); this is not a normal export (a damaged or hostile file). "
        f"If it is genuine, raise {env} and drop it in again",
    )


class _Budget:
    def __init__(self, path: Path, limits: XlsxLimits):
        self.path, self.limits, self.used = path, limits, 0

    def take(self, n: int) -> None:
        self.used += n
        if self.used > self.limits.max_unzipped_bytes:
            raise _too_big(self.path, "decompresses to more than its size limit",
                           f"over {self.limits.max_unzipped_bytes // (1024 * 1024)} MB",
                           f"{self.limits.max_unzipped_bytes // (1024 * 1024)} MB", "TSW_XLSX_MAX_UNZIPPED_MB")


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, path: Path):
    """Decompressed chunks of one part; checksum and size errors become damaged_xlsx."""
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    return
                budget.take(len(chunk))
                yield chunk
    except FileRejected:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise _damaged(path, info.filename, exc) from exc


def _read_small(zf, name: str, budget: _Budget, path: Path) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    return b"".join(_stream(zf, info, budget, path))


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.rsplit("/", 1)[0].split("/") if "/" in base else []
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _sheet_parts(zf, budget: _Budget, path: Path) -> list[tuple[str, str]]:
    workbook = _read_small(zf, "xl/workbook.xml", budget, path)
    if workbook is None:
        raise _damaged(path, "xl/workbook.xml", "missing")
    rels = _read_small(zf, "xl/_rels/workbook.xml.rels", budget, path) or b""
    try:
        wb_root = ET.fromstring(workbook)
        rel_root = ET.fromstring(rels) if rels else None
    except ET.ParseError as exc:
        raise _damaged(path, "xl/workbook.xml", exc) from exc
    targets = {}
    if rel_root is not None:
        for rel in rel_root:
            targets[rel.get("Id")] = _resolve("xl/workbook.xml", rel.get("Target") or "")
    sheets = []
    for i, sheet in enumerate(wb_root.iter(f"{_NS}sheet"), start=1):
        part = targets.get(sheet.get(f"{_REL_NS}id")) or f"xl/worksheets/sheet{i}.xml"
        sheets.append((sheet.get("name") or f"Sheet{i}", part))
    if not sheets:
        raise _damaged(path, "xl/workbook.xml", "no sheets")
    return sheets


def _count_shared_strings(zf, budget: _Budget, path: Path, limits: XlsxLimits) -> tuple[int, list[str]]:
    """(count, the first strings): the first ones resolve the head rows' shared-string cells."""
    try:
        info = zf.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return 0, []
    count, tail, first = 0, b"", bytearray()
    for chunk in _stream(zf, info, budget, path):
        body, tail = _complete(tail + chunk)
        count += len(_SI.findall(body))
        if count > limits.max_shared_strings:
            raise _too_big(path, "holds too many shared strings", f"over {limits.max_shared_strings:,}",
                           f"{limits.max_shared_strings:,}", "TSW_XLSX_MAX_SHARED_STRINGS")
        if len(first) < 4 * _CHUNK:
            first += chunk
    count += len(_SI.findall(tail))
    if count > limits.max_shared_strings:
        raise _too_big(path, "holds too many shared strings", f"{count:,}", f"{limits.max_shared_strings:,}",
                       "TSW_XLSX_MAX_SHARED_STRINGS")
    return count, _first_strings(bytes(first))


def _first_strings(data: bytes, want: int = 20_000) -> list[str]:
    out: list[str] = []
    parser = ET.XMLPullParser(events=("end",))
    try:
        parser.feed(data)
        for _, elem in parser.read_events():
            if elem.tag == f"{_NS}si":
                out.append("".join(t.text or "" for t in elem.iter(f"{_NS}t")))
                elem.clear()
                if len(out) >= want:
                    break
    except ET.ParseError:
        pass  # a partial prefix ends mid-element; what was read is enough for the head rows
    return out


def _scan_sheet(zf, title: str, part: str, budget: _Budget, path: Path, limits: XlsxLimits,
                strings: list[str]) -> SheetScan:
    try:
        info = zf.getinfo(part)
    except KeyError as exc:
        raise _damaged(path, part, "missing") from exc
    scan = SheetScan(title, part)
    parser: ET.XMLPullParser | None = ET.XMLPullParser(events=("end",))
    rows: dict[int, list[str | None]] = {}
    tail = b""
    row_tags = 0
    def account(body: bytes) -> int:
        letters = max((m.group(1) for m in _CELL_REF.finditer(body)), key=lambda b: (len(b), b), default=b"")
        scan.max_column = max(scan.max_column, _column_number(letters))
        numbers = [int(n) for n in _ROW_REF.findall(body)]
        numbers += [int(m.group(2)) for m in _CELL_REF.finditer(body)] if not numbers else []
        scan.max_row = max([scan.max_row, *numbers])
        scan.error_cells += len(_ERROR_CELL.findall(body))
        return len(_ROW_TAG.findall(body))

    for chunk in _stream(zf, info, budget, path):
        body, tail = _complete(tail + chunk)
        row_tags += account(body)
        if scan.max_column > limits.max_columns:
            raise _too_big(path, f"has more columns than allowed in sheet {title!r}", f"column {scan.max_column:,}",
                           f"{limits.max_columns:,}", "TSW_XLSX_MAX_COLUMNS")
        if max(scan.max_row, row_tags) > limits.max_rows:
            raise _too_big(path, f"has more rows than allowed in sheet {title!r}",
                           f"row {max(scan.max_row, row_tags):,}", f"{limits.max_rows:,}", "TSW_XLSX_MAX_ROWS")
        if parser is not None:
            try:
                parser.feed(chunk)
                for _, elem in parser.read_events():
                    if elem.tag == f"{_NS}row":
                        number = int(elem.get("r") or (max(rows) + 1 if rows else 1))
                        if number > HEAD_ROWS:
                            parser = None
                            break
                        rows[number] = _row_values(elem, strings)
                        elem.clear()
            except (ET.ParseError, ValueError) as exc:
                raise _damaged(path, part, exc) from exc
    row_tags += account(tail)
    scan.max_row = max(scan.max_row, row_tags)
    if parser is not None:
        try:
            parser.close()
        except ET.ParseError as exc:
            raise _damaged(path, part, exc) from exc
    if scan.max_column > limits.max_columns:
        raise _too_big(path, f"has more columns than allowed in sheet {title!r}", f"column {scan.max_column:,}",
                       f"{limits.max_columns:,}", "TSW_XLSX_MAX_COLUMNS")
    if scan.max_row > limits.max_rows:
        raise _too_big(path, f"has more rows than allowed in sheet {title!r}", f"row {scan.max_row:,}",
                       f"{limits.max_rows:,}", "TSW_XLSX_MAX_ROWS")
    last = max(rows) if rows else 0
    scan.head = [rows.get(i, []) for i in range(1, min(last, HEAD_ROWS) + 1)]
    return scan


def _row_values(row, strings: list[str]) -> list[str | None]:
    values: list[str | None] = []
    for position, cell in enumerate(row.iter(f"{_NS}c")):
        ref = cell.get("r")
        col = _column_number(re.match(r"[A-Z]+", ref).group(0).encode()) - 1 if ref else position
        while len(values) < col:
            values.append(None)
        kind = cell.get("t")
        text: str | None
        if kind == "inlineStr":
            text = "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
        else:
            v = cell.find(f"{_NS}v")
            text = v.text if v is not None else None
            if kind == "s" and text is not None:
                idx = int(text)
                text = strings[idx] if idx < len(strings) else None
        values.append(text)
    return values


def _scan(path: Path, sha: str, limits: XlsxLimits) -> BookScan:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(path, "(zip directory)", exc) from exc
    with zf:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unzipped_bytes:
            raise _too_big(path, "declares more decompressed data than its size limit",
                           f"{declared / 1024 / 1024:,.0f} MB", f"{limits.max_unzipped_bytes // (1024 * 1024)} MB",
                           "TSW_XLSX_MAX_UNZIPPED_MB")
        budget = _Budget(path, limits)
        sheet_parts = _sheet_parts(zf, budget, path)
        count, strings = _count_shared_strings(zf, budget, path, limits)
        sheets = [_scan_sheet(zf, title, part, budget, path, limits, strings) for title, part in sheet_parts]
        # Every other part too (styles, themes, …): openpyxl reads some of them, so they count.
        done = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"} | {p for _, p in sheet_parts}
        for info in infos:
            if info.filename not in done and not info.is_dir():
                for _ in _stream(zf, info, budget, path):
                    pass
        return BookScan(sha, sheets, budget.used, count)


_SCANS: OrderedDict[str, BookScan] = OrderedDict()
_LOCK = threading.Lock()
_OPENS = {"n": 0}


def scan(path: Path, sha: str, limits: XlsxLimits | None = None) -> BookScan:
    """The workbook's scan (limits checked, head rows read), once per content hash per process."""
    limits = limits or XlsxLimits.from_env()
    key = f"{sha}:{limits}"
    with _LOCK:
        if key in _SCANS:
            _SCANS.move_to_end(key)
            return _SCANS[key]
    result = _scan(path, sha, limits)
    with _LOCK:
        _SCANS[key] = result
        while len(_SCANS) > 256:
            _SCANS.popitem(last=False)
    return result


def open_workbook(path: Path):
    """openpyxl's read-only workbook; only after `scan` passed. Any failure is a damaged file."""
    import openpyxl

    _OPENS["n"] += 1
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged archives
        raise _damaged(path, "(workbook)", exc) from exc


def open_calamine(path: Path):
    """python-calamine's workbook (the whole sheet is read into memory when asked for); only after `scan` passed."""
    import python_calamine

    _OPENS["n"] += 1
    return python_calamine.CalamineWorkbook.from_path(str(path))


def open_count() -> int:
    """Workbooks opened by a parser (openpyxl or python-calamine) in this process (scans excluded)."""
    return _OPENS["n"]
