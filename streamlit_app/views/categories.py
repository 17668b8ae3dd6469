"""Categories page: which categories make money on which channel, how fast they grow, what the
cited articles say about them, and which products lose money — from the category marts.

Every figure is summed from the marts' additive columns over the chosen channels, categories and
months, and every rate is recomputed from those sums (a margin is never an average of margins).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from orchestration import settings
from orchestration.lib import seller_settings
from streamlit_app import components, data
from streamlit_app.category_figures import (
    ADDITIVE,
    category_channel_table,
    category_label,
    change_text,
    channel_label,
    fmt_day,
    headline,
    signal_detail,
    signal_label,
    waterfall_steps,
)
from streamlit_app.i18n import (
    fmt_count,
    fmt_money,
    fmt_percent,
    money_axis,
    t,
)
from streamlit_app.periods import PRESETS, preset_period, previous_period

DEFAULT_WINDOW_DAYS = 90

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


def kpis(summed: pd.DataFrame, previous: pd.DataFrame | None, lang: str) -> None:
    """Headline figures of the period; with a previous period that sold something, the change against it."""
    now = headline(summed)
    before = headline(previous) if previous is not None and not previous.empty else None
    was = (lambda k: before[k]) if before else (lambda k: None)
    money = lambda v: ("+" if v > 0 else "") + fmt_money(v, lang)
    points = lambda v: t("categories.delta.points", lang, n=f"{v * 100:+.1f}")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("categories.kpi.net_revenue", lang), fmt_money(now["revenue"], lang),
              delta=change_text(now["revenue"], was("revenue"), money))
    c2.metric(t("categories.kpi.margin", lang),
              fmt_money(now["margin"], lang) if now["margin"] is not None else t("seller.cost_missing", lang),
              delta=change_text(now["margin"], was("margin"), money))
    c3.metric(t("categories.kpi.margin_pct", lang),
              fmt_percent(now["margin_pct"], lang) if now["margin"] is not None else t("seller.cost_missing", lang),
              delta=change_text(now["margin_pct"], was("margin_pct"), points))
    c4.metric(
        t("categories.kpi.return_rate", lang),
        fmt_percent(now["return_rate"], lang),
        delta=change_text(now["return_rate"], was("return_rate"), points),
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
    lang = components.page_header("categories", time_zone=seller_settings.load_or_default().time_zone)
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
