"""The demo's settlement files look like the real downloads (seller-export-formats.md §10-13) and agree
with the order files and the ground truth they were drawn from."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from decimal import Decimal

from tsw_demo import settlements as S

ZONE_TIME = re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4} (1[0-2]|[1-9]):[0-5]\d:[0-5]\d [AP]M P[SD]T$")


def _rows(path, encoding="utf-8-sig", skip=0, delimiter=","):
    text = path.read_bytes().decode(encoding)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows[skip], rows[skip + 1:]


def _paths(demo, kind):
    return [demo.out_dir / f.path for f in demo.by_kind(kind)]


def test_tiktok_statements_add_up_per_line_statement_and_payment(demo, truth):
    per_statement, per_payment = defaultdict(Decimal), defaultdict(Decimal)
    paths = _paths(demo, "tiktok_statements")
    assert len(paths) >= 12 and all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in paths)
    for path in paths:
        header, rows = _rows(path)
        assert header == S.TIKTOK_STATEMENT_COLUMNS
        ix = {c: i for i, c in enumerate(header)}
        for r in rows:
            d = {c: Decimal(r[ix[c]]) for c in ("Total settlement amount", "Total revenue", "Total fees", "Shipping",
                                                 "Adjustment amount", "Referral fee")}
            assert d["Total settlement amount"] == d["Total revenue"] + d["Total fees"] + d["Shipping"] + d["Adjustment amount"]
            assert d["Total fees"] <= 0 or d["Referral fee"] > 0  # fees are negative (given back on refunds)
            per_statement[r[ix["Statement ID"]]] += d["Total settlement amount"]
            per_payment[r[ix["Payment ID"]]] += d["Total settlement amount"]
    gt = truth["settlement"]["tiktok_shop"]
    assert {k: float(v) for k, v in per_statement.items()} == gt["statement_totals_usd"]
    assert {k: float(v) for k, v in per_payment.items()} == gt["payment_totals_usd"]


def test_an_order_settled_twice_when_a_return_follows(demo, truth):
    seen = defaultdict(set)
    for path in _paths(demo, "tiktok_statements"):
        header, rows = _rows(path)
        ix = {c: i for i, c in enumerate(header)}
        for r in rows:
            seen[(r[ix["Order/adjustment ID"]], r[ix["SKU ID"]])].add(r[ix["Statement ID"]])
    assert sum(len(v) > 1 for v in seen.values()) == truth["settlement"]["tiktok_shop"]["refund_lines"]
    missing = truth["settlement"]["planted"]["never_settled"][0]["order_id"]
    assert not any(order == missing for order, _ in seen)


def test_amazon_transaction_reports_preamble_zones_and_both_generations(demo, truth):
    paths = sorted(_paths(demo, "amazon_transactions"))
    widths = set()
    transfers = Decimal(0)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.startswith('"Includes Amazon Marketplace, Fulfillment by Amazon (FBA), and Amazon Webstore transactions"')
        header, rows = _rows(path, skip=7)
        widths.add(len(header))
        assert header[:3] == ["date/time", "settlement id", "type"]
        ix = {c: i for i, c in enumerate(header)}
        assert all(ZONE_TIME.match(r[ix["date/time"]]) for r in rows)
        transfers -= sum(Decimal(r[ix["total"]]) for r in rows if r[ix["type"]] == "Transfer")
    assert widths == {len(S.AMAZON_TX_COLUMNS), len(S.AMAZON_TX_2025_COLUMNS)}
    assert float(transfers) == truth["settlement"]["amazon"]["transfers_usd"]


def test_amazon_returns_report_and_refunds_follow_the_returns(demo, truth):
    (path,) = _paths(demo, "amazon_fba_returns")
    header, rows = _rows(path, encoding="utf-8", delimiter="\t")
    assert header == S.AMAZON_RETURNS_COLUMNS
    ix = {c: i for i, c in enumerate(header)}
    assert sum(int(r[ix["quantity"]]) for r in rows) == truth["settlement"]["amazon"]["returned_units_reported"]
    reimbursed = truth["settlement"]["planted"]["reimbursements"][0]
    assert [r[ix["status"]] for r in rows if r[ix["order-id"]] == reimbursed["order_id"]] == ["Reimbursed"]
    assert any(r[ix["customer-comments"]] for r in rows)  # free text the loader must never store


def test_shopify_payout_rows_equal_their_transactions(demo, truth):
    net, paid = defaultdict(Decimal), {}
    for path in _paths(demo, "shopify_payouts"):
        header, rows = _rows(path)
        assert header == S.SHOPIFY_PAYOUT_COLUMNS
        ix = {c: i for i, c in enumerate(header)}
        for r in rows:
            assert Decimal(r[ix["Net"]]) == Decimal(r[ix["Amount"]]) - Decimal(r[ix["Fee"]])
            if r[ix["Type"]] == "payout":
                paid[r[ix["Payout ID"]]] = -Decimal(r[ix["Net"]])
            elif r[ix["Payout ID"]]:
                net[r[ix["Payout ID"]]] += Decimal(r[ix["Net"]])
    assert paid == dict(net)
    assert float(sum(paid.values())) == truth["settlement"]["shopify"]["paid_out_usd"]
