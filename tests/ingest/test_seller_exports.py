"""Loading the seller exports, one quirk of the real layouts at a time (fixtures in tests/fixtures/exports)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import stat
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration import settings
from orchestration.ingest import UnknownFormatError, detect_kind, ingest_inbox, ingest_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"


def _pii_values() -> tuple[str, ...]:
    spec = importlib.util.spec_from_file_location("build_fixtures", FIXTURES / "build_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PII_VALUES


PII_VALUES = _pii_values()

TT_CSV = "tiktok/All order-2025-10-31-09_15.csv"
TT_XLSX = "tiktok/All order-2025-11-01-08_00.xlsx"


def _one(results):
    assert len(results) == 1, results
    return results[0]


def test_tiktok_orders_csv_real_layout(drop, query):
    (path,) = drop(TT_CSV)
    r = _one(ingest_paths([path]))
    assert (r.status, r.kind, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("loaded", "tiktok_orders", 4, 3, 1)
    rows = query(
        "SELECT order_id, sku_id, product_id, package_id, zip3, created_time, delivered_time, cancelled_time, "
        "order_amount, _line_in_order, _row_number, _currency FROM raw.tiktok_orders ORDER BY _row_number"
    )
    # Trailing TABs are gone from IDs, zips and times; a lone TAB is an empty time.
    assert rows[0][:5] == ("576461234567890123", "1729384756102938475", "1729000000000000001", "1154433221100998877", "911")
    assert rows[0][5] == datetime(2025, 10, 3, 21, 14, 2)  # 10/03/2025 9:14:02 PM
    assert rows[2][6] is None and rows[2][7] is None  # "\t" in Delivered/Cancelled Time
    # Order-level amount repeats on both SKU lines of the order; the line position tells them apart.
    assert [(r[8], r[9]) for r in rows] == [(Decimal("57.08"), 1), (Decimal("57.08"), 2), (Decimal("21.74"), 1)]
    # The multi-line quoted Shipping Information counts as one record: the third record is order ...456.
    assert rows[2][0] == "576461234567890456" and rows[2][10] == 3
    assert {r[11] for r in rows} == {"USD"}


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.4 s in a loaded unit lane
def test_excel_damaged_id_quarantines_the_row_only(drop, query):
    (path,) = drop(TT_CSV)
    ingest_paths([path])
    (q,) = query("SELECT file_name, row_number, rule, reason, original_values FROM raw._quarantined_rows")
    assert q[0] == "All order-2025-10-31-09_15.csv" and q[1] == 4 and q[2] == "excel_damaged_id"
    assert q[3].startswith("ID damaged by Excel (scientific notation); re-download the export")
    assert "9.43461E+21" in q[4]
    assert query("SELECT count(*) FROM raw.tiktok_orders WHERE order_id LIKE '%E+%'") == [(0,)]


@pytest.mark.slow  # a real file load through the whole ingest engine: 4.2 s in a loaded unit lane
def test_tiktok_orders_xlsx_skips_description_row_and_catches_float_ids(drop, query):
    (path,) = drop(TT_XLSX)
    r = _one(ingest_paths([path]))
    assert (r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("loaded", 4, 3, 1)
    assert query("SELECT count(*) FROM raw.tiktok_orders WHERE order_id LIKE 'Platform%'") == [(0,)]
    assert query("SELECT rule, row_number FROM raw._quarantined_rows") == [("excel_damaged_id", 4)]
    assert query("SELECT sum(quantity), min(created_time) FROM raw.tiktok_orders") == [
        (4, datetime(2025, 10, 3, 21, 14, 2))
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.9 s in a loaded unit lane
def test_day_first_times_and_currency_prefixed_money(drop, query):
    (path,) = drop("tiktok/orders_mx_dmy.csv")
    r = _one(ingest_paths([path]))
    assert r.status == "loaded", r.message
    rows = query(
        "SELECT created_time, order_amount, _currency, order_status, order_status_canonical "
        "FROM raw.tiktok_orders ORDER BY _row_number"
    )
    assert rows[0] == (datetime(2025, 10, 3, 21, 14, 2), Decimal("970.36"), "MXN", "Completado", "Completed")
    assert rows[2][0] == datetime(2025, 10, 29, 11, 58, 31)  # 29/10/2025: day first, detected from the file


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.7 s in a loaded unit lane
def test_two_currencies_in_one_file_rejects_the_file(drop, query):
    (path,) = drop("tiktok/orders_mixed_currency.csv")
    r = _one(ingest_paths([path]))
    assert r.status == "quarantined_file" and r.rule == "one_currency_per_file"
    assert "USD" in r.message and "MXN" in r.message and "row 3" in r.message
    assert query("SELECT count(*) FROM raw.tiktok_orders") == [(0,)]
    assert (settings.quarantine_dir() / "orders_mixed_currency.csv").exists()


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.6 s in a loaded unit lane
def test_unknown_status_rejects_file_naming_value_row_and_rule(drop, query):
    (path,) = drop("tiktok/orders_unknown_status.csv")
    r = _one(ingest_paths([path]))
    assert r.status == "quarantined_file" and r.rule == "unknown_status"
    reason = (settings.quarantine_dir() / "orders_unknown_status.csv.reason.txt").read_text()
    assert "orders_unknown_status.csv" in reason and "unknown_status" in reason
    assert "'Teleported'" in reason and "row 2" in reason
    assert not path.exists()


@pytest.mark.slow  # a real file load through the whole ingest engine: 1.3 s in a loaded unit lane
def test_chinese_seller_center_headers(drop, query):
    (path,) = drop("tiktok/订单导出-2025-10-31.csv")
    r = _one(ingest_paths([path]))
    assert (r.status, r.kind, r.rows_loaded) == ("loaded", "tiktok_orders", 3)
    assert query("SELECT sum(quantity), count(DISTINCT order_id) FROM raw.tiktok_orders") == [(4, 2)]


@pytest.mark.slow  # a real file load through the whole ingest engine: 2.2 s in a loaded unit lane
def test_affiliate_percent_and_yes_no(drop, query):
    (path,) = drop("tiktok/affiliate_orders_2025-10.csv")
    assert _one(ingest_paths([path])).status == "loaded"
    assert query(
        "SELECT standard_commission_rate, shop_ads_commission_rate, fully_returned_or_refunded, time_created "
        "FROM raw.tiktok_affiliate_orders ORDER BY _row_number"
    ) == [
        (Decimal("0.10"), None, False, datetime(2025, 10, 3, 21, 14, 2)),
        (Decimal("0.125"), Decimal("0.05"), True, datetime(2025, 10, 21, 8, 2, 59)),
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 2.7 s in a loaded unit lane
@pytest.mark.parametrize("name", ["tiktok/Video List 2025-10-01_2025-10-31.xlsx", "tiktok/video_list_export.csv"])
def test_video_list_durations_dashes_and_formatted_numbers(drop, query, name):
    (path,) = drop(name)
    assert _one(ingest_paths([path])).status == "loaded"
    assert query(
        "SELECT gmv, affiliate_shoppable_video_gmv, shoppable_video_impressions, affiliate_ctr, "
        "video_duration_seconds, avg_watch_time_seconds, video_post_date FROM raw.tiktok_video_performance ORDER BY _row_number"
    ) == [
        (Decimal("1205.33"), Decimal("1205.33"), 48210, Decimal("0.0411"), 88, 41, date(2025, 10, 2)),
        (Decimal("205.33"), None, 9876, None, 45, None, date(2025, 10, 9)),
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 1.8 s in a loaded unit lane
def test_product_analytics_sections_and_period_from_a1(drop, query):
    (path,) = drop("tiktok/Product Analytics.xlsx")
    r = _one(ingest_paths([path]))
    assert r.status == "loaded", r.message
    assert query(
        "SELECT product_id, gmv, items_sold, creator_attributed_gmv, affiliate_items_sold, product_card_items_sold, "
        "refunds, _file_period_start, _file_period_end FROM raw.tiktok_product_analytics ORDER BY _row_number"
    ) == [
        ("1729000000000000001", Decimal("3412.50"), 201, Decimal("2100.00"), 120, 34, Decimal("120.00"),
         date(2025, 10, 1), date(2025, 10, 31)),
        ("1729000000000000002", Decimal("880.00"), 55, Decimal("400.00"), 25, 12, None, date(2025, 10, 1), date(2025, 10, 31)),
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 1.3 s in a loaded unit lane
def test_ads_campaign_daily_negative_parentheses_and_product_variant(drop, query):
    paths = drop("tiktok/gmv_max_campaign_daily.csv", "tiktok/gmv_max_product_daily.csv")
    assert [r.status for r in ingest_paths(paths)] == ["loaded", "loaded"]
    assert query("SELECT cost FROM raw.tiktok_ads_campaign_daily WHERE product_id IS NULL ORDER BY _row_number") == [
        (Decimal("1234.56"),), (Decimal("980.10"),), (Decimal("-12.00"),)
    ]
    assert query("SELECT sum(product_ad_clicks), sum(cost) FROM raw.tiktok_ads_campaign_daily WHERE product_id IS NOT NULL") == [
        (3300, Decimal("1234.56"))
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 1.4 s in a loaded unit lane
def test_amazon_utf8_bom_trailing_column_offsets(drop, query):
    (path,) = drop("amazon/All Orders Report 2025-10.txt")
    r = _one(ingest_paths([path]))
    assert (r.status, r.kind, r.rows_loaded) == ("loaded", "amazon_all_orders", 2)
    rows = query(
        "SELECT amazon_order_id, purchase_date, item_price, currency, _currency, ship_zip3, is_business_order "
        "FROM raw.amazon_all_orders ORDER BY _row_number"
    )
    assert rows[0] == ("113-4567890-1234567", datetime(2025, 10, 5, 18, 22, 11, tzinfo=UTC),
                       Decimal("39.98"), "USD", "USD", "911", False)
    # -07:00 offset becomes the same instant in UTC; the pending item has no price (not zero).
    assert rows[1][1] == datetime(2025, 10, 31, 6, 59, 59, tzinfo=UTC)
    assert rows[1][2] is None and rows[1][6] is True


@pytest.mark.slow  # a real file load through the whole ingest engine: 1.8 s in a loaded unit lane
def test_amazon_cp1252_file_loads_with_its_characters(drop, query):
    (path,) = drop("amazon/All Orders Report cp1252.txt")
    r = _one(ingest_paths([path]))
    assert r.status == "loaded", r.message
    assert query("SELECT encoding FROM raw._load_log") == [("cp1252",)]
    assert query("SELECT product_name FROM raw.amazon_all_orders ORDER BY _row_number LIMIT 1") == [
        ("Vitamin C Serum “Glow” 30ml – café edition",)
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 1.6 s in a loaded unit lane
def test_amazon_layout_variant_with_order_item_id(drop, query):
    (path,) = drop("amazon/all_orders_with_item_id.tsv")
    assert _one(ingest_paths([path])).status == "loaded"
    assert query("SELECT order_item_id FROM raw.amazon_all_orders ORDER BY _row_number") == [
        ("45678901234567",), ("45678901234568",)
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.7 s in a loaded unit lane
def test_business_report_period_from_file_name_and_total_only_variant(drop, query):
    paths = drop("amazon/BusinessReport-10-1-25_10-31-25.csv", "amazon/BusinessReport-2025-09-01_2025-09-30.csv")
    results = ingest_paths(paths)
    assert [r.status for r in results] == ["loaded", "loaded"], [r.message for r in results]
    assert query(
        "SELECT child_asin, sessions_total, featured_offer_percentage, units_ordered, ordered_product_sales, "
        "_file_period_start, _file_period_end FROM raw.amazon_business_report ORDER BY _file_period_start, _row_number"
    ) == [
        ("B0CXYZ1234", 2000, Decimal("0.985"), 1234, Decimal("24667.66"), date(2025, 9, 1), date(2025, 9, 30)),
        ("B0CXYZ1234", 2000, Decimal("0.985"), 1234, Decimal("24667.66"), date(2025, 10, 1), date(2025, 10, 31)),
        ("B0CXYZ5678", 2000, Decimal("0.985"), 310, Decimal("5580.00"), date(2025, 10, 1), date(2025, 10, 31)),
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.4 s in a loaded unit lane
def test_business_report_without_period_is_rejected_then_loads_with_explicit_period(drop, query):
    (path,) = drop("amazon/BusinessReport-11-3-25.csv")
    r = _one(ingest_paths([path]))
    assert r.status == "quarantined_file" and r.rule == "unknown_period"
    assert "--period" in r.message and "download day" in r.message
    moved = settings.quarantine_dir() / "BusinessReport-11-3-25.csv"
    r2 = _one(ingest_paths([moved], period="2025-10-01..2025-10-31", move_files=False))
    assert r2.status == "loaded"
    assert query("SELECT DISTINCT _file_period_start, _file_period_end FROM raw.amazon_business_report") == [
        (date(2025, 10, 1), date(2025, 10, 31))
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.8 s in a loaded unit lane
def test_shopify_order_level_fields_first_line_only(drop, query):
    (path,) = drop("shopify/orders_export_1.csv")
    assert _one(ingest_paths([path])).status == "loaded"
    rows = query(
        "SELECT order_name, _line_in_order, total, created_at, billing_zip3, note_attributes_attribution, "
        "discount_code, tags, source, buyer_key FROM raw.shopify_orders ORDER BY _row_number"
    )
    assert [(r[0], r[1], r[2]) for r in rows] == [("#1001", 1, Decimal("58.90")), ("#1001", 2, None), ("#1002", 1, Decimal("24.00"))]
    assert rows[0][3] == datetime(2025, 10, 7, 7, 50, 21, tzinfo=UTC)  # 09:50:21 +0200
    assert rows[0][4] == "750"  # '75011 -> apostrophe removed, first three characters kept
    assert rows[0][5] == "utm_source: tiktok\nutm_campaign: glow_oct\ntiktok_creator: glowwithkim"
    assert rows[2][5] == "source: TikTok Shop channel"
    assert rows[0][6:9] == ("GLOWKIM15", "tiktok, creator-code", "web")
    assert rows[0][9] == rows[1][9] != rows[2][9]  # same buyer on both lines, different buyer on #1002


@pytest.mark.parametrize(
    "name, rule",
    [
        ("tiktok/All order-2025-10-31-09_20-truncated.csv", "truncated_or_malformed"),
        ("rejects/All order-binary.csv", "binary_file"),
        ("rejects/empty_export.csv", "empty_file"),
        ("rejects/customer_list.csv", "unknown_format"),
    ],
)
def test_rejected_files_go_to_quarantine_with_reason(drop, query, name, rule):
    (path,) = drop(name)
    r = _one(ingest_paths([path]))
    assert (r.status, r.rule) == ("quarantined_file", rule)
    base = path.name
    assert not path.exists()
    assert (settings.quarantine_dir() / base).exists()
    reason = (settings.quarantine_dir() / f"{base}.reason.txt").read_text()
    assert base in reason and f"rule: {rule}" in reason
    assert query("SELECT status, rule FROM raw._load_log") == [("quarantined_file", rule)]
    if rule == "truncated_or_malformed":
        assert "line 4" in reason and "truncated" in reason


def test_unknown_headers_error_names_file_and_headers():
    with pytest.raises(UnknownFormatError) as err:
        detect_kind(FIXTURES / "rejects/customer_list.csv")
    # Only cells that are known header names are echoed (a header-less file would put personal data here).
    assert "customer_list.csv" in str(err.value) and "'Lifetime value'" not in str(err.value)
    assert "first row holds 3 cells that match no known header (not shown" in str(err.value)


@pytest.mark.slow  # loads every fixture file through the loader: 130 s in a loaded unit lane
def test_every_row_is_loaded_or_quarantined(drop, query):
    paths = drop(*(str(p.relative_to(FIXTURES)) for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix != ".py"))
    results = ingest_paths(paths)
    for r in results:
        assert r.rows_read == r.rows_loaded + r.rows_quarantined, r
    loaded = {r.batch_id: r for r in results if r.status == "loaded"}
    for batch_id, r in loaded.items():
        table = f"raw.{detect_kind(settings.archive_dir() / r.stored_as.split('/')[-1]).raw_table}"
        assert query(f"SELECT count(*) FROM {table} WHERE _batch_id = ?", [batch_id]) == [(r.rows_loaded,)]
        assert query("SELECT count(*) FROM raw._quarantined_rows WHERE batch_id = ?", [batch_id]) == [(r.rows_quarantined,)]
    assert query("SELECT sum(rows_read) - sum(rows_loaded) - sum(rows_quarantined) FROM raw._load_log") == [(0,)]


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.6 s in a loaded unit lane
def test_same_content_twice_is_a_duplicate(drop, query):
    (path,) = drop(TT_CSV)
    first = _one(ingest_paths([path]))
    sha = hashlib.sha256((FIXTURES / TT_CSV).read_bytes()).hexdigest()
    assert first.content_sha256 == sha
    assert (settings.archive_dir() / f"{sha}.csv").exists() and not path.exists()
    (again,) = drop(TT_CSV)
    second = _one(ingest_paths([again]))
    assert second.status == "duplicate" and second.batch_id == first.batch_id
    assert query("SELECT count(*) FROM raw.tiktok_orders") == [(3,)]
    assert query("SELECT count(*) FROM raw._load_log") == [(1,)]
    assert query("SELECT file_name FROM raw._load_log") == [("All order-2025-10-31-09_15.csv",)]
    assert not again.exists()


@pytest.mark.slow  # two loads through the GX gate: 18 s in a loaded unit lane
def test_failure_mid_file_rolls_everything_back(drop, query, monkeypatch):
    from orchestration.ingest import load

    ok_path, bad_path = drop("tiktok/affiliate_orders_2025-10.csv", TT_CSV)
    ingest_paths([ok_path])
    before = query("SELECT (SELECT count(*) FROM raw._load_log), (SELECT count(*) FROM raw._quarantined_rows)")

    def explode(*args, **kwargs):  # runs after the raw rows and quarantined rows were inserted
        raise RuntimeError("disk full")

    monkeypatch.setattr(load, "_summary", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_paths([bad_path])
    assert query("SELECT count(*) FROM raw.tiktok_orders") == [(0,)]
    assert query("SELECT (SELECT count(*) FROM raw._load_log), (SELECT count(*) FROM raw._quarantined_rows)") == before
    assert bad_path.exists()  # left in the inbox for a retry


@pytest.mark.slow  # loads every fixture file, then one scan per table: 100 s in a loaded unit lane
def test_no_personal_data_anywhere_in_the_warehouse(drop, query):
    paths = drop(*(str(p.relative_to(FIXTURES)) for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix != ".py"))
    ingest_paths(paths)
    columns = query(
        "SELECT table_schema, table_name, list(column_name ORDER BY ordinal_position) FROM information_schema.columns "
        "WHERE data_type IN ('VARCHAR', 'JSON') AND table_schema = 'raw' GROUP BY ALL ORDER BY ALL"
    )
    assert sum(len(cols) for _, _, cols in columns) > 100
    hits = []
    # One query per table: every text cell (its VARCHAR and JSON columns unpivoted), lower-cased, searched for
    # every planted value.
    for schema, table, cols in columns:
        quoted = [f'"{c}"' for c in cols]
        cast = ", ".join(f"CAST({q} AS VARCHAR) AS {q}" for q in quoted)
        hits += query(
            f'SELECT DISTINCT column_name, v.value FROM (UNPIVOT (SELECT {cast} FROM "{schema}"."{table}") '
            f"ON {', '.join(quoted)} INTO NAME column_name VALUE cell) "
            "JOIN (SELECT unnest(?) AS value) v ON contains(lower(cell), v.value)",
            [[v.lower() for v in PII_VALUES]],
        )
    assert hits == []
    salt = settings.secrets_dir() / "buyer_salt"
    assert stat.S_IMODE(os.stat(salt).st_mode) == 0o600 and len(salt.read_bytes()) == 32
    plain = hashlib.sha256(b"jenny_ok88").hexdigest()
    assert query("SELECT count(*) FROM raw.tiktok_orders WHERE buyer_key = ?", [plain]) == [(0,)]


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.2 s in a loaded unit lane
def test_inbox_asset_filter_loads_only_its_kind_but_quarantines_unknown(drop, query):
    drop(TT_CSV, "shopify/orders_export_1.csv", "rejects/customer_list.csv")
    results = ingest_inbox(kinds={"shopify_orders"})
    assert sorted((r.file, r.status) for r in results) == [
        ("customer_list.csv", "quarantined_file"), ("orders_export_1.csv", "loaded")
    ]
    assert (settings.inbox_dir() / "All order-2025-10-31-09_15.csv").exists()


@pytest.mark.parametrize(
    "name, kind",
    [
        (TT_CSV, "tiktok_orders"), (TT_XLSX, "tiktok_orders"), ("tiktok/affiliate_orders_2025-10.csv", "tiktok_affiliate_orders"),
        ("tiktok/Video List 2025-10-01_2025-10-31.xlsx", "tiktok_video_performance"),
        ("tiktok/Product Analytics.xlsx", "tiktok_product_analytics"),
        ("tiktok/gmv_max_product_daily.csv", "tiktok_ads_campaign_daily"),
        ("amazon/All Orders Report cp1252.txt", "amazon_all_orders"),
        ("amazon/BusinessReport-2025-09-01_2025-09-30.csv", "amazon_business_report"),
        ("shopify/orders_export_1.csv", "shopify_orders"),
    ],
)
def test_detect_kind_by_headers_not_name(tmp_path, name, kind):
    renamed = tmp_path / ("export" + (FIXTURES / name).suffix)
    renamed.write_bytes((FIXTURES / name).read_bytes())
    assert detect_kind(renamed).kind == kind


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.4 s in a loaded unit lane
def test_progress_reports_rows_per_file_and_stages(drop):
    paths = drop(TT_CSV, "rejects/customer_list.csv")
    counts, stages = [], []
    results = ingest_paths(paths, progress=counts.append, on_event=lambda e: stages.append((e.file, e.stage)))
    assert counts == [r.rows_read for r in results] == [4, 0]
    seen = [s for f, s in stages if f == Path(TT_CSV).name and s != "hashing"]
    assert seen == ["reading", "parsing", "validating", "writing", "done", "filed"]
