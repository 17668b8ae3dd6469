"""How `tsw sql` prints a result: a table, CSV or JSON, each value in its column's type.

Numbers are plain decimals (never `1.291e+10`): DECIMAL columns keep their scale, integers print whole,
floating-point columns print as many decimals as they need (at most 6, more only for tiny values)
without float noise such as `211230.75999999998`. CSV output neutralises spreadsheet formulas
(`orchestration.lib.spreadsheet`).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
import re
import uuid
from typing import Any

from orchestration.lib.spreadsheet import neutralize

_NUMERIC = re.compile(r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|"
                      r"FLOAT|DOUBLE|REAL|DECIMAL.*|NUMERIC.*)$", re.IGNORECASE)


def is_numeric_type(type_name: str) -> bool:
    return bool(_NUMERIC.match(type_name.strip()))


def plain_float(value: float) -> str:
    """A float as a plain decimal: 12910000000, 211230.76, 0.123457, 0.00000012."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value == 0:
        return "0"
    decimals = 6
    magnitude = abs(value)
    if magnitude < 1e-4:
        # Keep 3 significant digits of tiny values instead of printing 0.
        decimals = min(20, 2 - math.floor(math.log10(magnitude)))
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def plain(value: Any) -> str:
    """Text of one value for the table and CSV outputs (NULL → empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return plain_float(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps({str(k): _jsonable(v) for k, v in value.items()}, ensure_ascii=False)
    return str(value)


def to_table(result) -> str:
    from tabulate import tabulate

    if not result.columns:
        return "(no result)"
    types = result.column_types or [""] * len(result.columns)
    align = ["right" if is_numeric_type(t) else "left" for t in types]
    rows = [[plain(v) for v in row] for row in result.rows]
    if not rows:
        return tabulate([], headers=result.columns, tablefmt="psql") + "\n(0 rows)"
    return tabulate(rows, headers=result.columns, tablefmt="psql", disable_numparse=True, colalign=align)


def to_csv(result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralize(c) for c in result.columns])
    for row in result.rows:
        writer.writerow([neutralize(v) if isinstance(v, str) else plain(v) for v in row])
    return buffer.getvalue()


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 \
            else float(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return str(value)


def to_json(result) -> str:
    return json.dumps([dict(zip(result.columns, (_jsonable(v) for v in row), strict=True)) for row in result.rows],
                      ensure_ascii=False, indent=1)
