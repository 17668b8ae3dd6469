"""Downloads are for the reader: headers and codes in the page's language, money to the cent (no
`211230.75999999998`), an Excel file beside the CSV, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import load_workbook

from orchestration.lib.spreadsheet import to_csv_bytes, to_xlsx_bytes
from streamlit_app.components import download_frame

RAW = pd.DataFrame({
    "channel": ["tiktok_shop", "amazon"],
    "tiktok_seller_sku": ["=1+1", "SERUM-30ML"],
    "net_revenue_usd": [211230.75999999998, -0.019999],
    "contribution_margin_pct": [0.123456789, None],
    "units_sold": [12, 3],
})


def test_chinese_download_has_chinese_headers_translated_codes_and_rounded_numbers():
    frame = download_frame(RAW, "zh")
    assert list(frame.columns) == ["渠道", "TikTok 卖家 SKU", "净收入（美元）", "贡献毛利率", "售出件数"]
    assert frame["渠道"].tolist() == ["TikTok Shop", "亚马逊"]
    assert frame["净收入（美元）"].tolist() == [211230.76, -0.02]
    assert frame["贡献毛利率"].iloc[0] == 0.1235


def test_english_download_keeps_english_words():
    frame = download_frame(RAW, "en")
    assert list(frame.columns)[:3] == ["Channel", "TikTok seller SKU", "Net revenue (USD)"]
    assert frame["Channel"].tolist() == ["TikTok Shop", "Amazon"]


def test_csv_and_excel_of_a_download_are_formula_safe_and_rounded():
    frame = download_frame(RAW, "zh")
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert rows[1][1] == "'=1+1" and rows[1][2] == "211230.76"
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame, sheet_name="category_channel_performance"))).active
    assert sheet["B2"].value == "'=1+1" and sheet["B2"].data_type == "s"
    assert sheet["C2"].value == 211230.76 and sheet["A1"].value == "渠道"
