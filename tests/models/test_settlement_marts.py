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
def home(built_warehouse) -> Path:
    return built_warehouse


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
    returned, _sold, refunds, rate = one(con, """
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


def test_every_amazon_settlement_and_shopify_payout_reaches_the_order_lines_to_the_cent(con):
    # Per Amazon settlement and Shopify payout that reached the bank: the money attached to order lines plus
    # the rows naming no order (subscription, storage) is the bank transfer in the seller's own file.
    rows = con.execute("""
        with attached as (
            select channel, payout_id, sum(amount_usd * weight) as usd
            from intermediate.int_settlement_allocation group by all
        ),
        unattached as (
            select c.channel, c.payout_id, sum(c.amount_usd) as usd
            from intermediate.int_settlement_components as c
            where c.component <> 'transfer' and not exists (
                select 1 from intermediate.int_settlement_allocation as a
                where a.settlement_row_id = c.settlement_row_id and a.component = c.component)
            group by all
        ),
        transfers as (
            select channel, payout_id, -sum(amount_usd) as usd
            from intermediate.int_settlement_components where component = 'transfer' group by all
        )
        select t.channel, t.payout_id, coalesce(a.usd, 0) + coalesce(u.usd, 0), t.usd
        from transfers as t
        left join attached as a using (channel, payout_id)
        left join unattached as u using (channel, payout_id)
        where t.channel in ('amazon', 'shopify')""").fetchall()
    by_channel = {c: [r for r in rows if r[0] == c] for c in ("amazon", "shopify")}
    assert len(by_channel["amazon"]) > 20 and len(by_channel["shopify"]) > 300
    off = [(c, p, round(got, 2), round(paid, 2)) for c, p, got, paid in rows if abs(got - paid) > 0.01]
    assert off == []


def test_settled_figures_in_the_marts_are_the_money_the_statements_attach(con):
    # Per channel, the category mart's settled revenue and fees are exactly the order lines' actual figures,
    # and those are the statement money attached to the lines, component by component (within a cent).
    rows = con.execute("""
        with lines as (
            select channel, sum(actual_net_revenue_usd) as revenue, sum(actual_platform_fees_usd) as fees,
                   sum(actual_fulfilment_cost_usd) as fba,
                   sum(net_revenue_usd) filter (where is_settled) as settled_revenue,
                   sum(platform_fees_usd) filter (where is_settled) as settled_fees
            from marts.fct_order_lines group by 1
        ),
        attached as (
            select s.channel,
                   sum(coalesce(settled_sales_usd, 0) + coalesce(settled_refunds_usd, 0)) as revenue,
                   -sum(coalesce(settled_fees_usd, 0) - coalesce(settled_affiliate_fee_usd, 0)
                        - coalesce(settled_fulfilment_fee_usd, 0)) as fees,
                   -sum(coalesce(settled_fulfilment_fee_usd, 0)) as fba
            from intermediate.int_order_line_settlements as s
            join marts.fct_order_lines as f using (order_line_id)
            where f.is_settled group by 1
        ),
        mart as (
            select channel, sum(net_revenue_settled_usd) as revenue, sum(platform_fees_settled_usd) as fees
            from marts.mart_category_performance group by 1
        )
        select l.channel, l.revenue, a.revenue, l.fees, a.fees, l.fba, a.fba, l.settled_revenue, m.revenue,
               l.settled_fees, m.fees
        from lines as l join attached as a using (channel) join mart as m using (channel)""").fetchall()
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == {"tiktok_shop", "amazon", "shopify"}
    for channel, (rev, a_rev, fees, a_fees, fba, a_fba, settled_rev, m_rev, settled_fees, m_fees) in got.items():
        assert settled_rev == pytest.approx(m_rev, abs=0.01), channel
        assert settled_fees == pytest.approx(m_fees, abs=0.01), channel
        assert fees == pytest.approx(a_fees, abs=0.01), channel
        if channel == "shopify":  # a payout charge mixes goods, shipping and tax: revenue stays the export's
            assert rev is None and fba is None
        else:
            assert rev == pytest.approx(a_rev, abs=0.01), channel
    assert got["amazon"][4] == pytest.approx(got["amazon"][5], abs=0.01) and got["amazon"][4] > 0


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
