"""Turning a file on disk into something DuckDB can read, without guessing from its name.

- `sniff()` reads the file once: content hash, container (xlsx zip / text / binary), text
  encoding (UTF-8 with or without BOM, else Windows-1252) and the delimiter of the header line.
- `utf8_copy()` transcodes a Cp1252 or UTF-16 (with byte-order mark) file to UTF-8 in 1 MiB chunks (DuckDB 2.0's CSV reader only
  knows utf-8, latin-1 and utf-16; latin-1 would turn Cp1252's curly quotes and € into control
  characters, so it is not used).
- `read_xlsx()` reads a sheet into an Arrow table of strings with python-calamine (a sheet of up to 4M cells
  whose values it renders as openpyxl does) or by streaming it with openpyxl in read-only mode, after
  `xlsx.scan()` checked the workbook against its limits (detection uses the scan only).
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import os
import stat
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.formats import FormatDefinition, XlsxLayout, normalize_header
from orchestration.ingest import xlsx
from orchestration.ingest.errors import FileRejected

if TYPE_CHECKING:  # pyarrow (~0.3 s) only for a workbook
    import pyarrow as pa

CHUNK = 1 << 20
_BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class FileInfo:
    path: Path
    sha256: str
    size: int
    container: str  # "xlsx" | "text"
    encoding: str | None = None  # "utf-8" | "cp1252" for text
    has_bom: bool = False
    delimiter: str | None = None
    headers: tuple[str, ...] = ()
    preamble_lines: int = 0  # physical lines before the header (report preamble), skipped by the reader

    @property
    def extension(self) -> str:
        return self.path.suffix.lower().lstrip(".") or ("xlsx" if self.container == "xlsx" else "csv")


def open_regular(path: Path):
    """Open for reading only if `path` is a regular file: a link is not followed (O_NOFOLLOW) and a pipe
    never blocks (O_NONBLOCK, then fstat on the open descriptor, so a swap after a check is caught too)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO, errno.EISDIR):
            raise FileRejected(path, "not_a_regular_file", "this is not a regular file (a link, folder or pipe); "
                               "copy the export file itself into the inbox") from exc
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise FileRejected(path, "not_a_regular_file", "this is not a regular file (a link, folder or pipe); "
                           "copy the export file itself into the inbox")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


_SHA_BY_STAT: dict[tuple, str] = {}


def content_sha256(path: Path) -> str:
    """sha256 of the file, remembered per (device, inode, size, mtime) for the life of the process:
    the 8 loader assets of a build ask about the same files."""
    st = os.stat(path)
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    sha = _SHA_BY_STAT.get(key)
    if sha is None:
        sha = file_sha256(path)
        if len(_SHA_BY_STAT) > 10_000:
            _SHA_BY_STAT.clear()
        _SHA_BY_STAT[key] = sha
    return sha


