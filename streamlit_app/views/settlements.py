"""Payouts page: what the platforms actually paid, against what the orders say — per bank payout, with
every difference split into fees, refunds, adjustments and reimbursements, what nothing explains shown
first, and the findings a seller should act on (orders never settled, fees above the rate card,
reimbursements, settlements of unknown orders)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from streamlit_app import components, data
from streamlit_app.i18n import fmt_count, fmt_money, label_for, t

RECONCILIATION = "marts.mart_payout_reconciliation"
EXCEPTIONS = "marts.mart_settlement_exceptions"
MONEY_COLUMNS = ("expected_sales_usd", "sales_difference_usd", "orphan_sales_usd", "shipping_usd", "refunds_usd",
                 "fees_usd", "adjustments_usd", "reimbursements_usd", "account_fees_usd", "transfer_difference_usd",
                 "paid_usd", "unexplained_usd")


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    payouts = data.query(f"select * from {RECONCILIATION} order by payout_date desc nulls last, channel, payout_id")
    findings = data.query(
        f"select * from {EXCEPTIONS} order by case exception_kind when 'unexplained_payout' then 0 "
        "when 'never_settled' then 1 when 'fee_above_rate_card' then 2 when 'orphan_settlement' then 3 else 4 end, "
        "event_date, channel"
    )
    return payouts, findings


def headline(payouts: pd.DataFrame, findings: pd.DataFrame, lang: str) -> None:
    unexplained = float(payouts["unexplained_usd"].sum())
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("settle.kpi.paid", lang), fmt_money(float(payouts["paid_usd"].sum()), lang))
    c2.metric(t("settle.kpi.expected", lang), fmt_money(float(payouts["expected_sales_usd"].sum()), lang),
              help=t("settle.kpi.expected_help", lang))
    c3.metric(t("settle.kpi.unexplained", lang), fmt_money(unexplained, lang), help=t("settle.kpi.unexplained_help", lang))
    c4.metric(t("settle.kpi.findings", lang), fmt_count(len(findings), lang))
    if abs(unexplained) > 0.01:
        st.error(t("settle.unexplained_alert", lang, amount=fmt_money(unexplained, lang)))
    else:
        st.success(t("settle.unexplained_none", lang))


def findings_table(findings: pd.DataFrame, lang: str) -> None:
    st.subheader(t("settle.findings.header", lang))
    st.caption(t("settle.findings.intro", lang))
    detail = findings["detail_zh"] if lang == "zh" else findings["detail"]
    display = pd.DataFrame({
        t("settle.col.kind", lang): [label_for("settle.kind", k, lang) for k in findings["exception_kind"]],
        t("settle.col.channel", lang): [label_for("categories.channel", c, lang) for c in findings["channel"]],
        t("settle.col.order", lang): findings["order_id"].fillna("—").str.split(":", n=1).str[-1],
        t("settle.col.payout", lang): findings["payout_id"].fillna("—"),
        t("settle.col.date", lang): findings["event_date"].astype(str),
        t("settle.col.amount", lang): [fmt_money(float(v), lang) for v in findings["amount_usd"]],
        t("settle.col.detail", lang): detail,
    })
    components.table(display, raw=findings, key="settle_findings", file_stem="settlement_findings")


def channel_summary(payouts: pd.DataFrame, lang: str) -> None:
    st.subheader(t("settle.channels.header", lang))
    st.caption(t("settle.channels.intro", lang))
    sums = payouts.groupby("channel", as_index=False)[list(MONEY_COLUMNS)].sum()
    counts = payouts.groupby("channel", as_index=False)["payout_id"].count()
    sums = sums.merge(counts, on="channel")
    display = pd.DataFrame({t("settle.col.channel", lang): [label_for("categories.channel", c, lang)
                                                            for c in sums["channel"]],
                            t("settle.col.payouts", lang): [fmt_count(v, lang) for v in sums["payout_id"]]})
    for col in MONEY_COLUMNS:
        display[t(f"settle.col.{col}", lang)] = [fmt_money(float(v), lang) for v in sums[col]]
    components.table(display, raw=sums, key="settle_channels", file_stem="payouts_by_channel")


def payouts_table(payouts: pd.DataFrame, lang: str) -> None:
    st.subheader(t("settle.payouts.header", lang))
    display = pd.DataFrame({
        t("settle.col.channel", lang): [label_for("categories.channel", c, lang) for c in payouts["channel"]],
        t("settle.col.payout", lang): payouts["payout_id"],
        t("settle.col.date", lang): payouts["payout_date"].astype(str),
        t("settle.col.statements", lang): [fmt_count(v, lang) for v in payouts["statements"]],
    })
    for col in MONEY_COLUMNS:
        display[t(f"settle.col.{col}", lang)] = [fmt_money(float(v), lang) for v in payouts[col]]
    components.table(display, raw=payouts, key="settle_payouts", file_stem="payout_reconciliation", height=420)


def main() -> None:
    lang = components.page_header("settle")
    with components.data_guard():
        payouts, findings = load()
    if payouts.empty:
        st.info(t("settle.empty", lang), icon=":material/account_balance:")
        return
    headline(payouts, findings, lang)
    findings_table(findings, lang)
    channel_summary(payouts, lang)
    payouts_table(payouts, lang)


main()
