"""The YAML export definitions and the value parsers generated from them."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from orchestration.formats import FormatDefinitionError, load_formats, normalize_header, parse_definition
from orchestration.ingest import sqlgen

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
KINDS = {
    "tiktok_orders", "tiktok_affiliate_orders", "tiktok_video_performance", "tiktok_product_analytics",
    "tiktok_ads_campaign_daily", "amazon_all_orders", "amazon_business_report", "shopify_orders",
    "tiktok_statements", "amazon_transactions", "amazon_fba_returns", "shopify_payouts",
}


def test_every_definition_loads_with_its_own_raw_table():
    formats = load_formats()
    assert {f.kind for f in formats} == KINDS
    assert {f.raw_table for f in formats} == KINDS  # raw table named after the kind
    for f in formats:
        assert f.natural_key and f.grain and f.description
        assert all(c.description for c in f.columns)


def test_signatures_are_unique():
    """No definition's signature can be satisfied by another definition's complete set of headers."""
    formats = load_formats()
    for a in formats:
        for b in formats:
            if a is b:
                continue
            all_b_headers = [alias for c in b.columns for alias in c.aliases]
            assert not a.signature_matches(all_b_headers), f"{a.kind} signature matches {b.kind} headers"


def test_personal_data_columns_are_declared():
    orders = {c.name: c.pii for c in next(f for f in load_formats() if f.kind == "tiktok_orders").columns}
    for name in ("buyer_message", "buyer_nickname", "recipient", "phone", "city", "address_line_1",
                 "address_line_2", "delivery_instruction", "shipping_information"):
        assert orders[name] == "drop", name
    assert orders["buyer_username"] == "hash_buyer" and orders["zip3"] == "zip3" and orders["state"] == "keep_state"
    shopify = {c.name: c.pii for c in next(f for f in load_formats() if f.kind == "shopify_orders").columns}
    assert shopify["email"] == "hash_buyer" and shopify["note_attributes_attribution"] == "attribution_only"
    assert shopify["notes"] == "drop" and shopify["tags"] is None and shopify["source"] is None


def test_header_matching_ignores_case_spacing_and_bom():
    assert normalize_header("\ufeff Virtual  Bundle Seller SKU ") == normalize_header("virtual bundle seller sku")
    orders = next(f for f in load_formats() if f.kind == "tiktok_orders")
    assert orders.match_headers(["订单号", "SKU ID"]) == {"order_id": "订单号", "sku_id": "SKU ID"}


def test_malformed_definition_is_refused_with_file_and_key(tmp_path):
    bad = tmp_path / "broken_kind.yaml"
    bad.write_text(textwrap.dedent("""
        kind: broken_kind
        raw_table: broken_kind
        description: x
        grain: x
        file_types: [csv]
        signature: [order_id]
        natural_key: [order_id]
        columns:
          order_id: {aliases: [Order ID], type: identifier, required: true, description: x}
    """))
    with pytest.raises(FormatDefinitionError, match=r"broken_kind.yaml: column order_id: type 'identifier'"):
        parse_definition(bad)


PARSER_YAML = """
kind: parsers
raw_table: parsers
description: every parser
grain: one row per case
file_types: [csv]
signature: [k]
natural_key: [k]
default_currency: USD
columns:
  k: {aliases: [k], type: id, required: true, description: key}
  money: {aliases: [money], type: money, description: m}
  pct: {aliases: [pct], type: percent, description: p}
  dur: {aliases: [dur], type: duration, description: d}
  n: {aliases: [n], type: int, description: n}
  flag: {aliases: [flag], type: bool, description: b}
  zip: {aliases: [zip], type: zip, pii: zip3, description: z}
  us: {aliases: [us], type: datetime, format: slash, description: t}
  iso: {aliases: [iso], type: datetime, format: iso_offset, description: t}
  shop: {aliases: [shop], type: datetime, format: shopify_offset, description: t}