def peek(path: Path) -> FileInfo:
    """Container, encoding guess and header line from the first 64 KiB only (no hash): for detection."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(path, "empty_file", "the file is empty (0 bytes); re-download the export")
    with open_regular(path) as fh:
        head = fh.read(65536)
    if head.startswith(b"PK\x03\x04"):
        return FileInfo(path, "", size, "xlsx")
    utf16 = _utf16_encoding(head)
    if utf16:
        text = head[: len(head) - len(head) % 2].decode(utf16, errors="ignore").removeprefix("\ufeff")
        delimiter, headers, preamble = _header_line(text)
        return FileInfo(path, "", size, "text", utf16, True, delimiter, tuple(headers), preamble)
    if b"\x00" in head:
        raise FileRejected(path, "binary_file", "the file is binary (contains NUL bytes), not a CSV/TSV/XLSX export")
    try:
        text = head.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the 64 KiB boundary is not an encoding problem.
        if exc.start >= len(head) - 4:
            text, encoding = head[: exc.start].decode("utf-8"), "utf-8"
        else:
            text, encoding = head.decode("cp1252", errors="replace"), "cp1252"
    text = text.removeprefix("\ufeff")
    if _looks_binary(text):
        raise FileRejected(path, "binary_file", "the file is binary (control characters in the header), not an export")
    delimiter, headers, preamble = _header_line(text)
    return FileInfo(path, "", size, "text", encoding, head.startswith(_BOM), delimiter, tuple(headers), preamble)


def sniff(path: Path, progress=None) -> FileInfo:
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(path, "empty_file", "the file is empty (0 bytes); re-download the export")
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        utf16 = _utf16_encoding(fh.read(4))
    # UTF-16 exports (Excel's "Unicode text") carry a byte-order mark; they are checked as UTF-16 instead.
    decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8")()
    utf8_ok = True
    has_nul = False
    head = b""
    done = 0
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            if len(head) < 65536:
                head += chunk[: 65536 - len(head)]
            if b"\x00" in chunk and not utf16:
                has_nul = True
            if utf8_ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            done += len(chunk)
            if progress:
                progress(done, size)
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    sha = digest.hexdigest()

    if head.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(path):
            raise FileRejected(path, "damaged_xlsx", "the file starts like an XLSX workbook but the archive is damaged")
        return FileInfo(path, sha, size, "xlsx")
    if has_nul:
        raise FileRejected(
            path, "binary_file", "the file is binary (contains NUL bytes), not a CSV/TSV/XLSX export"
        )
    has_bom = head.startswith(_BOM) or bool(utf16)
    if utf16:
        if not utf8_ok:
            raise FileRejected(path, "unknown_encoding",
                               "the file starts with a UTF-16 byte-order mark but is not valid UTF-16 text")
        encoding = utf16
        head = head[: len(head) - len(head) % 2]
        if "\x00" in head.decode(utf16, errors="ignore"):
            raise FileRejected(path, "binary_file", "the file is binary (contains NUL characters), not an export")
    elif utf8_ok:
        encoding = "utf-8"
    else:
        encoding = "cp1252"
        try:
            _check_cp1252(path)
        except UnicodeDecodeError as exc:
            raise FileRejected(
                path, "unknown_encoding", f"the file is neither UTF-8 nor Windows-1252 text (byte offset {exc.start})"
            ) from exc
    text = head.decode(encoding, errors="ignore")
    text = text.removeprefix("\ufeff")
    delimiter, headers, preamble = _header_line(text)
    if _looks_binary(text):
        raise FileRejected(path, "binary_file", "the file is binary (control characters in the header), not an export")
    return FileInfo(path, sha, size, "text", encoding, has_bom, delimiter, tuple(headers), preamble)


def _utf16_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF16_LE) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    return None


def _check_cp1252(path: Path) -> None:
    decoder = codecs.getincrementaldecoder("cp1252")()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            decoder.decode(chunk)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return bad > max(2, len(sample) // 100)


PREAMBLE_MAX_LINES = 20


def _header_line(text: str) -> tuple[str, list[str], int]:
    """Pick the delimiter that splits the header record into the most fields (quotes respected).

    Report preamble: records of at most one non-empty cell before a wider record (Amazon's
    Transaction report opens with ~7 quoted sentences such as "All amounts in USD, unless
    specified") are not the header. Returns (delimiter, header cells, physical lines before the
    header), so the reader can skip exactly those lines.
    """
    best: tuple[str, list[str], int] = (",", [], 0)
    for delimiter in ("\t", ",", ";"):
        reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
        lines_before, header = 0, None
        try:
            for i, row in enumerate(reader):
                if sum(1 for cell in row if cell.strip()) > 1 or i >= PREAMBLE_MAX_LINES:
                    header = row
                    break
                lines_before = reader.line_num
        except csv.Error:
            continue
        if header is None or sum(1 for cell in header if cell.strip()) <= 1:
            # No wider record: the first record is the header (single-column files stay as they were).
            try:
                header, lines_before = next(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')), 0
            except (StopIteration, csv.Error):
                continue
        if len(header) > len(best[1]):
            best = (delimiter, header, lines_before)
    return best[0], [h.strip() for h in best[1]], best[2]


def utf8_copy(info: FileInfo, target: Path) -> Path:
    """Stream-transcode a Cp1252 file to UTF-8 (keeps memory flat on large files)."""
    codec = info.encoding or "utf-8"
    # "utf-16" reads the byte-order mark and drops it; the copy is plain UTF-8 without one.
    decoder = codecs.getincrementaldecoder("utf-16" if codec.startswith("utf-16") else codec)()
    with open_regular(info.path) as src, open(target, "w", encoding="utf-8", newline="") as dst:
        dst.writelines(decoder.decode(chunk) for chunk in iter(lambda: src.read(CHUNK), b""))
        dst.write(decoder.decode(b"", final=True))
    return target


# ---------------------------------------------------------------- XLSX


def _pick_sheet(wb, layout: XlsxLayout | None):
    if layout and layout.sheet:
        for name in wb.sheetnames:
            if normalize_header(name) == normalize_header(layout.sheet):
                return wb[name]
    return wb[wb.sheetnames[0]]


def cell_text(value, number_format: str | None = None) -> str | None:
    """Render an Excel cell as the text the CSV export would have held.

    Integral floats print without ".0"; floats of 16+ digits print in scientific notation, which
    is exactly the damage the ID parser reports (Excel keeps 15 significant digits).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and number_format and "%" in number_format:
        # A percentage cell stores the fraction (0.0411) and only displays "4.11%".
        return f"{round(value * 100, 10):g}%"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)


