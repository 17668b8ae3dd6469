"""Turning a file on disk into something DuckDB can read, without guessing from its name.

- `sniff()` reads the file once: content hash, container (xlsx zip / text / binary), text
  encoding (UTF-8 with or without BOM, else Windows-1252) and the delimiter of the header line.
- `utf8_copy()` transcodes a Cp1252 file to UTF-8 in 1 MiB chunks (DuckDB 2.0's CSV reader only
  knows utf-8, latin-1 and utf-16; latin-1 would turn Cp1252's curly quotes and € into control
  characters, so it is not used).
- `read_xlsx()` streams a sheet with openpyxl in read-only mode into an Arrow table of strings.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa

from orchestration.formats import FormatDefinition, XlsxLayout, normalize_header
from orchestration.ingest.errors import FileRejected

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

    @property
    def extension(self) -> str:
        return self.path.suffix.lower().lstrip(".") or ("xlsx" if self.container == "xlsx" else "csv")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def peek(path: Path) -> FileInfo:
    """Container, encoding guess and header line from the first 64 KiB only (no hash): for detection."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(path, "empty_file", "the file is empty (0 bytes); re-download the export")
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if head.startswith(b"PK\x03\x04"):
        return FileInfo(path, "", size, "xlsx")
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
    delimiter, headers = _header_line(text)
    return FileInfo(path, "", size, "text", encoding, head.startswith(_BOM), delimiter, tuple(headers))


def sniff(path: Path, progress=None) -> FileInfo:
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(path, "empty_file", "the file is empty (0 bytes); re-download the export")
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    has_nul = False
    head = b""
    done = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            if len(head) < 65536:
                head += chunk[: 65536 - len(head)]
            if b"\x00" in chunk:
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
    has_bom = head.startswith(_BOM)
    if utf8_ok:
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
    delimiter, headers = _header_line(text)
    if _looks_binary(text):
        raise FileRejected(path, "binary_file", "the file is binary (control characters in the header), not an export")
    return FileInfo(path, sha, size, "text", encoding, has_bom, delimiter, tuple(headers))


def _check_cp1252(path: Path) -> None:
    decoder = codecs.getincrementaldecoder("cp1252")()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            decoder.decode(chunk)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return bad > max(2, len(sample) // 100)


def _header_line(text: str) -> tuple[str, list[str]]:
    """Pick the delimiter that splits the first record into the most fields (quotes respected)."""
    best: tuple[str, list[str]] = (",", [])
    for delimiter in ("\t", ",", ";"):
        try:
            row = next(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"'))
        except (StopIteration, csv.Error):
            continue
        if len(row) > len(best[1]):
            best = (delimiter, row)
    return best[0], [h.strip() for h in best[1]]


def utf8_copy(info: FileInfo, target: Path) -> Path:
    """Stream-transcode a Cp1252 file to UTF-8 (keeps memory flat on large files)."""
    decoder = codecs.getincrementaldecoder(info.encoding or "utf-8")()
    with open(info.path, "rb") as src, open(target, "w", encoding="utf-8", newline="") as dst:
        dst.writelines(decoder.decode(chunk) for chunk in iter(lambda: src.read(CHUNK), b""))
        dst.write(decoder.decode(b"", final=True))
    return target


# ---------------------------------------------------------------- XLSX


def _open_workbook(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged archives
        raise FileRejected(path, "damaged_xlsx", f"the workbook cannot be opened ({type(exc).__name__}: {exc})") from exc


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


def xlsx_headers(path: Path, layout: XlsxLayout) -> XlsxHeader:
    wb = _open_workbook(path)
    try:
        ws = _pick_sheet(wb, layout)
        max_row = max(layout.header_row, layout.section_row or 0)
        rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=max_row, values_only=True)]
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
            if row <= len(rows) and col <= len(rows[row - 1]):
                period_text = cell_text(rows[row - 1][col - 1])
        while headers and not headers[-1]:
            headers.pop()
        return XlsxHeader(ws.title, headers, period_text)
    finally:
        wb.close()


def _is_description_row(values: list[str | None], fmt: FormatDefinition, mapping: dict[str, int]) -> bool:
    """A row of column descriptions: texts, and the key columns do not hold values of their type."""
    texts = [v for v in values if v not in (None, "")]
    if not texts:
        return False
    key_cols = [c for c in fmt.natural_key if c in mapping]
    for name in key_cols:
        v = values[mapping[name]] if mapping[name] < len(values) else None
        if v and fmt.column(name).type == "id" and any(ch.isdigit() for ch in v) and " " not in v:
            return False
    sentence_like = sum(1 for v in texts if " " in v.strip())
    return sentence_like >= max(1, len(texts) // 2)


def read_xlsx(path: Path, fmt: FormatDefinition, header_index: dict[str, int]) -> tuple[pa.Table, int]:
    """Data rows of the sheet as strings, mapped columns only, plus `_row_number`.

    `header_index` maps canonical name -> 0-based column position. Returns (table, description
    rows skipped). `_row_number` counts data rows from 1, as a spreadsheet user would below the
    header (and below the description row when there is one).
    """
    layout = fmt.xlsx
    assert layout is not None
    wb = _open_workbook(path)
    try:
        ws = _pick_sheet(wb, layout)
        names = list(header_index)
        positions = [header_index[n] for n in names]
        cols: list[list[str | None]] = [[] for _ in names]
        row_numbers: list[int] = []
        skipped = 0
        n = 0
        first = True
        for raw in ws.iter_rows(min_row=layout.header_row + 1):
            values = [cell_text(cell.value, getattr(cell, "number_format", None)) for cell in raw]
            if first:
                first = False
                if layout.description_row == "always" or (
                    layout.description_row == "auto" and _is_description_row(values, fmt, header_index)
                ):
                    skipped = 1
                    continue
            n += 1
            if all(v in (None, "") for v in values):
                continue  # formatted-but-empty rows hold no data; numbering still counts them
            row_numbers.append(n)
            for j, pos in enumerate(positions):
                cols[j].append(values[pos] if pos < len(values) else None)
        arrays = {"_row_number": pa.array(row_numbers, pa.int64())}
        for name, values in zip(names, cols):
            arrays[name] = pa.array(values, pa.string())
        return pa.table(arrays), skipped
    finally:
        wb.close()
