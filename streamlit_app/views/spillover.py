"""Spillover page: how much Amazon / Shopify revenue follows TikTok Shop sales, per product group and
channel — the modelled estimate with its interval, the traceable floor beside it, the timing (lag curve),
the sales around TikTok spikes, the diagnostics as verdicts, and what the method assumes."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from orchestration.analysis.spillover_schema import STATUS_FAILED, STATUS_OK
from streamlit_app import components, data
from streamlit_app.i18n import MISSING, fmt_count, fmt_number, label_for, t
from streamlit_app.spillover_figures import interval, per_dollar, per_views_caption

CHANNELS = ("amazon", "shopify")
# Material icons rather than emoji: they render the same on every system font.
VERDICT_MARK = {True: ":material/check_circle:", False: ":material/warning:"}

def group_label(group: str, lang: str) -> str:
    return t("spill.group.all", lang) if group == "all" else label_for("spill.category", group, lang)


def reason_of(row: pd.Series, lang: str) -> str:
    """Why a row has no figure, in the reader's language (the mart stores both)."""
    return str(row["reason_zh" if lang == "zh" else "reason"])


def has_figure(row: pd.Series) -> bool:
    return row["status"] == STATUS_OK


def no_figure(row: pd.Series, lang: str) -> None:
    """The reason, where the figure would be: a warning for a crash, a notice for missing data."""
    text = reason_of(row, lang).replace("$", "\\$")
    if row["status"] == STATUS_FAILED:
        st.warning(text, icon=":material/error:")
    else:
        st.info(text, icon=":material/hourglass_empty:")


def verdicts(row: pd.Series, lang: str) -> list[tuple[bool, str]]:
    """Each diagnostic as (passed, sentence)."""
    out = []
    reasons = [r for r in str(row["sufficiency_verdict"]).split(";") if r and r != "sufficient"]
    if reasons:
        named = ", ".join(t(f"spill.reason.{r}", lang) for r in reasons)
        out.append(
            (False, t("spill.verdict.thin", lang, reasons=named, days=fmt_count(row["days_of_data"], lang)))
        )
    else:
        out.append((True, t("spill.verdict.sufficient", lang, days=fmt_count(row["days_of_data"], lang))))
    if pd.isna(row["placebo_estimate"]):
        out.append((False, t("spill.verdict.placebo_missing", lang)))
    elif bool(row["placebo_passed"]):
        out.append((True, t("spill.verdict.placebo_passed", lang)))
    else:
        out.append(
            (
                False,
                t(
                    "spill.verdict.placebo_failed",
                    lang,
                    low=fmt_number(row["placebo_ci_low"], lang, 3),
                    high=fmt_number(row["placebo_ci_high"], lang, 3),
                ),
            )
        )
    if bool(row["confounding_warning"]):
        out.append((False, t("spill.verdict.confounded", lang)))
    else:
        out.append((True, t("spill.verdict.not_confounded", lang)))
    low, high = row["ci_low"], row["ci_high"]
    if not pd.isna(low) and low <= 0 <= high:
        out.append((False, t("spill.verdict.includes_zero", lang)))
    return out


def estimates_chart(
    estimates: pd.DataFrame, floor: pd.DataFrame, channel: str, selected: str, lang: str
) -> None:
    reg = estimates[(estimates["method"] == "regression_dl") & (estimates["target_channel"] == channel)]
    reg = reg[reg["status"] == STATUS_OK].dropna(subset=["estimate"])
    if reg.empty:
        st.caption(t("spill.no_estimate", lang))
        return
    labels = [group_label(g, lang) for g in reg["product_group"]]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            name=t("spill.chart.estimate", lang),
            x=reg["estimate"].tolist(),
            y=labels,
            mode="markers",
            marker={"size": [14 if g == selected else 9 for g in reg["product_group"]]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (reg["ci_high"] - reg["estimate"]).tolist(),
                "arrayminus": (reg["estimate"] - reg["ci_low"]).tolist(),
            },
        )
    )
    fl = floor[
        (floor["target_channel"] == channel) & floor["has_attribution_data"].fillna(False).astype(bool)
    ]
    fl = fl.set_index("product_group").reindex(reg["product_group"])
    if fl["floor_usd_per_usd_tiktok_gmv"].notna().any():
        fig.add_trace(
            go.Scatter(
                name=t("spill.chart.floor", lang),
                x=fl["floor_usd_per_usd_tiktok_gmv"].tolist(),
                y=labels,
                mode="markers",
                marker={"symbol": "line-ns-open", "size": 16, "line": {"width": 3}},
            )
        )
    fig.add_vline(x=0, line_dash="dot")
    fig.update_layout(height=120 + 45 * len(reg), yaxis={"type": "category", "autorange": "reversed"})
    chart(
        fig,
        title=t("spill.chart.estimates_title", lang, channel=t(f"spill.channel.{channel}", lang)),
        unit=t("spill.unit.per_dollar", lang),
        unit_axis="x",
        key="spill_estimates_chart",
        lang=lang,
    )


