"""`tsw sql` prints what a seller can read and paste: plain decimals in each column's type (never
`1.291e+10`), and `--csv` / `--json` for spreadsheets and scripts, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from click.testing import CliRunner

from orchestration.cli import main as tsw

QUERY = "select * from marts.mart_money order by product_id"


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TSW_HOME", str(home))
    with duckdb.connect(str(home / "published.duckdb")) as conn:
        conn.execute("create schema marts")
        conn.execute("""
            create table marts.mart_money as select * from (values
                ('=HYPERLINK(\"http://x.test\",\"click\")', 12910000000.0::double, 211230.75999999998::double,
                 5000::bigint, 749.71::decimal(18, 2), date '2025-10-31', 2025::integer),
                ('plain-sku', 50000.0::double, -0.02::double, 3::bigint, -0.02::decimal(18, 2), null, 2026::integer)
            ) t(product_id, gmv_usd, net_usd, units, margin_usd, first_day, year)
        """)
    return home


def test_table_prints_plain_decimals_in_column_types(home):
    out = CliRunner().invoke(tsw, ["sql", QUERY])
    assert out.exit_code == 0, out.output
    text = out.output
    assert "e+" not in text and "e-" not in text
    assert "12910000000" in text and "211230.76" in text and "50000" in text
    assert "749.71" in text and "-0.02" in text
    assert "2025-10-31" in text
    # Integers stay whole, years are not printed as 2,025 or 2025.0.
    assert " 2025 " in text and "2025.0" not in text and "5000 " in text


def test_csv_output_is_machine_readable_and_formula_safe(home):
    out = CliRunner().invoke(tsw, ["sql", "--csv", QUERY])
    assert out.exit_code == 0, out.output
    rows = list(csv.reader(io.StringIO(out.output)))
    assert rows[0] == ["product_id", "gmv_usd", "net_usd", "units", "margin_usd", "first_day", "year"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["product_id"].startswith("'=HYPERLINK")
    assert first["gmv_usd"] == "12910000000"
    assert first["net_usd"] == "211230.76"
    assert first["margin_usd"] == "749.71"
    second = dict(zip(rows[0], rows[2], strict=True))
    # A negative number is a number, not a formula: it is not prefixed.
    assert second["net_usd"] == "-0.02" and second["first_day"] == ""


def test_json_output_keeps_types(home):
    out = CliRunner().invoke(tsw, ["sql", "--json", QUERY])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert rows[0]["gmv_usd"] == 12910000000 and rows[0]["units"] == 5000
    assert rows[0]["margin_usd"] == pytest.approx(749.71) and rows[0]["first_day"] == "2025-10-31"
    assert rows[1]["first_day"] is None and rows[1]["year"] == 2026


def test_nothing_published_names_the_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TSW_HOME", str(tmp_path / "nothing-here"))
    out = CliRunner().invoke(tsw, ["sql", "select 1"])
    assert out.exit_code != 0
    assert str(tmp_path / "nothing-here") in out.output and "TSW_HOME" in out.output and "tsw build" in out.output