@dataclass
class XlsxHeader:
    sheet: str
    headers: list[str]
    period_text: str | None


def _flatten_sections(section_row: list, metric_row: list) -> list[str]:
    headers, current = [], None
    for i, metric in enumerate(metric_row):
        section = section_row[i] if i < len(section_row) else None
        if section not in (None, ""):
            current = str(section).strip()
        metric_text = "" if metric is None else str(metric).strip()
        # Identifier columns sit before the first section: they keep their plain names.
        headers.append(f"{current} / {metric_text}" if current and metric_text else metric_text)
    return headers


def xlsx_headers(path: Path, layout: XlsxLayout, sha: str | None = None) -> XlsxHeader:
    """Header (and section / period) cells of the layout's sheet, from the workbook's scan: no parser opens
    the file for detection, and a file over a limit is refused before anything reads it."""
    book = xlsx.scan(path, sha or content_sha256(path))
    sheet = book.sheet(layout.sheet)
    max_row = max(layout.header_row, layout.section_row or 0)
    rows = [list(r) for r in sheet.head[:max_row]]
    while len(rows) < max_row:
        rows.append([])
    metric_row = [cell_text(v) or "" for v in rows[layout.header_row - 1]]
    if layout.section_row:
        section_row = [cell_text(v) for v in rows[layout.section_row - 1]]
        headers = _flatten_sections(section_row, metric_row)
    else:
        headers = [h.strip() for h in metric_row]
    period_text = None
    if layout.period_cell:
        col = ord(layout.period_cell[0].upper()) - 64
        row = int(layout.period_cell[1:])
        head = sheet.head
        if row <= len(head) and col <= len(head[row - 1]):
            period_text = cell_text(head[row - 1][col - 1])
    while headers and not headers[-1]:
        headers.pop()
    return XlsxHeader(sheet.title, headers, period_text)