def lag_chart(lags: pd.DataFrame, lang: str, channel: str, row: pd.Series | None = None) -> None:
    if row is not None and not has_figure(row):
        no_figure(row, lang)
        return
    if lags["correlation"].notna().sum() == 0:
        st.caption(t("spill.no_lags", lang))
        return
    fig = go.Figure(
        go.Scatter(
            x=lags["lag_days"].tolist(),
            y=lags["correlation"].tolist(),
            mode="lines+markers",
            name=t("spill.chart.correlation", lang),
        )
    )
    peak = lags[lags["is_peak_lag"].fillna(False).astype(bool)]
    if not peak.empty:
        fig.add_trace(
            go.Scatter(
                x=peak["lag_days"].tolist(),
                y=peak["correlation"].tolist(),
                mode="markers",
                marker={"size": 14, "symbol": "star"},
                name=t("spill.chart.peak", lang),
            )
        )
    fig.add_hline(y=0, line_dash="dot")
    fig.update_layout(xaxis_title_text=t("spill.axis.lag_days", lang))
    chart(
        fig,
        title=t("spill.chart.lag_title", lang, channel=t(f"spill.channel.{channel}", lang)),
        unit=t("spill.unit.correlation", lang),
        key="spill_lag_chart",
        lang=lang,
    )


def event_chart(profile: pd.DataFrame, lang: str, channel: str, row: pd.Series | None = None) -> None:
    if row is not None and not has_figure(row):
        no_figure(row, lang)
        return
    if profile.empty:
        st.caption(t("spill.no_spikes", lang))
        return
    n = int(profile["n_spikes"].max())
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=profile["days_from_spike"].tolist(),
            y=profile["avg_excess_target_sales_usd"].tolist(),
            name=t("spill.chart.excess_target", lang, channel=t(f"spill.channel.{channel}", lang)),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=profile["days_from_spike"].tolist(),
            y=profile["avg_excess_tiktok_gmv_usd"].tolist(),
            mode="lines",
            name=t("spill.chart.excess_tiktok", lang),
            yaxis="y2",
        )
    )
    fig.update_layout(
        xaxis_title_text=t("spill.axis.days_from_spike", lang),
        yaxis2={"overlaying": "y", "side": "right", "title": {"text": t("spill.axis.tiktok_usd", lang)}},
    )
    chart(
        fig,
        title=t("spill.chart.event_title", lang, n=fmt_count(n, lang)),
        unit=t("spill.axis.target_usd", lang, channel=t(f"spill.channel.{channel}", lang)),
        key="spill_event_chart",
        lang=lang,
    )


def chart(fig: go.Figure, *, title: str, unit: str, key: str, lang: str, unit_axis: str = "y") -> None:
    """Title, unit on the value axis and a source line — the seller's own exports, not cited claims."""
    fig.update_layout(
        title={"text": title}, legend_title_text="", margin={"t": 60, "b": 40, "l": 10, "r": 10}
    )
    fig.update_layout({f"{unit_axis}axis_title_text": unit})
    st.plotly_chart(fig, key=key, width="stretch")
    st.caption(t("spill.source", lang))


def estimates_table(estimates: pd.DataFrame, group: str, lang: str) -> None:
    rows = estimates[estimates["product_group"] == group]
    display = pd.DataFrame(
        {
            t("spill.col.channel", lang): [t(f"spill.channel.{c}", lang) for c in rows["target_channel"]],
            t("spill.col.method", lang): [t(f"spill.method.{m}", lang) for m in rows["method"]],
            t("spill.col.estimate", lang): [
                fmt_number(v, lang, 3) if u == "correlation" else per_dollar(v, lang)
                for v, u in zip(rows["estimate"], rows["unit"], strict=True)
            ],
            t("spill.col.interval", lang): [
                f"{fmt_number(lo, lang, 3)} – {fmt_number(hi, lang, 3)}"
                if u == "correlation" and not pd.isna(lo)
                else interval(lo, hi, lang)
                for lo, hi, u in zip(rows["ci_low"], rows["ci_high"], rows["unit"], strict=True)
            ],
            t("spill.col.peak_lag", lang): [
                MISSING if pd.isna(v) else fmt_count(v, lang) for v in rows["peak_lag_days"]
            ],
            t("spill.col.warnings", lang): [
                "" if status == STATUS_OK else str(why)
                for status, why in zip(rows["status"], rows["reason_zh" if lang == "zh" else "reason"], strict=True)
            ],
        }
    )
    components.table(display, raw=rows, key="spill_estimates", file_stem=f"spillover_{group}")


def floor_note(fl: pd.DataFrame, lang: str) -> None:
    """The traceable floor when there is one, else why not (shown when the model has no figure)."""
    if fl.empty:
        return
    row = fl.iloc[0]
    if row["status"] == STATUS_OK and bool(row["has_attribution_data"]):
        st.metric(t("spill.kpi.floor", lang), per_dollar(row["floor_usd_per_usd_tiktok_gmv"], lang))
    elif not pd.isna(row["reason"]):
        colon = "：" if lang == "zh" else ": "
        st.caption(f"{t('spill.kpi.floor', lang)}{colon}{reason_of(row, lang)}".replace("$", "\\$"))