"""


def _parse(tmp_path, rows: list[dict], slash_family="mdy"):
    path = tmp_path / "parsers.yaml"
    path.write_text(PARSER_YAML)
    fmt = parse_definition(path)
    names = [c.name for c in fmt.columns]
    table = pa.table({"_row_number": list(range(1, len(rows) + 1)),
                      **{n: pa.array([r.get(n) for r in rows], pa.string()) for n in names}})
    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'UTC'")
    conn.register("_arrow", table)
    conn.execute("CREATE TEMP TABLE _src AS SELECT * FROM _arrow")
    plan = sqlgen.ParsePlan(mapping={n: n for n in names}, headers={n: n for n in names}, slash_family=slash_family)
    conn.execute(sqlgen.parse_sql(fmt, plan))
    cols = ["k", "money", "money__cur", "pct", "dur", "n", "flag", "zip", "us", "iso", "shop", "_rule", "_reason"]
    return [dict(zip(cols, r)) for r in conn.execute(f"SELECT {', '.join(cols)} FROM _parsed ORDER BY _row_number").fetchall()]


@pytest.mark.parametrize(
    "text, value, currency",
    [
        ("41", Decimal(41), None), ("$1,234.56", Decimal("1234.56"), "USD"), ("(12.00)", Decimal("-12.00"), None),
        ("($5.10)", Decimal("-5.10"), "USD"), ("-3.5", Decimal("-3.50"), None), ("MXN 790.00", Decimal("790.00"), "MXN"),
        ("BRL 35,91", Decimal("35.91"), "BRL"), ("RM 12.90", Decimal("12.90"), "MYR"), ("-", None, None),
        ("\t", None, None),
    ],
)
def test_money_parser(tmp_path, text, value, currency):
    (row,) = _parse(tmp_path, [{"k": "1", "money": text}])
    assert (row["money"], row["money__cur"], row["_rule"]) == (value, currency, None)


def test_unparsable_money_quarantines_the_row_with_column_and_value(tmp_path):
    (row,) = _parse(tmp_path, [{"k": "1", "money": "12 dollars"}])
    assert row["_rule"] == "unparsable_money"
    assert row["_reason"] == "column 'money' value '12 dollars' is not a valid money amount"


@pytest.mark.parametrize("text, seconds", [("1m28s", 88), ("45s", 45), ("2h", 7200), ("1h 2m 3s", 3723), ("01:28", 88), ("-", None)])
def test_duration_parser(tmp_path, text, seconds):
    (row,) = _parse(tmp_path, [{"k": "1", "dur": text}])
    assert (row["dur"], row["_rule"]) == (seconds, None)


def test_percent_int_bool_zip_parsers(tmp_path):
    rows = _parse(tmp_path, [
        {"k": "1", "pct": "4.11%", "n": "1,234", "flag": "Yes", "zip": "'75008"},
        {"k": "2", "pct": "10%", "n": "-", "flag": "false", "zip": "91101-2345\t"},
        {"k": "3", "n": "12.5"},
    ])
    assert [(r["pct"], r["n"], r["flag"], r["zip"]) for r in rows[:2]] == [
        (Decimal("0.0411"), 1234, True, "750"), (Decimal("0.1"), None, False, "911")
    ]
    assert rows[2]["_rule"] == "unparsable_int"


def test_datetime_families(tmp_path):
    (row,) = _parse(tmp_path, [{
        "k": "1", "us": "05/12/2026 10:26:17 PM\t", "iso": "2017-06-17T08:04:21+00:00", "shop": "2025-10-07 09:50:26 +0200",
    }])
    assert row["us"] == datetime(2026, 5, 12, 22, 26, 17)
    assert row["iso"] == datetime(2017, 6, 17, 8, 4, 21, tzinfo=UTC)
    assert row["shop"] == datetime(2025, 10, 7, 7, 50, 26, tzinfo=UTC)
    (dmy,) = _parse(tmp_path, [{"k": "1", "us": "05/12/2026 22:26:17"}], slash_family="dmy")
    assert dmy["us"] == datetime(2026, 12, 5, 22, 26, 17)


def test_excel_scientific_id_is_flagged(tmp_path):
    rows = _parse(tmp_path, [{"k": "9.43461E+21\t"}, {"k": "576461234567890123\t"}])
    assert rows[0]["_rule"] == "excel_damaged_id"
    assert rows[0]["_reason"].startswith("ID damaged by Excel (scientific notation); re-download the export")
    assert (rows[1]["k"], rows[1]["_rule"]) == ("576461234567890123", None)


def test_period_sources():
    from orchestration.formats import get_format
    from orchestration.ingest import period

    br = get_format("amazon_business_report")
    assert period.period_from_filename(br, "BusinessReport-1-1-25_1-31-25.csv") == (date(2025, 1, 1), date(2025, 1, 31))
    assert period.period_from_filename(br, "BusinessReport-1-31-25.csv") is None
    assert period.coerce_period("2025-01-01..2025-01-31") == (date(2025, 1, 1), date(2025, 1, 31))
    assert period.period_from_text("Date range: 2025-10-01 ~ 2025-10-31") == (date(2025, 10, 1), date(2025, 10, 31))
    with pytest.raises(ValueError):
        period.coerce_period("2025-02-01..2025-01-01")
