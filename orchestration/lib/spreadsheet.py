"""Files handed to spreadsheets (CSV, XLSX) from the app and the CLI: safe against formula injection.

A seller SKU, a campaign name or a file name comes from an export someone else wrote. A spreadsheet
opening a CSV runs any cell that starts with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(...)`,
`+cmd|' /C calc'!A0`). OWASP's rule, applied to every text cell of every file we hand out: a cell that
starts with one of `= + - @`, a tab or a carriage return gets a leading `'`, which spreadsheets show as
text and never evaluate. Numbers stay numbers (a negative amount is not text and is not touched).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas (~0.6 s) only for frames: `tsw sql` imports this module for `neutralize`
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """`value` with a leading `'` if it is text a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are neutralized; numeric columns untouched."""
    import pandas as pd

    out = frame.copy()
    out.columns = [neutralize(str(c)) for c in out.columns]
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series) \
                or pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[column] = series.map(neutralize)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for spreadsheets: formulas neutralized, UTF-8 with a BOM (Excel otherwise misreads Chinese)."""
    # CRLF line ends (what Excel writes) also make the writer quote any cell holding a bare CR.
    return neutralize_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """An .xlsx workbook of `frame`: formulas neutralized, and every text cell stored as text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    safe = neutralize_frame(frame)
    book = Workbook()
    sheet = book.active
    # Excel forbids []:*?/\ in sheet names and caps them at 31 characters.
    sheet.title = "".join(ch for ch in sheet_name if ch not in "[]:*?/\\")[:31] or "data"
    sheet.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False, name=None):
        sheet.append([_cell(v) for v in row])
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                # openpyxl would store a string starting with "=" as a formula; force plain text.
                cell.data_type = "s"
    for index, column in enumerate(safe.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200).tolist()])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    import pandas as pd

    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None) if value.tzinfo else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
    if isinstance(value, (int, float, str, bool)):
        return value
    import datetime as dt
    import decimal

    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.replace(tzinfo=None) if isinstance(value, dt.datetime) and value.tzinfo else value
    return str(value)