def _is_description_row(values: list[str | None], fmt: FormatDefinition, mapping: dict[str, int]) -> bool:
    """A row of column descriptions: texts, and the key columns do not hold values of their type."""
    texts = [v for v in values if v and v.strip()]
    if not texts:
        return False
    key_cols = [c for c in fmt.natural_key if c in mapping]
    for name in key_cols:
        v = values[mapping[name]] if mapping[name] < len(values) else None
        if v and fmt.column(name).type == "id" and any(ch.isdigit() for ch in v) and " " not in v:
            return False
    sentence_like = sum(1 for v in texts if " " in v.strip())
    return sentence_like >= max(1, len(texts) // 2)


# A sheet of up to this many cells (the scanned extent, rows x columns) is read by python-calamine (Rust: ~14x
# less CPU than openpyxl, benchmarks/bench_xlsx.py), which holds the sheet in memory; a larger one streams
# through openpyxl, whose memory stays flat. 4M cells: a 50,000-row TikTok export (63 columns) is 3.2M.
CALAMINE_MAX_CELLS = 4_000_000
# cell_text prints integral floats from 1e15 up in scientific notation, as Excel's damage looks. openpyxl
# reads a cell written `<v>576461234500000001</v>` as an exact int; calamine only as a float.
_FLOAT_EXACT_BELOW = 1e15


class _NeedsOpenpyxl(Exception):
    """A value calamine cannot render as openpyxl does (a long integer, a percentage's format)."""


def read_xlsx(path: Path, fmt: FormatDefinition, header_index: dict[str, int],
              sha: str | None = None, *, engine: str | None = None) -> tuple[pa.Table, int]:
    """Data rows of the sheet as strings, mapped columns only, plus `_row_number`.

    `header_index` maps canonical name -> 0-based column position. Returns (table, description
    rows skipped). `_row_number` counts data rows from 1, as a spreadsheet user would below the
    header (and below the description row when there is one). The workbook's scan (limits) runs
    first. `engine`: "auto" reads a sheet within CALAMINE_MAX_CELLS with python-calamine and falls back
    to openpyxl for a sheet calamine cannot render the same (an Excel error cell, a numeric cell in a
    percentage column, an integer of 16+ digits) or cannot open; "openpyxl" / "calamine" force one
    (benchmarks, the equivalence tests). Not given: `TSW_XLSX_READER` (README) or "auto".
    """
    engine = engine or os.environ.get("TSW_XLSX_READER", "").strip().lower() or "auto"
    if engine not in ("auto", "openpyxl", "calamine"):
        engine = "auto"
    layout = fmt.xlsx
    assert layout is not None
    book = xlsx.scan(path, sha or content_sha256(path))
    extent = book.sheet(layout.sheet)
    if engine == "calamine" or (
        engine == "auto" and extent.error_cells == 0
        and extent.max_row * max(1, extent.max_column) <= CALAMINE_MAX_CELLS
    ):
        try:
            return _collect(_calamine_rows(path, layout, extent, fmt, header_index), layout, fmt, header_index)
        except _NeedsOpenpyxl:
            if engine == "calamine":
                raise
        except Exception:  # calamine could not read it: openpyxl either reads it or names the damage
            if engine == "calamine":
                raise
    wb = xlsx.open_workbook(path)
    try:
        try:
            return _collect(_openpyxl_rows(wb, layout, extent), layout, fmt, header_index)
        except FileRejected:
            raise
        except Exception as exc:  # the parser met something the scan could not see
            raise xlsx._damaged(path, extent.part, exc) from exc
    finally:
        wb.close()


def _openpyxl_rows(wb, layout: XlsxLayout, extent):
    """The rows below the header, each cell rendered by cell_text."""
    ws = _pick_sheet(wb, layout)
    # The dimension a file declares may lie (a cell "at XFD1048576"): the scan's real extent bounds the read.
    ws.reset_dimensions()
    if extent.max_row <= layout.header_row:
        return
    for raw in ws.iter_rows(min_row=layout.header_row + 1, max_row=extent.max_row, max_col=max(1, extent.max_column)):
        yield [cell_text(cell.value, getattr(cell, "number_format", None)) for cell in raw]


def _calamine_text(value, percent: bool):
    if value == "" and isinstance(value, str):
        return None
    kind = type(value)
    if kind is float or kind is int:
        if percent:
            raise _NeedsOpenpyxl("a numeric cell in a percentage column (its format decides 4.11% vs 0.0411)")
        if abs(value) >= _FLOAT_EXACT_BELOW and float(value).is_integer():
            raise _NeedsOpenpyxl("an integer of 16+ digits")
    elif kind is date:  # openpyxl gives date cells as datetimes at midnight
        value = datetime(value.year, value.month, value.day)
    return cell_text(value)


def _calamine_rows(path: Path, layout: XlsxLayout, extent, fmt: FormatDefinition, header_index: dict[str, int]):
    """The same rows as `_openpyxl_rows`, read by python-calamine (which holds the sheet in memory)."""
    # Positions where a number's format matters: the percentage columns (and, conservatively, the duplicate-header
    # copies compared with them) of a format that has any.
    percent = {pos for name, pos in header_index.items()
               if name.startswith("_dupval") or fmt.column(name).type == "percent"} \
        if any(c.type == "percent" for c in fmt.columns) else set()
    wb = xlsx.open_calamine(path)
    try:
        sheet = wb.get_sheet_by_name(extent.title)
        top, left = sheet.start or (0, 0)
        width = max(1, extent.max_column)
        for _ in range(layout.header_row + 1, min(top, extent.max_row) + 1):
            yield [None] * width  # empty sheet rows above calamine's first: openpyxl yields (and numbers) them
        number = top  # sheet rows before the next one calamine yields
        for raw in sheet.iter_rows():
            number += 1
            if number <= layout.header_row:
                continue
            if number > extent.max_row:
                break
            yield [None] * left + [_calamine_text(v, left + j in percent) for j, v in enumerate(raw[:width - left])]
    finally:
        wb.close()


def _collect(rows, layout: XlsxLayout, fmt: FormatDefinition, header_index: dict[str, int]):
    names = list(header_index)
    positions = [header_index[n] for n in names]
    cols: list[list[str | None]] = [[] for _ in names]
    row_numbers: list[int] = []
    skipped = 0
    n = 0
    first = True
    for values in rows:
        if first:
            first = False
            if layout.description_row == "always" or (
                layout.description_row == "auto" and _is_description_row(values, fmt, header_index)
            ):
                skipped = 1
                continue
        n += 1
        if all(v is None or not v.strip() for v in values):
            continue  # formatted-but-empty rows (or blanks only) hold no data; numbering still counts them
        row_numbers.append(n)
        for j, pos in enumerate(positions):
            cols[j].append(values[pos] if pos < len(values) else None)
    import pyarrow as pa

    arrays = {"_row_number": pa.array(row_numbers, pa.int64())}
    for name, values in zip(names, cols):
        arrays[name] = pa.array(values, pa.string())
    return pa.table(arrays), skipped
