"""File writers shared by every export: CSV with the platforms' encodings and line ends, and a minimal XLSX.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
# ---------------------------------------------------------------- file helpers
def write_csv(path: Path, header, rows: pd.DataFrame | list, *, encoding="utf-8", bom=False, crlf=False,
              delimiter=",", quoting=csv.QUOTE_MINIMAL) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    # to_numpy(object) first: iterating pandas' Arrow-backed string columns row by row is slow.
    values = rows.to_numpy(dtype=object).tolist() if isinstance(rows, pd.DataFrame) else rows
    w.writerows(values)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def column_letter(i: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _sheet_xml(rows: list[list]) -> bytes:
    out = [('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')]
    width = max((len(r) for r in rows), default=0)
    letters = [column_letter(i) for i in range(width)]
    # The dimension lets readers (openpyxl read-only mode among them) pad short rows to full width.
    if rows and width:
        out.append(f'<dimension ref="A1:{letters[-1]}{len(rows)}"/>')
    out.append("<sheetData>")
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            ref = f"{letters[c]}{r}"
            if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                text = _XML_BAD.sub("", str(v)).translate(_XML_ESCAPE)
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


def write_xlsx(path: Path, sheets: list[tuple[str, list[list]]]) -> None:
    """A minimal SpreadsheetML package with inline strings.

    openpyxl's writer costs ~70 us per cell (half a minute for the demo); this writes the same cells
    in a fraction of that, and with fixed zip timestamps the same content always gives the same bytes.
    Readers (openpyxl, Excel, LibreOffice, calamine) accept inline strings.
    """
    ns = "http://schemas.openxmlformats.org"
    wb_sheets = "".join(f'<sheet name="{name.translate(_XML_ESCAPE)}" sheetId="{i}" r:id="rId{i}"/>'
                        for i, (name, _) in enumerate(sheets, start=1))
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(sheets) + 1))
            + "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships">'
            f"<sheets>{wb_sheets}</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{ns}/officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
            + "</Relationships>"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME), text.encode("utf-8"),
                       compress_type=zipfile.ZIP_DEFLATED)
        for i, (_, rows) in enumerate(sheets, start=1):
            z.writestr(zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml", date_time=_FIXED_ZIP_TIME),
                       _sheet_xml(rows), compress_type=zipfile.ZIP_DEFLATED)
