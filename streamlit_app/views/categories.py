"""Categories page: which categories make money on which channel, how fast they grow, what the
cited articles say about them, and which products lose money — from the category marts.

Every figure is summed from the marts' additive columns over the chosen channels, categories and
months, and every rate is recomputed from those sums (a margin is never an average of margins).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from orchestration import settings
from orchestration.lib import seller_settings
from streamlit_app import components, data
from streamlit_app.i18n import (
    attribution_label,
    current_lang,
    fmt_count,
    fmt_money,
    fmt_percent,
    label_for,
    money_axis,
    t,
)
from streamlit_app.periods import PRESETS, preset_period, previous_period

DEFAULT_WINDOW_DAYS = 90
ADDITIVE = [
    "orders",
    "cancelled_orders",
    "units_sold",
    "units_returned",
    "gmv_usd",
    "seller_discount_usd",
    "platform_discount_usd",
    "net_sales_usd",
    "return_refunds_usd",
    "net_revenue_usd",
    "platform_fees_usd",
    "affiliate_commission_usd",
    "fulfilment_cost_usd",
    "cogs_usd",
    "ad_spend_usd",
    "contribution_margin_usd",
    "net_revenue_with_cost_usd",
    "net_revenue_settled_usd",
    # Units of rows whose returns are unknown (Amazon before its FBA customer returns report is loaded):
    # their return figures are unknown, not zero.
    "units_sold_returns_unknown",
]

def channel_label(channel: str, lang: str) -> str:
    key = f"categories.channel.{channel}"
    return t(key, lang)


def signal_label(market_signal: str | None, lang: str) -> str:
    """dim_categories' short label ('hot (US)', 'hot (CN,SEA)', 'no signal') in the reader's language."""
    if not isinstance(market_signal, str):
        return "—"
    kind, _, where = market_signal.partition(" (")
    if not where:
        return label_for("signal", market_signal, lang)
    places = ("、" if lang == "zh" else ", ").join(label_for("geo", g.strip(), lang) for g in where.rstrip(")").split(","))
    return f"{label_for('signal', kind, lang)} ({places})" if lang == "en" else f"{label_for('signal', kind, lang)}（{places}）"


# dim_categories.market_signal_detail: "hot (US, 2026): TikTok official — s000 p12; opportunity (…): … — s004 p12".
_SIGNAL_PART = re.compile(r"^(?P<kind>[\w ]+) \((?P<geo>[^,()]+), (?P<period>[^()]+)\): (?P<who>.+) — (?P<where>\S+ \S+)$")


def signal_detail(detail: str | None, lang: str) -> str:
    """Every article signal of a category in the reader's words: 热门（美国，2026）：TikTok 官方 — s000 p12."""
    if not isinstance(detail, str) or not detail:
        return "—"
    parts = []
    for part in detail.split("; "):
        match = _SIGNAL_PART.match(part.strip())
        if not match:
            parts.append(part)
            continue
        kind = label_for("signal", match["kind"], lang)
        geo = label_for("geo", match["geo"].strip(), lang)
        who = attribution_label(match["who"], lang)
        parts.append(f"{kind}（{geo}，{match['period']}）：{who} — {match['where']}" if lang == "zh"
                     else f"{kind} ({geo}, {match['period']}): {who} — {match['where']}")
    return ("；" if lang == "zh" else "; ").join(parts)


