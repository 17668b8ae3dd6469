"""Damaged and hostile files built from the real fixtures (used by tests and benchmarks/bench_xlsx_bomb.py)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from tsw_demo.exports.files import column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _parts(xlsx: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(name, data)
    return out.getvalue()


def flip_compressed_sheet_bytes(xlsx: bytes, n: int = 64, seed: int = 1) -> bytes:
    """Flip `n` bytes inside the deflated stream of the first worksheet (a corrupted download)."""
    data = bytearray(xlsx)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        info = next(i for i in z.infolist() if i.filename.startswith("xl/worksheets/"))
    # Local header: 30 bytes + name + extra, then the compressed data.
    name_len = int.from_bytes(data[info.header_offset + 26: info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28: info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    rng = random.Random(seed)
    span = range(start + info.compress_size // 4, start + (3 * info.compress_size) // 4)
    for pos in rng.sample(span, min(n, len(span))):
        data[pos] ^= 0xFF
    return bytes(data)


def garble_sheet_xml(xlsx: bytes, n: int = 64, seed: int = 1) -> bytes:
    """Overwrite `n` bytes in the middle of the worksheet's XML and re-zip with valid checksums
    (what an editor that saved a broken file produces): only an XML parser can notice."""
    rng = random.Random(seed)
    out = []
    for info, body in _parts(xlsx):
        if info.filename.startswith("xl/worksheets/"):
            body = bytearray(body)
            mid = len(body) // 2
            for i in range(n):
                body[mid + i] = rng.choice(b"<>&\"'\x01")
            body = bytes(body)
        out.append((info.filename, body))
    return _zip(out)


def _sheet(rows: list[list[str]], *, shared: bool) -> bytes:
    cells = []
    k = 0
    for r, row in enumerate(rows, start=1):
        cs = []
        for c, v in enumerate(row):
            if shared:
                cs.append(f'<c r="{column_letter(c)}{r}" t="s"><v>{k}</v></c>')
                k += 1
            else:
                cs.append(f'<c r="{column_letter(c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>')
        cells.append(f'<row r="{r}">{"".join(cs)}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
            + "".join(cells) + "</sheetData></worksheet>").encode()


def _package(sheet: bytes, shared_strings_writer=None) -> bytes:
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN_NS}" xmlns:r="{rel}"><sheets>'
            '<sheet name="OrderSKUList" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings_writer:
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                shared_strings_writer(fh)
    return out.getvalue()


def shared_strings_bomb(headers: list[str], filler_strings: int) -> bytes:
    """A TikTok-orders-looking workbook whose shared-strings part holds `filler_strings` extra tiny strings.

    ~17 bytes per string compress ~400:1: 63 million strings are a 2.6 MB file of 1.1 GB XML."""

    def write(fh) -> None:
        fh.write(f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}">'.encode())
        for h in headers:
            fh.write(f"<si><t>{h}</t></si>".encode())
        block = b"<si><t>a</t></si>" * 65536
        left = filler_strings
        while left > 0:
            take = min(left, 65536)
            fh.write(block if take == 65536 else b"<si><t>a</t></si>" * take)
            left -= take
        fh.write(b"</sst>")

    return _package(_sheet([headers], shared=True), write)


def far_cell_sheet(headers: list[str], column: str = "XFD", row: int = 1_048_576) -> bytes:
    """A workbook with a header row and one cell at `column``row` (a reader pads every row to it)."""
    sheet = _sheet([headers], shared=False).replace(
        b"</sheetData>", f'<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode()
    )
    return _package(sheet)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