def main() -> None:
    lang = components.page_header("spill")
    with components.data_guard():
        marts = data.spillover_marts()
    estimates, floor = marts["estimates"], marts["floor"]
    if estimates.empty:
        st.info(t("spill.empty", lang), icon=":material/database:")
        st.stop()

    groups = sorted(estimates["product_group"].unique().tolist(), key=lambda g: (g != "all", g))
    c1, c2 = st.columns(2)
    group = components.choice(
        c1.selectbox, t("spill.select.group", lang), groups, format_func=lambda g: group_label(g, lang),
        key="spill_group", lang=lang,
    )
    channel = c2.radio(
        t("spill.select.channel", lang),
        list(CHANNELS),
        horizontal=True,
        format_func=lambda c: t(f"spill.channel.{c}", lang),
        key="spill_channel",
    )

    mine = estimates[(estimates["product_group"] == group) & (estimates["target_channel"] == channel)]
    reg = mine[mine["method"] == "regression_dl"].iloc[0]
    event = mine[mine["method"] == "event_study"]
    fl = floor[(floor["product_group"] == group) & (floor["target_channel"] == channel)]

    st.subheader(
        t("spill.headline", lang, group=group_label(group, lang), channel=t(f"spill.channel.{channel}", lang))
    )
    if not has_figure(reg):
        # No figure to show: the reason stands where the figure would be, and nothing pretends otherwise.
        no_figure(reg, lang)
        floor_note(fl, lang)
        st.subheader(t("spill.all_methods", lang))
        estimates_table(estimates, group, lang)
        with st.expander(t("spill.method.header", lang)):
            st.markdown(t("spill.method.body", lang))
        return
    k1, k2, k3, k4 = st.columns(4)
    k1.metric(
        t("spill.kpi.estimate", lang),
        per_dollar(reg["estimate"], lang),
        help=t("spill.kpi.estimate_help", lang),
    )
    k2.metric(t("spill.kpi.interval", lang), interval(reg["ci_low"], reg["ci_high"], lang))
    if not fl.empty and bool(fl["has_attribution_data"].iloc[0]):
        k3.metric(
            t("spill.kpi.floor", lang),
            per_dollar(fl["floor_usd_per_usd_tiktok_gmv"].iloc[0], lang),
            help=t(
                "spill.kpi.floor_help",
                lang,
                orders=fmt_count(fl["attributed_orders"].iloc[0], lang),
                synced=fmt_count(fl["synced_tiktok_orders_excluded"].iloc[0], lang),
            ),
        )
    else:
        k3.metric(t("spill.kpi.floor", lang), MISSING, help=t("spill.kpi.no_floor", lang))
    k4.metric(
        t("spill.kpi.peak_lag", lang),
        MISSING
        if pd.isna(reg["peak_lag_days"])
        else t("spill.days", lang, n=fmt_count(reg["peak_lag_days"], lang)),
    )
    views_line = per_views_caption(reg, lang)
    if views_line:
        st.caption(views_line.replace("$", "\\$"))  # three amounts: not inline LaTeX
    if not event.empty and has_figure(event.iloc[0]) and not pd.isna(event["estimate"].iloc[0]):
        e = event.iloc[0]
        st.caption(
            t(
                "spill.event_ratio",
                lang,
                x=per_dollar(e["estimate"], lang),
                interval=interval(e["ci_low"], e["ci_high"], lang),
            )
        )

    # `$` escaped: a pair of dollar amounts must not be read as inline LaTeX.
    meaning = str(reg["explanation_zh" if lang == "zh" else "explanation"]).replace("$", "\\$")
    st.markdown(f"**{t('spill.meaning', lang)}** {meaning}")
    st.markdown(f"**{t('spill.diagnostics', lang)}**")
    for passed, sentence in verdicts(reg, lang):
        st.markdown(f"{VERDICT_MARK[passed]} {sentence}")

    st.divider()
    estimates_chart(estimates, floor, channel, group, lang)
    left, right = st.columns(2)
    method_row = lambda m: mine[mine["method"] == m].iloc[0] if (mine["method"] == m).any() else None
    with left:
        lag_chart(
            marts["lags"][
                (marts["lags"]["product_group"] == group) & (marts["lags"]["target_channel"] == channel)
            ],
            lang,
            channel,
            method_row("lag_correlation"),
        )
    with right:
        event_chart(
            marts["profile"][
                (marts["profile"]["product_group"] == group) & (marts["profile"]["target_channel"] == channel)
            ],
            lang,
            channel,
            method_row("event_study"),
        )

    st.subheader(t("spill.all_methods", lang))
    estimates_table(estimates, group, lang)

    with st.expander(t("spill.method.header", lang)):
        st.markdown(t("spill.method.body", lang))


main()
