"""Settlements on the real demo build: Amazon returns and refunds reach the category marts, every
statement and payout of the demo is reproduced to the cent, and the reconciliation finds exactly the
differences the demo planted — a missing settlement, a fee dispute, a reimbursement — and nothing else.

Uses the session fixture `built_warehouse` (tests/conftest.py); the demo's ground truth is in
`<home>/demo_truth/ground_truth.json` (`settlement`).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from streamlit_app.i18n import fmt_money, t
from tests.app.marts_fixture import APP_PATH

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(request) -> Path:
    return request.getfixturevalue("built_warehouse")


@pytest.fixture(scope="module")
def truth(home) -> dict:
    return json.loads((home / "demo_truth" / "ground_truth.json").read_text(encoding="utf-8"))["settlement"]


@pytest.fixture(scope="module")
def con(home):
    with duckdb.connect(str(home / "published.duckdb"), read_only=True) as connection:
        yield connection


def one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()


def test_amazon_margins_include_returns_and_refunds(con, truth):
    returned, sold, refunds, rate = one(con, """
        select sum(units_returned), sum(units_sold), sum(refunds_usd), sum(units_returned) / sum(units_sold)
        from marts.mart_category_performance where channel = 'amazon'""")
    assert returned == truth["amazon"]["returned_units_reported"] > 0
    # What the buyers got back per the Transaction report's Refund rows.
    assert refunds == pytest.approx(-truth["amazon"]["refunds_buyer_usd"], abs=0.05)
    assert 0.02 < rate < 0.4
    # Every category row now has an Amazon return rate (the returns report is loaded): never null.
    assert one(con, """select count(*) from marts.mart_category_performance
                       where channel = 'amazon' and units_sold > 0 and return_rate is null""")[0] == 0


def test_every_statement_and_payment_is_reproduced_to_the_cent(con, truth):
    statements = dict(con.execute("""
        select statement_id, round(sum(amount_usd), 2) from intermediate.int_settlement_components
        where channel = 'tiktok_shop' group by 1""").fetchall())
    expected = truth["tiktok_shop"]["statement_totals_usd"]
    assert statements.keys() == expected.keys()
    assert max(abs(statements[k] - v) for k, v in expected.items()) <= 0.01
    payments = dict(con.execute("""
        select payout_id, paid_usd from marts.mart_payout_reconciliation where channel = 'tiktok_shop'""").fetchall())
    assert {k: float(v) for k, v in payments.items()} == pytest.approx(truth["tiktok_shop"]["payment_totals_usd"], abs=0.01)


def test_category_money_reconciles_to_each_statement(con, truth):
    # What the order lines (and so the category marts) carry from each statement adds back up to the
    # statement's total within a cent: nothing lost or counted twice on the way to the margins.
    by_statement = dict(con.execute("""
        select statement_id, round(sum(amount_usd * weight), 2) from intermediate.int_settlement_allocation
        where channel = 'tiktok_shop' group by 1""").fetchall())
    expected = truth["tiktok_shop"]["statement_totals_usd"]
    assert by_statement.keys() == expected.keys()
    assert max(abs(by_statement[k] - v) for k, v in expected.items()) <= 0.01
    # In the marts: settled revenue less the fees actually charged, creator commissions and shipping as settled.
    marts_money = one(con, """
        select sum(coalesce(f.actual_net_revenue_usd, 0) - coalesce(f.actual_platform_fees_usd, 0))
               + sum(coalesce(s.settled_affiliate_fee_usd, 0) + coalesce(s.settled_shipping_usd, 0))
        from marts.fct_order_lines as f
        left join intermediate.int_order_line_settlements as s using (order_line_id)
        where f.channel = 'tiktok_shop'""")[0]
    assert marts_money == pytest.approx(truth["tiktok_shop"]["total_settled_usd"], abs=0.01 * len(expected))
    share = one(con, """select sum(net_revenue_settled_usd) / sum(net_revenue_usd)
                        from marts.mart_category_performance where channel = 'tiktok_shop'""")[0]
    assert 0.8 < share < 1


def test_payouts_add_up_and_nothing_is_unexplained(con, truth):
    rows = con.execute("""
        select channel, payout_id, paid_usd, expected_sales_usd + sales_difference_usd + orphan_sales_usd + shipping_usd
               + refunds_usd + fees_usd + adjustments_usd + reimbursements_usd + account_fees_usd
               + transfer_difference_usd, unexplained_usd, is_paid
        from marts.mart_payout_reconciliation""").fetchall()
    assert {r[0] for r in rows} == {"tiktok_shop", "amazon", "shopify"}
    assert all(abs(r[2] - r[3]) <= 0.01 for r in rows if r[5])
    assert [r for r in rows if abs(r[4]) > 0.01] == []
    paid = dict(con.execute("""select channel, sum(paid_usd) from marts.mart_payout_reconciliation
                               where is_paid group by 1""").fetchall())
    assert float(paid["amazon"]) == pytest.approx(truth["amazon"]["transfers_usd"], abs=0.01)
    assert float(paid["shopify"]) == pytest.approx(truth["shopify"]["paid_out_usd"], abs=0.01)


def test_findings_are_exactly_the_planted_differences(con, truth):
    found = con.execute("""select exception_kind, channel, order_id, amount_usd
                           from marts.mart_settlement_exceptions order by 1""").fetchall()
    planted = truth["planted"]
    (missing,), (dispute,), (reimbursed,) = planted["never_settled"], planted["fee_disputes"], planted["reimbursements"]
    assert [(k, c, o) for k, c, o, _ in found] == [
        ("fee_above_rate_card", "tiktok_shop", f"tiktok_shop:{dispute['order_id']}"),
        ("never_settled", "tiktok_shop", f"tiktok_shop:{missing['order_id']}"),
        ("reimbursement", "amazon", f"amazon:{reimbursed['order_id']}"),
    ]
    amounts = {k: float(a) for k, _, _, a in found}
    assert amounts["fee_above_rate_card"] == pytest.approx(dispute["overcharge_usd"], abs=0.01)
    assert amounts["never_settled"] == pytest.approx(missing["expected_revenue_usd"], abs=0.01)
    assert amounts["reimbursement"] == pytest.approx(reimbursed["amount_usd"], abs=0.001)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_payouts_page_shows_the_findings_and_the_unexplained_total(home, con, lang):
    at = AppTest.from_file(str(APP_PATH), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/settlements.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("settle.title", lang)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("settle.kpi.unexplained", lang)] == fmt_money(0.0, lang)
    assert metrics[t("settle.kpi.findings", lang)] == "3"
    assert [s.value for s in at.success] == [t("settle.unexplained_none", lang)]
    findings = at.dataframe[0].value
    kinds = sorted(findings[t("settle.col.kind", lang)])
    assert kinds == sorted(t(f"settle.kind.{k}", lang) for k in ("never_settled", "fee_above_rate_card", "reimbursement"))
    shown_orders = set(findings[t("settle.col.order", lang)])
    expected = {r[0].split(":", 1)[1] for r in con.execute(
        "select order_id from marts.mart_settlement_exceptions").fetchall()}
    assert shown_orders == expected