def category_label(category_id: str, categories: pd.DataFrame, lang: str) -> str:
    row = categories[categories["category_id"] == category_id]
    if row.empty:
        return category_id
    return str(row.iloc[0]["category_name_zh" if lang == "zh" else "category_name"])


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates recomputed from the summed components of each row."""
    out = frame.copy()
    # A margin only over the revenue whose unit costs are known; none at all when no cost is known
    # ("cost missing"), never a margin computed as if the missing costs were zero.
    with_cost = out["net_revenue_with_cost_usd"].where(out["net_revenue_with_cost_usd"] != 0)
    out["contribution_margin_usd"] = out["contribution_margin_usd"].where(with_cost.notna() | (out["net_revenue_usd"] == 0))
    out["contribution_margin_pct"] = out["contribution_margin_usd"] / with_cost
    revenue = out["net_revenue_usd"].where(out["net_revenue_usd"] != 0)
    out["share_of_revenue_without_cost"] = 1 - out["net_revenue_with_cost_usd"] / revenue
    units = out["units_sold"].where(out["units_sold"] != 0)
    has_returns = out["units_sold_returns_unknown"] == 0 if "units_sold_returns_unknown" in out else True
    out["return_rate"] = (out["units_returned"] / units).where(has_returns)
    sold_orders = (out["orders"] - out["cancelled_orders"]).where(lambda s: s != 0)
    out["avg_order_value_usd"] = out["net_sales_usd"] / sold_orders
    return out


def fmt_day(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.strftime("%Y-%m-%d")


def filters(
    performance: pd.DataFrame, categories: pd.DataFrame, first: date, latest: date, lang: str
) -> tuple[list[str], list[str], date, date]:
    c1, c2, c3 = st.columns([1, 2, 2])
    channels = sorted(performance["channel"].unique().tolist())
    chosen_channels = components.choice(
        c1.multiselect,
        t("categories.filter.channel", lang),
        channels,
        format_func=lambda c: channel_label(c, lang),
        key="categories_filter_channel",
        lang=lang,
        placeholder=t("filter.all", lang),
        help=t("categories.filter.help", lang),
    )
    category_ids = sorted(performance["category_id"].unique().tolist())
    chosen_categories = components.choice(
        c2.multiselect,
        t("categories.filter.category", lang),
        category_ids,
        format_func=lambda c: category_label(c, categories, lang),
        key="categories_filter_category",
        lang=lang,
        placeholder=t("filter.all", lang),
        help=t("categories.filter.help", lang),
    )
    preset = components.choice(
        c3.selectbox,
        t("categories.filter.period", lang),
        list(PRESETS),
        format_func=lambda p: t(f"categories.period.{p}", lang),
        key="categories_filter_period",
        lang=lang,
        help=t("categories.filter.period_help", lang, latest=fmt_day(latest, lang)),
    )
    start, end = preset_period(preset, first, latest)
    if preset == "custom":
        picked = st.date_input(
            t("categories.filter.custom", lang),
            value=tuple(min(max(d, first), latest) for d in preset_period("last_30", first, latest)),
            min_value=first,
            max_value=latest,
            format="YYYY-MM-DD",
            key="categories_filter_custom",
        )
        # While the reader is picking, the widget holds only the first day.
        picked = tuple(picked) if isinstance(picked, list | tuple) else (picked,)
        start, end = (picked[0], picked[-1]) if picked else (first, latest)
    return chosen_channels or channels, chosen_categories or category_ids, start, end


def category_channel_table(selected: pd.DataFrame, previous: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    summed = with_rates(selected.groupby(["category_id", "channel"], as_index=False)[ADDITIVE].sum())
    # Against the previous period of the same length, per category and channel (empty where it sold nothing).
    before = previous.groupby(["category_id", "channel"])["net_revenue_usd"].sum()
    keys = list(zip(summed["category_id"], summed["channel"], strict=True))
    prev_v = pd.Series([before.get(k) for k in keys], index=summed.index, dtype=float)
    summed["net_revenue_prev_period_usd"] = prev_v
    summed["net_revenue_change"] = summed["net_revenue_usd"] / prev_v.where(prev_v != 0) - 1
    signals = categories.set_index("category_id")
    summed["market_signal"] = [signals["market_signal"].get(c) for c in summed["category_id"]]
    summed["signal_claim_ids"] = [signals["signal_claim_ids"].get(c) for c in summed["category_id"]]
    summed["signal_source_ids"] = [signals["signal_source_ids"].get(c) for c in summed["category_id"]]
    return summed.sort_values("net_revenue_usd", ascending=False).reset_index(drop=True)


def headline(frame: pd.DataFrame) -> dict[str, float | None]:
    """The four headline figures of a set of category × channel rows, from their sums."""
    revenue = frame["net_revenue_usd"].sum()
    with_cost = frame["net_revenue_with_cost_usd"].sum()
    margin = frame["contribution_margin_usd"].sum(min_count=1) if with_cost else None
    margin = None if margin is None or pd.isna(margin) else float(margin)
    with_returns = frame[frame["units_sold_returns_unknown"] == 0]
    units = with_returns["units_sold"].sum()
    return {
        "revenue": float(revenue),
        "with_cost": float(with_cost),
        "margin": margin,
        "margin_pct": margin / with_cost if margin is not None else None,
        "return_rate": with_returns["units_returned"].sum() / units if units else None,
    }


def _delta(now: float | None, before: float | None, fmt) -> str | None:
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return fmt(now - before)


def kpis(summed: pd.DataFrame, previous: pd.DataFrame | None, lang: str) -> None:
    """Headline figures of the period; with a previous period that sold something, the change against it."""
    now = headline(summed)
    before = headline(previous) if previous is not None and not previous.empty else None
    was = (lambda k: before[k]) if before else (lambda k: None)
    money = lambda v: ("+" if v > 0 else "") + fmt_money(v, lang)
    points = lambda v: t("categories.delta.points", lang, n=f"{v * 100:+.1f}")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("categories.kpi.net_revenue", lang), fmt_money(now["revenue"], lang),
              delta=_delta(now["revenue"], was("revenue"), money))
    c2.metric(t("categories.kpi.margin", lang),
              fmt_money(now["margin"], lang) if now["margin"] is not None else t("seller.cost_missing", lang),
              delta=_delta(now["margin"], was("margin"), money))
    c3.metric(t("categories.kpi.margin_pct", lang),
              fmt_percent(now["margin_pct"], lang) if now["margin"] is not None else t("seller.cost_missing", lang),
              delta=_delta(now["margin_pct"], was("margin_pct"), points))
    c4.metric(
        t("categories.kpi.return_rate", lang),
        fmt_percent(now["return_rate"], lang),
        delta=_delta(now["return_rate"], was("return_rate"), points),
        delta_color="inverse",
        help=t("categories.kpi.return_rate_help", lang),
    )
    revenue, with_cost = now["revenue"], now["with_cost"]
    if revenue and with_cost < revenue - 0.005:
        st.caption(t("seller.cost_missing_share", lang, share=fmt_percent(1 - with_cost / revenue, lang)))
    if revenue:
        settled = summed["net_revenue_settled_usd"].sum()
        if abs(settled) < 0.005:
            # No statement, transaction report or payout settles these sales (none loaded, or not paid yet).
            st.caption(t("categories.settled_none", lang))
        else:
            st.caption(t("categories.settled_share", lang, share=fmt_percent(settled / revenue, lang)))


def table_section(summed: pd.DataFrame, categories: pd.DataFrame, lang: str) -> None:
    st.subheader(t("categories.table.header", lang))
    display = pd.DataFrame(
        {
            t("categories.col.category", lang): [
                category_label(c, categories, lang) for c in summed["category_id"]
            ],
            t("categories.col.channel", lang): [channel_label(c, lang) for c in summed["channel"]],
            t("categories.col.net_revenue", lang): [fmt_money(v, lang) for v in summed["net_revenue_usd"]],
            t("categories.col.gmv", lang): [fmt_money(v, lang) for v in summed["gmv_usd"]],
            t("categories.col.margin", lang): [
                t("seller.cost_missing", lang) if pd.isna(v) and r else fmt_money(v, lang)
                for v, r in zip(summed["contribution_margin_usd"], summed["net_revenue_usd"], strict=True)
            ],
            t("categories.col.margin_pct", lang): [
                fmt_percent(v, lang) for v in summed["contribution_margin_pct"]
            ],
            t("categories.col.return_rate", lang): [fmt_percent(v, lang) for v in summed["return_rate"]],
            t("categories.col.aov", lang): [fmt_money(v, lang) for v in summed["avg_order_value_usd"]],
            t("categories.col.prev_period", lang): [fmt_money(v, lang) for v in summed["net_revenue_prev_period_usd"]],
            t("categories.col.change", lang): [
                fmt_percent(v, lang, signed=True) for v in summed["net_revenue_change"]
            ],
            t("categories.col.signal", lang): [signal_label(v, lang) for v in summed["market_signal"]],
            t("categories.col.claims", lang): summed["signal_claim_ids"].fillna("—"),
        }
    )
    components.table(display, raw=summed, key="categories_channel", file_stem="category_channel_performance")


def bar_chart(
    summed: pd.DataFrame, column: str, categories: pd.DataFrame, lang: str, *, scale: float
) -> go.Figure:
    fig = go.Figure()
    for channel, rows in summed.groupby("channel", sort=True):
        fig.add_trace(
            go.Bar(
                name=channel_label(str(channel), lang),
                x=[category_label(c, categories, lang) for c in rows["category_id"]],
                y=(rows[column] / scale).tolist(),
            )
        )
    fig.update_layout(barmode="group")
    return fig


def charts_section(summed: pd.DataFrame, selected: pd.DataFrame, categories: pd.DataFrame, lang: str) -> None:
    st.subheader(t("categories.charts.header", lang))
    no_citation: list[str] = []
    divisor, unit = money_axis(float(summed["net_revenue_usd"].abs().max() or 0), lang)
    c1, c2 = st.columns(2)
    with c1:
        components.chart(
            bar_chart(summed, "net_revenue_usd", categories, lang, scale=divisor),
            title=t("categories.chart.revenue", lang),
            unit=unit,
            claim_ids=no_citation,
            key="categories_revenue",
        )
    with c2:
        components.chart(
            bar_chart(summed, "contribution_margin_pct", categories, lang, scale=0.01),
            title=t("categories.chart.margin_pct", lang),
            unit=t("categories.unit.percent", lang),
            claim_ids=no_citation,
            key="categories_margin",
        )
    c3, c4 = st.columns(2)
    with c3:
        components.chart(
            bar_chart(summed[summed["return_rate"].notna()], "return_rate", categories, lang, scale=0.01),
            title=t("categories.chart.return_rate", lang),
            unit=t("categories.unit.percent", lang),
            claim_ids=no_citation,
            key="categories_returns",
        )
    with c4:
        # Days for a month or so, weeks up to half a year, months beyond.
        days = selected["order_date"].nunique()
        grain = "day" if days <= 45 else "week" if days <= 183 else "month"
        when = pd.to_datetime(selected["order_date"])
        bucket = {"day": when, "week": when.dt.to_period("W-SUN").dt.start_time,
                  "month": when.dt.to_period("M").dt.start_time}[grain]
        trend = (selected.assign(bucket=bucket).groupby(["bucket", "category_id"], as_index=False)["net_revenue_usd"]
                 .sum())
        m_div, m_unit = money_axis(float(trend["net_revenue_usd"].abs().max() or 0), lang)
        fig = go.Figure()
        for category_id, rows in trend.groupby("category_id", sort=True):
            fig.add_trace(
                go.Scatter(
                    name=category_label(str(category_id), categories, lang),
                    x=rows["bucket"].tolist(),
                    y=(rows["net_revenue_usd"] / m_div).tolist(),
                    mode="lines+markers",
                )
            )
        components.chart(
            fig,
            title=t(f"categories.chart.trend.{grain}", lang),
            unit=m_unit,
            claim_ids=no_citation,
            key="categories_growth",
        )
    st.caption(t("categories.charts.source", lang))


def waterfall_steps(row: pd.Series) -> list[tuple[str, float]]:
    """GMV down to contribution; every step is a summed component, so the bars add up exactly."""
    return [
        ("gmv", row["gmv_usd"]),
        ("discounts", row["net_sales_usd"] - row["gmv_usd"]),
        # Net revenue minus net sales: refunds as settled where a statement paid them, else as exported.
        ("refunds", row["net_revenue_usd"] - row["net_sales_usd"]),
        ("fees", -row["platform_fees_usd"]),
        ("fulfilment", -row["fulfilment_cost_usd"]),
        ("cogs", -row["cogs_usd"]),
        ("commission", -row["affiliate_commission_usd"]),
        ("ads", -row["ad_spend_usd"]),
    ]


def waterfall_section(summed: pd.DataFrame, categories: pd.DataFrame, lang: str) -> None:
    st.subheader(t("categories.waterfall.header", lang))
    if summed.empty:
        st.caption(t("data.empty", lang))
        return
    c1, c2 = st.columns(2)
    category_id = components.choice(
        c1.selectbox,
        t("categories.waterfall.category", lang),
        summed["category_id"].unique().tolist(),
        format_func=lambda c: category_label(c, categories, lang),
        key="categories_waterfall_category",
        lang=lang,
    )
    channels = summed.loc[summed["category_id"] == category_id, "channel"].tolist()
    channel = components.choice(
        c2.selectbox,
        t("categories.waterfall.channel", lang),
        channels,
        format_func=lambda c: channel_label(c, lang),
        key="categories_waterfall_channel",
        lang=lang,
    )
    row = summed[(summed["category_id"] == category_id) & (summed["channel"] == channel)].iloc[0]
    steps = waterfall_steps(row)
    divisor, unit = money_axis(float(abs(row["gmv_usd"]) or 0), lang)
    labels = [t(f"categories.waterfall.{name}", lang) for name, _ in steps] + [
        t("categories.waterfall.contribution", lang)
    ]
    values = [v / divisor for _, v in steps] + [row["contribution_margin_usd"] / divisor]
    fig = go.Figure(
        go.Waterfall(
            x=labels,
            y=values,
            measure=["absolute"] + ["relative"] * (len(steps) - 1) + ["total"],
            text=[fmt_money(v * divisor, lang) for v in values],
            textposition="outside",
        )
    )
    title = t(
        "categories.waterfall.chart",
        lang,
        category=category_label(category_id, categories, lang),
        channel=channel_label(channel, lang),
    )
    components.chart(fig, title=title, unit=unit, claim_ids=[], key="categories_waterfall")
    raw = pd.DataFrame(
        {
            "step": [n for n, _ in steps] + ["contribution"],
            "usd": [v for _, v in steps] + [row["contribution_margin_usd"]],
        }
    )
    display = pd.DataFrame(
        {
            t("categories.col.step", lang): labels,
            t("categories.col.usd", lang): [fmt_money(v, lang) for v in raw["usd"]],
        }
    )
    components.table(
        display, raw=raw, key="categories_waterfall", file_stem=f"waterfall_{category_id}_{channel}"
    )


def signals_section(categories: pd.DataFrame, shown_ids: list[str], lang: str) -> None:
    st.subheader(t("categories.signals.header", lang))
    st.caption(t("categories.signals.intro", lang))
    rows = categories[categories["category_id"].isin(shown_ids)]
    display = pd.DataFrame(
        {
            t("categories.col.category", lang): [
                category_label(c, categories, lang) for c in rows["category_id"]
            ],
            t("categories.col.signal", lang): [signal_label(v, lang) for v in rows["market_signal"]],
            t("categories.col.signal_detail", lang): [signal_detail(v, lang) for v in rows["market_signal_detail"]],
            t("categories.col.articles", lang): rows["signal_source_ids"].fillna("—"),
            t("categories.col.claims", lang): rows["signal_claim_ids"].fillna("—"),
        }
    )
    raw = rows if lang == "en" else rows.assign(
        market_signal=[signal_label(v, lang) for v in rows["market_signal"]],
        market_signal_detail=[signal_detail(v, lang) for v in rows["market_signal_detail"]])
    components.table(display, raw=raw, key="categories_signals", file_stem="category_market_signals")
    st.caption(components.source_line(components.claim_ids_of(rows["signal_claim_ids"]), lang))


def products_section(
    unit_economics: pd.DataFrame,
    unmapped: pd.DataFrame,
    channels: list[str],
    category_ids: list[str],
    categories: pd.DataFrame,
    lang: str,
) -> None:
    st.subheader(t("categories.products.header", lang))
    # The mart holds each fixed window (mart_sku_unit_economics: 7, 30, 90, 180, 365 days): the page only picks one.
    windows = sorted(int(d) for d in unit_economics["window_days"].unique()) or [DEFAULT_WINDOW_DAYS]
    if DEFAULT_WINDOW_DAYS in windows and "categories_products_window" not in st.session_state:
        st.session_state["categories_products_window"] = DEFAULT_WINDOW_DAYS
    days = components.choice(
        st.selectbox,
        t("categories.products.window", lang),
        windows,
        format_func=lambda n: t("categories.products.window_option", lang, n=fmt_count(n, lang)),
        key="categories_products_window",
        lang=lang,
        help=t("categories.products.window_help", lang),
    )
    unit_economics = unit_economics[unit_economics["window_days"] == days]
    rows = unit_economics[
        unit_economics["channel"].isin(channels) & unit_economics["category_id"].isin(category_ids)
    ].sort_values(["is_losing_money", "contribution_per_unit_usd"], ascending=[False, True])
    if not rows.empty:
        st.caption(
            t(
                "categories.products.window_caption",
                lang,
                start=pd.Timestamp(rows["window_start"].iloc[0]).strftime("%Y-%m-%d"),
                end=pd.Timestamp(rows["window_end"].iloc[0]).strftime("%Y-%m-%d"),
                losing=fmt_count(int(rows["is_losing_money"].sum()), lang),
            )
        )
    display = pd.DataFrame(
        {
            t("categories.col.flag", lang): [
                t("categories.products.losing", lang) if f else "" for f in rows["is_losing_money"]
            ],
            t("categories.col.product", lang): rows["product_id"] + " · " + rows["product_name"].fillna(""),
            t("categories.col.channel", lang): [channel_label(c, lang) for c in rows["channel"]],
            t("categories.col.category", lang): [
                category_label(c, categories, lang) for c in rows["category_id"]
            ],
            t("categories.col.units", lang): [fmt_count(v, lang) for v in rows["units_sold"]],
            t("categories.col.price", lang): [fmt_money(v, lang) for v in rows["price_per_unit_usd"]],
            t("categories.col.fees", lang): [fmt_money(v, lang) for v in rows["fees_per_unit_usd"]],
            t("categories.col.fulfilment", lang): [
                fmt_money(v, lang) for v in rows["fulfilment_per_unit_usd"]
            ],
            t("categories.col.cogs", lang): [fmt_money(v, lang) for v in rows["cogs_per_unit_usd"]],
            t("categories.col.commission", lang): [
                fmt_money(v, lang) for v in rows["commission_per_unit_usd"]
            ],
            t("categories.col.return_cost", lang): [
                fmt_money(v, lang) for v in rows["return_cost_per_unit_usd"]
            ],
            t("categories.col.contribution_unit", lang): [
                t("seller.cost_missing", lang) if c != "ok" else fmt_money(v, lang)
                for v, c in zip(rows["contribution_per_unit_usd"], rows["cost_status"], strict=True)
            ],
        }
    )
    components.table(
        display, raw=rows, key="categories_products", file_stem=f"sku_unit_economics_{int(days)}d"
    )

    st.markdown(f"**{t('categories.unmapped.header', lang)}**")
    st.caption(t("categories.unmapped.intro", lang))
    display = pd.DataFrame(
        {
            t("categories.col.product", lang): unmapped["product_id"],
            t("categories.col.name", lang): unmapped["product_name"],
            t("categories.col.channel", lang): unmapped["channels_sold"],
            t("categories.col.units", lang): [fmt_count(v, lang) for v in unmapped["units_sold"]],
            t("categories.col.net_sales", lang): [fmt_money(v, lang) for v in unmapped["net_sales_usd"]],
        }
    )
    components.table(display, raw=unmapped, key="categories_unmapped", file_stem="unmapped_products")


def analysis_notes(lang: str) -> None:
    """Analyses the seller's data cannot support yet (growth with one month of orders…): the reason, in words."""
    with components.data_guard():
        status = data.category_growth_notes()
    for _, row in status.iterrows():
        st.caption(f":material/info: {row['reason_zh' if lang == 'zh' else 'reason_en']}")


