"""The settlement exports (TikTok Shop statements, Amazon Transaction and FBA returns reports, Shopify
Payments transactions): each loads from a realistic fixture with its quirks, broken variants are
quarantined with a reason a seller can act on."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration import settings
from orchestration.ingest import detect_kind, ingest_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
S = "settlements"


def _one(results):
    assert len(results) == 1, results
    return results[0]


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.5 s in a loaded unit lane
def test_tiktok_statement_csv_keeps_every_fee_line_later_refunds_and_orderless_adjustments(drop, query):
    (path,) = drop(f"{S}/TikTok statement order details 2025-10.csv")
    r = _one(ingest_paths([path]))
    assert (r.kind, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("tiktok_statements", "loaded", 7, 5, 2)
    rows = query(
        "SELECT statement_id, payment_id, type, order_adjustment_id, related_order_id, sku_id, total_settlement_amount, "
        "total_revenue, total_fees, referral_fee, affiliate_commission, shipping_total, adjustment_amount, statement_date "
        "FROM raw.tiktok_statements ORDER BY _row_number"
    )
    # The same order in two statements: first the sale, a week later one unit refunded.
    assert [(x[0], x[3], x[5]) for x in rows[:3]] == [
        ("7301234567890123401", "576461234567890123", "1729384756102938475"),
        ("7301234567890123401", "576461234567890123", "1729384756102938476"),
        ("7301234567890123402", "576461234567890123", "1729384756102938475"),
    ]
    first = rows[0]
    # Fees are negative; settlement = revenue + fees + shipping (+ adjustment).
    assert first[7:12] == (Decimal("35.98"), Decimal("-5.88"), Decimal("-2.28"), Decimal("-3.60"), Decimal("0.79"))
    assert first[6] == first[7] + first[8] + first[11]
    assert str(first[13]) == "2025-10-14"
    # An adjustment without any order is kept; one naming the order it compensates keeps that link.
    assert [(x[2], x[4], x[12], x[6]) for x in rows[3:]] == [
        ("Logistics reimbursement", None, Decimal("6.45"), Decimal("6.45")),
        ("Platform compensation", "576461234567890456", Decimal("3.00"), Decimal("3.00")),
    ]
    reasons = query("SELECT row_number, rule, reason FROM raw._quarantined_rows ORDER BY row_number")
    assert [(x[0], x[1]) for x in reasons] == [(6, "excel_damaged_id"), (7, "unparsable_money")]
    assert "5.76461E+17" in reasons[0][2] and "'Total settlement amount'" in reasons[1][2] and "15,00.0x" in reasons[1][2]


@pytest.mark.slow  # a real file load through the whole ingest engine: 2.8 s in a loaded unit lane
def test_tiktok_statement_xlsx_reads_the_order_details_sheet_after_a_summary(drop, query):
    (path,) = drop(f"{S}/Statement_7301234567890123401.xlsx")
    r = _one(ingest_paths([path]))
    assert (r.kind, r.status, r.rows_loaded) == ("tiktok_statements", "loaded", 4)
    assert query("SELECT count(DISTINCT statement_id), sum(total_settlement_amount) FROM raw.tiktok_statements") == [
        (2, Decimal("31.73"))
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 2.1 s in a loaded unit lane
def test_amazon_transactions_skip_the_preamble_and_read_zone_abbreviations(drop, query):
    (path,) = drop(f"{S}/2025Oct1-2025Nov4CustomTransaction.csv")
    r = _one(ingest_paths([path]))
    assert (r.kind, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("amazon_transactions", "loaded", 8, 7, 1)
    rows = query(
        "SELECT date_time, type, order_id, sku, total, transaction_status, transaction_release_date, order_state, "
        "order_zip3, description FROM raw.amazon_transactions ORDER BY _row_number"
    )
    # PDT before the clocks change (UTC-7), PST after (UTC-8): stored as UTC instants.
    assert rows[0][0] == datetime(2025, 10, 7, 9, 3, 11, tzinfo=UTC)
    assert rows[1][0] == datetime(2025, 11, 2, 18, 15, 40, tzinfo=UTC)
    assert [x[1] for x in rows] == ["Order", "Refund", "Adjustment", "Service Fee", "FBA Inventory Fee", "Transfer", "Order"]
    assert rows[0][4] == Decimal("23.24") and rows[1][4] == Decimal("-15.83")
    assert rows[5][2] is None and rows[5][4] == Decimal("-1234.56")  # the bank transfer: no order, 1,234.56
    assert rows[6][5:7] == ("Deferred", datetime(2025, 11, 12, 5, 0, tzinfo=UTC))
    assert rows[0][7:9] == ("CA", "911") and rows[0][9] == 'Vitamin C Serum "Glow" 30ml'
    (reason,) = query("SELECT rule, reason FROM raw._quarantined_rows")
    assert reason[0] == "unparsable_datetime" and "CET" in reason[1] and "'date/time'" in reason[1]


@pytest.mark.slow  # a real file load through the whole ingest engine: 2.3 s in a loaded unit lane
def test_amazon_transactions_older_header_generation(drop, query):
    (path,) = drop(f"{S}/2024JanMonthlyTransaction.csv")
    r = _one(ingest_paths([path]))
    assert (r.kind, r.status, r.rows_loaded, r.rows_quarantined) == ("amazon_transactions", "loaded", 2, 0)
    assert query("SELECT sku, total, transaction_status, account_type, date_time FROM raw.amazon_transactions "
                 "ORDER BY _row_number") == [
        ("MASK-5PK", Decimal("11.20"), None, None, datetime(2024, 1, 6, 6, 23, 5, tzinfo=UTC)),
        (None, Decimal("-11.20"), None, None, datetime(2024, 1, 18, 12, 0, tzinfo=UTC)),
    ]


def test_truncated_transaction_report_is_quarantined_with_the_line(drop, query):
    (path,) = drop(f"{S}/2025Oct1-2025Nov4CustomTransaction-truncated.csv")
    r = _one(ingest_paths([path]))
    assert (r.status, r.rule) == ("quarantined_file", "truncated_or_malformed")
    reason = (settings.quarantine_dir() / f"{path.name}.reason.txt").read_text()
    assert "truncated" in reason and "re-download" in reason
    assert query("SELECT count(*) FROM raw.amazon_transactions") == [(0,)]


@pytest.mark.slow  # a real file load through the whole ingest engine: 2.0 s in a loaded unit lane
def test_fba_returns_drop_comments_and_quarantine_bad_rows(drop, query):
    (path,) = drop(f"{S}/FBA Customer Returns 2025-10.txt")
    r = _one(ingest_paths([path]))
    assert (r.kind, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("amazon_fba_returns", "loaded", 4, 2, 2)
    assert query("SELECT order_id, sku, quantity, detailed_disposition, reason, status, product_name, return_date "
                 "FROM raw.amazon_fba_returns ORDER BY _row_number") == [
        ("113-4567890-1234567", "SERUM-30ML", 1, "SELLABLE", "UNWANTED_ITEM", "Unit returned to inventory",
         'Vitamin C Serum "Glow" 30ml', datetime(2025, 10, 28, 17, 2, 11, tzinfo=UTC)),
        ("113-4567890-7654321", "MASK-5PK", 1, "CUSTOMER_DAMAGED", "DEFECTIVE", "Reimbursed", "Hydrogel Eye Mask, 5 pack",
         datetime(2025, 11, 2, 17, 40, tzinfo=UTC)),
    ]
    cols = {c[0] for c in query("SELECT column_name FROM information_schema.columns WHERE table_name = 'amazon_fba_returns'")}
    assert "customer_comments" not in cols
    assert query("SELECT row_number, rule FROM raw._quarantined_rows ORDER BY 1") == [
        (3, "missing_value"), (4, "unparsable_int")
    ]
    assert query("SELECT count(*) FROM raw._quarantined_rows WHERE original_values::VARCHAR ILIKE '%kowalski%'") == [(0,)]


@pytest.mark.slow  # a real file load through the whole ingest engine: 1.8 s in a loaded unit lane
def test_shopify_payouts_transactions_sum_to_each_payout(drop, query):
    (path,) = drop(f"{S}/payment_transactions_export_1.csv")
    r = _one(ingest_paths([path]))
    assert (r.kind, r.status, r.rows_loaded) == ("shopify_payouts", "loaded", 8)
    assert query(
        "SELECT payout_id, sum(net) FILTER (WHERE type <> 'payout'), -sum(net) FILTER (WHERE type = 'payout'), "
        "min(payout_date) FROM raw.shopify_payouts GROUP BY 1 ORDER BY 1"
    ) == [("98765001", Decimal("66.39"), Decimal("66.39"), datetime(2026, 9, 3).date()),
          ("98765002", Decimal("96.27"), Decimal("96.27"), datetime(2026, 9, 8).date())]
    assert query("SELECT transaction_date FROM raw.shopify_payouts ORDER BY _row_number LIMIT 1") == [
        (datetime(2026, 9, 1, 14, 15, tzinfo=UTC),)
    ]


@pytest.mark.slow  # a real file load through the whole ingest engine: 1.6 s in a loaded unit lane
def test_shopify_payouts_in_two_currencies_are_refused(drop, query):
    (path,) = drop(f"{S}/payment_transactions_export_mixed_currency.csv")
    r = _one(ingest_paths([path]))
    assert (r.status, r.rule) == ("quarantined_file", "one_currency_per_file")
    assert "CAD" in r.message and "row 5" in r.message
    assert query("SELECT count(*) FROM raw.shopify_payouts") == [(0,)]


@pytest.mark.parametrize(
    "name, kind",
    [
        ("TikTok statement order details 2025-10.csv", "tiktok_statements"),
        ("Statement_7301234567890123401.xlsx", "tiktok_statements"),
        ("2025Oct1-2025Nov4CustomTransaction.csv", "amazon_transactions"),
        ("2024JanMonthlyTransaction.csv", "amazon_transactions"),
        ("FBA Customer Returns 2025-10.txt", "amazon_fba_returns"),
        ("payment_transactions_export_1.csv", "shopify_payouts"),
    ],
)
def test_settlement_kinds_are_detected_by_headers_not_name(tmp_path, name, kind):
    renamed = tmp_path / ("download" + (FIXTURES / S / name).suffix)
    renamed.write_bytes((FIXTURES / S / name).read_bytes())
    assert detect_kind(renamed).kind == kind
