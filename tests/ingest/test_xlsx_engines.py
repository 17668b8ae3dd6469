"""XLSX exports read by python-calamine give the same rows, cell for cell, as openpyxl's streamed read.

`readers.read_xlsx` reads a sheet within CALAMINE_MAX_CELLS with calamine (much less CPU) and falls back to
openpyxl where calamine would render a value differently: a numeric cell in a percentage column (only the
cell's format says 4.11 % vs 0.0411), an integer of 16+ digits (calamine has it only as a float), an Excel error
cell (calamine reads it as empty). These tests write such cells into the real fixtures and compare the tables.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from orchestration.ingest import readers, xlsx
from orchestration.ingest.detect import detect

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
PLAIN = ["tiktok/Product Analytics.xlsx", "tiktok/Video List 2025-10-01_2025-10-31.xlsx",
         "settlements/Statement_7301234567890123401.xlsx"]


def _read(path: Path, engine: str):
    info = readers.sniff(path)
    fmt, headers, _ = detect(path, info)
    index = {c: headers.index(src) for c, src in fmt.match_headers(headers).items() if fmt.column(c).pii != "drop"}
    table, skipped = readers.read_xlsx(path, fmt, index, info.sha256, engine=engine)
    return table.to_pydict(), skipped


def _no_openpyxl(monkeypatch):
    def refuse(path):
        raise AssertionError(f"openpyxl opened {path}")
    monkeypatch.setattr(xlsx, "open_workbook", refuse)


@pytest.mark.parametrize("rel", PLAIN)
def test_plain_exports_are_read_by_calamine_with_openpyxls_values(rel, tmp_path, monkeypatch):
    path = shutil.copy(FIXTURES / rel, tmp_path / Path(rel).name)
    expected = _read(Path(path), "openpyxl")
    assert expected[0]["_row_number"], "the fixture has data rows"
    _no_openpyxl(monkeypatch)
    assert _read(Path(path), "auto") == expected


def _edit_cells(src: Path, dst: Path, edits) -> Path:
    wb = openpyxl.load_workbook(src)
    edits(wb.active)
    wb.save(dst)
    return dst


def _column_of(ws, header: str, header_row: int = 1) -> int:
    return next(c.column for c in ws[header_row] if (c.value or "").strip() == header)


def test_a_numeric_percentage_falls_back_to_openpyxl_and_keeps_its_percent(tmp_path):
    def edit(ws):
        cell = ws.cell(row=3, column=_column_of(ws, "Affiliate CTR"))  # row 2 holds the column descriptions
        cell.value, cell.number_format = 0.0411, "0.00%"

    path = _edit_cells(FIXTURES / "tiktok/Video List 2025-10-01_2025-10-31.xlsx", tmp_path / "Video List 2025-10-01_2025-10-31.xlsx", edit)
    auto = _read(path, "auto")
    assert auto == _read(path, "openpyxl")
    assert "4.11%" in auto[0]["affiliate_ctr"]  # not 0.0411, which would load 100x too small
    with pytest.raises(readers._NeedsOpenpyxl):
        _read(path, "calamine")


def test_an_exact_long_integer_id_falls_back_and_keeps_every_digit(tmp_path):
    # A writer other than Excel may store an 18-digit ID as the number's exact digits; openpyxl reads them
    # as an int, calamine only as a float (5.76461234567890e17): that would look like Excel's damage.
    src = FIXTURES / "tiktok/Video List 2025-10-01_2025-10-31.xlsx"
    path = tmp_path / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<c r="A3"[^>]*?(?:/>|>.*?</c>)', b'<c r="A3" t="n"><v>576461234567890123</v></c>',
                                  data, count=1, flags=re.DOTALL)
                assert n == 1
            zout.writestr(item, data)
    auto = _read(path, "auto")
    assert auto == _read(path, "openpyxl")
    first_column = next(k for k, v in auto[0].items() if k != "_row_number" and v[0] == "576461234567890123")
    assert first_column
    with pytest.raises(readers._NeedsOpenpyxl):
        _read(path, "calamine")


def test_an_error_cell_sends_the_sheet_to_openpyxl(tmp_path, monkeypatch):
    def edit(ws):
        ws.cell(row=3, column=_column_of(ws, "Affiliate CTR")).value = "=1/0"

    path = _edit_cells(FIXTURES / "tiktok/Video List 2025-10-01_2025-10-31.xlsx", tmp_path / "Video List 2025-10-01_2025-10-31.xlsx", edit)
    # openpyxl writes a formula without its cached value; give it the error value Excel would have stored.
    fixed = tmp_path / "fixed.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb"<c r=\"([A-Z]+3)\"([^>]*)><f>1/0</f><v\s*/?>(?:</v>)?</c>",
                                  rb'<c r="\1" t="e"><v>#DIV/0!</v></c>', data, count=1)
                assert n == 1
            zout.writestr(item, data)
    final = tmp_path / path.name
    shutil.move(fixed, final)
    assert xlsx.scan(final, readers.content_sha256(final)).sheets[0].error_cells == 1
    assert "#DIV/0!" in _read(final, "auto")[0]["affiliate_ctr"]  # what the seller sees; calamine reads ''


def test_dates_numbers_and_blank_rows_read_alike(tmp_path, monkeypatch):
    def edit(ws):
        ws.cell(row=3, column=_column_of(ws, "Video post date")).value = dt.datetime(2025, 10, 5, 14, 3, 0)
        ws.cell(row=3, column=_column_of(ws, "GMV")).value = 41.0
        ws.cell(row=3, column=_column_of(ws, "Shoppable video GPM")).value = 8.99
        ws.insert_rows(4)  # an empty row inside the data: skipped, but numbered like the sheet's rows
        ws.cell(row=5, column=_column_of(ws, "Video post date")).value = dt.date(2025, 10, 9)

    path = _edit_cells(FIXTURES / "tiktok/Video List 2025-10-01_2025-10-31.xlsx", tmp_path / "Video List 2025-10-01_2025-10-31.xlsx", edit)
    expected = _read(path, "openpyxl")
    assert expected[0]["_row_number"] == [1, 3] and expected[0]["gmv"][0] == "41"
    _no_openpyxl(monkeypatch)
    assert _read(path, "auto") == expected


def test_a_sheet_beyond_the_cell_budget_streams_through_openpyxl(tmp_path, monkeypatch):
    path = Path(shutil.copy(FIXTURES / PLAIN[1], tmp_path / Path(PLAIN[1]).name))
    monkeypatch.setattr(readers, "CALAMINE_MAX_CELLS", 10)

    def refuse(path):
        raise AssertionError("calamine opened a sheet beyond its budget")
    monkeypatch.setattr(xlsx, "open_calamine", refuse)
    assert _read(path, "auto")[0]["_row_number"]