def main() -> None:
    lang = current_lang()
    st.title(t("categories.title", lang))
    st.caption(t("categories.intro", lang, time_zone=seller_settings.load_or_default().time_zone))
    with components.data_guard():
        marts = data.category_marts()
        performance, categories, unit_economics, unmapped = (
            marts["daily"], marts["categories"], marts["unit_economics"], marts["unmapped"])
        latest = data.latest_order_date()
    if performance.empty or pd.isna(latest):
        st.info(t("seller.no_orders", lang, inbox=str(settings.inbox_dir())), icon=":material/upload_file:")
        return
    latest_order_date = pd.Timestamp(latest).date()
    analysis_notes(lang)
    performance["order_date"] = pd.to_datetime(performance["order_date"]).dt.date
    first_order_date = min(performance["order_date"].min(), latest_order_date)
    channels, category_ids, start, end = filters(performance, categories, first_order_date, latest_order_date, lang)
    chosen = performance["channel"].isin(channels) & performance["category_id"].isin(category_ids)
    days = performance["order_date"]
    selected = performance[chosen & (days >= start) & (days <= end)]
    prev_start, prev_end = previous_period(start, end)
    previous = performance[chosen & (days >= prev_start) & (days <= prev_end)]
    # Compared only when the data covers the whole previous period (a half-covered one is no comparison).
    comparable = prev_start >= first_order_date and not previous.empty
    period = t("categories.period.caption", lang, start=fmt_day(start, lang), end=fmt_day(end, lang),
               n=fmt_count((end - start).days + 1, lang))
    versus = (t("categories.period.versus", lang, start=fmt_day(prev_start, lang), end=fmt_day(prev_end, lang))
              if comparable else t("categories.period.no_previous", lang, start=fmt_day(start, lang)))
    st.caption(f"{period}{'' if lang == 'zh' else ' '}{versus}")
    if selected.empty:
        st.info(t("categories.period.empty", lang), icon=":material/event_busy:")
        return
    summed = category_channel_table(selected, previous if comparable else previous.iloc[0:0], categories)
    previous_summed = (previous.groupby(["category_id", "channel"], as_index=False)[ADDITIVE].sum()
                       if comparable else None)
    kpis(summed, previous_summed, lang)
    table_section(summed, categories, lang)
    charts_section(summed, selected, categories, lang)
    st.divider()
    waterfall_section(summed, categories, lang)
    st.divider()
    signals_section(categories, category_ids, lang)
    st.divider()
    products_section(unit_economics, unmapped, channels, category_ids, categories, lang)


main()
