"""Market page: cited market sizes, growth rates and shares; checks of the articles' arithmetic;
and, for any figure, the claims it was built from."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from streamlit_app import components, data
from streamlit_app.i18n import (
    attribution_label,
    fmt_count,
    fmt_percent,
    fmt_range,
    fmt_value,
    label_for,
    money_axis,
    subject_label,
    t,
)

STATUS_MARK = {"consistent": "🟢", "within_tolerance": "🟡", "conflict": "🔴"}


# Metrics that measure how big a market or business is: charted together on one money axis.
# Other money metrics (a seller's monthly GMV, a fee, a price) live in "Other figures" because
# they would flatten a chart whose axis runs to hundreds of billions.
SIZE_METRICS = {"gmv", "gmv_potential", "market_size", "sales", "revenue", "net_income"}
# One seller's results are anecdotes, not market sizes (see seeds/articles/vocabularies.csv).
NOT_A_MARKET = {"seller case"}


def is_size(metric: str, unit: str, subject: str) -> bool:
    return unit == "USD" and metric in SIZE_METRICS and subject not in NOT_A_MARKET


def is_growth(metric: str, unit: str) -> bool:
    return unit == "ratio" and ("growth" in metric or "cagr" in metric)


def is_share(metric: str, unit: str) -> bool:
    return (
        unit == "ratio" and ("share" in metric or metric == "relative_size") and not is_growth(metric, unit)
    )


DEFAULT_GEOGRAPHY = "US"


def yes_no(flag: object, lang: str) -> str:
    return t("yes", lang) if (not pd.isna(flag) and bool(flag)) else t("no", lang)


def series_label(row: pd.Series, lang: str) -> str:
    return (f"{subject_label(row['subject'], lang)} · {label_for('geo', row['geography'], lang)} · "
            f"{label_for('metric', row['metric'], lang)}")


def figure_label(row: pd.Series, lang: str) -> str:
    value = fmt_value(row["value"], row["normalized_unit"], lang)
    return f"{series_label(row, lang)} · {row['period']} — {value}"


def filter_figures(figures: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = st.columns(3)
    selections = {}
    for col, field in zip(cols, ("subject", "geography", "metric"), strict=True):
        options = sorted(figures[field].dropna().unique().tolist())
        fmt = {"metric": lambda m: label_for("metric", m, lang), "geography": lambda g: label_for("geo", g, lang),
               "subject": lambda v: subject_label(v, lang)}[field]
        key = f"market_filter_{field}"
        if field == "geography" and key not in st.session_state and DEFAULT_GEOGRAPHY in options:
            # The page is about the US market: it opens on US figures (the reader can widen it).
            st.session_state[key] = [DEFAULT_GEOGRAPHY]
        selections[field] = components.choice(
            col.multiselect,
            t(f"market.filter.{field}", lang),
            options,
            format_func=fmt,
            key=key,
            lang=lang,
            placeholder=t("filter.all", lang),
            help=t("market.filter.help", lang),
        )
    mask = pd.Series(True, index=figures.index)
    for field, chosen in selections.items():
        if chosen:
            mask &= figures[field].isin(chosen)
    return figures[mask]


def kpis(figures: pd.DataFrame, lang: str) -> None:
    claim_ids = components.claim_ids_of(figures["claim_ids"])
    source_ids = components.claim_ids_of(figures["source_ids"])
    conflicts = int(figures["has_conflict"].fillna(False).astype(bool).sum())
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("market.kpi.figures", lang), fmt_count(len(figures), lang))
    c2.metric(t("market.kpi.claims", lang), fmt_count(len(claim_ids), lang))
    c3.metric(t("market.kpi.sources", lang), fmt_count(len(source_ids), lang))
    c4.metric(t("market.kpi.conflicts", lang), fmt_count(conflicts, lang))


def range_chart(figures: pd.DataFrame, *, divisor: float, lang: str) -> go.Figure:
    """One row per figure (subject · geography · metric · period), a dot at the median and a bar
    from the lowest to the highest claim; one colour per subject, open dots for forecasts.

    Rows rather than grouped bars because the cited figures are sparse: most series have one or
    two periods, and a grouped bar chart would be mostly empty slots.
    """
    figures = figures.sort_values(["subject", "geography", "metric", "period"])
    labels = figures.apply(lambda r: f"{series_label(r, lang)} · {r['period']}", axis=1)
    fig = go.Figure()
    for subject, rows in figures.groupby("subject", sort=True):
        value = rows["value"] / divisor
        low = rows["value_low"].fillna(rows["value"]) / divisor
        high = rows["value_high"].fillna(rows["value"]) / divisor
        hover = [
            f"{fmt_value(r.value, r.normalized_unit, lang)}"
            f" ({fmt_range(r.value_low, r.value_high, r.normalized_unit, lang)})<br>{r.claim_ids}"
            for r in rows.itertuples()
        ]
        fig.add_trace(
            go.Scatter(
                name=subject_label(subject, lang),
                x=value.tolist(),
                y=labels[rows.index].tolist(),
                mode="markers",
                marker={
                    "size": 10,
                    "symbol": [
                        "circle-open" if bool(f) else "circle" for f in rows["any_forecast"].fillna(False)
                    ],
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (high - value).clip(lower=0).tolist(),
                    "arrayminus": (value - low).clip(lower=0).tolist(),
                },
                hovertext=hover,
                hoverinfo="text+name",
            )
        )
    positive = figures["value"].dropna()
    # Cited sizes run from a seller's millions to Amazon's hundreds of billions; a log axis keeps
    # the small ones visible when the spread is that wide.
    use_log = bool(len(positive)) and (positive > 0).all() and positive.max() / positive.min() > 50
    fig.update_layout(
        height=140 + 28 * len(figures),
        # ",~g": plain numbers (0.5, 20, 800) rather than SI prefixes (500m, 20, 800) on log axes.
        xaxis={"type": "log" if use_log else "linear", "tickformat": ",~g"},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels.tolist(),
            "autorange": "reversed",
        },
    )
    return fig


def figures_table(figures: pd.DataFrame, *, key: str, lang: str) -> None:
    display = pd.DataFrame(
        {
            t("col.subject", lang): [subject_label(v, lang) for v in figures["subject"]],
            t("col.geography", lang): [label_for("geo", v, lang) for v in figures["geography"]],
            t("col.metric", lang): [label_for("metric", m, lang) for m in figures["metric"]],
            t("col.period", lang): figures["period"],
            t("col.value", lang): [
                fmt_value(v, u, lang) for v, u in zip(figures["value"], figures["normalized_unit"])
            ],
            t("col.range", lang): [
                fmt_range(lo, hi, u, lang)
                for lo, hi, u in zip(figures["value_low"], figures["value_high"], figures["normalized_unit"])
            ],
            t("col.n_claims", lang): figures["n_claims"],
            t("col.n_sources", lang): figures["n_sources"],
            t("col.attributed_to", lang): [attribution_label(v, lang) for v in figures["attributed_to"]],
            t("col.forecast", lang): [yes_no(f, lang) for f in figures["any_forecast"]],
            t("col.conflict", lang): [yes_no(f, lang) for f in figures["has_conflict"]],
            t("col.claim_ids", lang): figures["claim_ids"],
            t("col.market_figure_id", lang): figures["market_figure_id"],
        }
    )
    components.table(display, raw=figures, key=key, file_stem=f"market_{key}")


def section(figures: pd.DataFrame, *, kind: str, lang: str) -> None:
    st.subheader(t(f"market.{kind}.header", lang))
    if figures.empty:
        st.caption(t("market.none_in_group", lang))
        return
    claim_ids = components.claim_ids_of(figures["claim_ids"])
    if kind == "sizes":
        # Scale to the typical figure, so the axis reads e.g. "USD, billions" with plain ticks.
        divisor, unit = money_axis(float(figures["value"].abs().median()), lang)
        fig = range_chart(figures, divisor=divisor, lang=lang)
        components.chart(
            fig,
            title=t("market.sizes.chart", lang),
            unit=unit,
            unit_axis="x",
            claim_ids=claim_ids,
            key="market_sizes_chart",
        )
    elif kind in ("growth", "shares"):
        fig = range_chart(figures, divisor=0.01, lang=lang)  # fractions shown as percent points
        components.chart(
            fig,
            title=t(f"market.{kind}.chart", lang),
            unit=t("axis.percent", lang),
            unit_axis="x",
            claim_ids=claim_ids,
            key=f"market_{kind}_chart",
        )
    figures_table(figures, key=kind, lang=lang)


def checks_section(checks: pd.DataFrame, lang: str) -> None:
    st.subheader(t("market.checks.header", lang))
    st.caption(t("market.checks.intro", lang))
    counts = checks["status"].value_counts()
    cols = st.columns(3)
    for col, status in zip(cols, ("consistent", "within_tolerance", "conflict"), strict=True):
        col.metric(
            f"{STATUS_MARK[status]} {label_for('status', status, lang)}",
            fmt_count(int(counts.get(status, 0)), lang),
        )
    only_conflicts = st.toggle(
        t("market.checks.only_conflicts", lang),
        key="market_only_conflicts",
        help=t("market.checks.only_conflicts_help", lang),
    )
    shown = checks[checks["status"] == "conflict"] if only_conflicts else checks
    display = pd.DataFrame(
        {
            t("col.check_id", lang): shown["check_id"],
            t("col.status", lang): [
                f"{STATUS_MARK.get(s, '')} {label_for('status', s, lang)}" for s in shown["status"]
            ],
            t("col.check_kind", lang): [label_for("kind", k, lang) for k in shown["check_kind"]],
            t("col.description", lang): shown["description"],
            t("col.subject", lang): [subject_label(v, lang) for v in shown["subject"]],
            t("col.geography", lang): [label_for("geo", v, lang) for v in shown["geography"]],
            t("col.period", lang): shown["period"],
            t("col.stated", lang): [
                f"{fmt_value(v, u, lang)} ({cid})" if isinstance(cid, str) and cid else fmt_value(v, u, lang)
                for v, u, cid in zip(
                    shown["stated_value"], shown["normalized_unit"], shown["stated_claim_id"]
                )
            ],
            t("col.recomputed", lang): [
                fmt_value(v, u, lang) for v, u in zip(shown["recomputed_value"], shown["normalized_unit"])
            ],
            t("col.deviation", lang): [
                fmt_percent(d, lang, signed=True) for d in shown["relative_deviation"]
            ],
            t("col.tolerance", lang): [fmt_percent(x, lang) for x in shown["tolerance"]],
            t("col.inputs", lang): shown["inputs_description"],
        }
    )
    components.table(display, raw=shown, key="checks", file_stem="claim_checks")


def trace_section(figures: pd.DataFrame, claims: pd.DataFrame, lang: str) -> None:
    st.subheader(t("market.trace.header", lang))
    if figures.empty:
        st.caption(t("data.empty", lang))
        return
    by_id = figures.set_index("market_figure_id", drop=False)
    figure_id = components.choice(
        st.selectbox,
        t("market.trace.select", lang),
        by_id.index.tolist(),
        format_func=lambda fid: figure_label(by_id.loc[fid], lang),
        key="market_trace_figure",
        lang=lang,
        help=t("market.trace.select_help", lang),
    )
    if figure_id is None:
        return
    row = by_id.loc[figure_id]
    unit = row["normalized_unit"]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("market.trace.value", lang), fmt_value(row["value"], unit, lang))
    c2.metric(t("market.trace.range", lang), fmt_range(row["value_low"], row["value_high"], unit, lang))
    c3.metric(t("market.trace.n_claims", lang), fmt_count(row["n_claims"], lang))
    c4.metric(t("market.trace.n_sources", lang), fmt_count(row["n_sources"], lang))
    if bool(row["has_conflict"]):
        st.warning(t("market.trace.conflict", lang), icon=":material/error:")
    if bool(row["any_forecast"]):
        st.caption(t("market.trace.forecast", lang))
    ids = data.split_ids(row["claim_ids"])
    behind = claims[claims["claim_id"].isin(ids)]
    display = pd.DataFrame(
        {
            t("col.claim_id", lang): behind["claim_id"],
            t("col.article", lang): behind["article_title"],
            t("col.outlet", lang): behind["outlet"],
            t("col.published", lang): behind["published"],
            t("col.attributed_to", lang): [attribution_label(v, lang) for v in behind["attributed_to"]],
            t("col.value_as_written", lang): behind["value_as_written"],
            t("col.value_normalized", lang): [
                fmt_value(v, u, lang) for v, u in zip(behind["value_normalized"], behind["normalized_unit"])
            ],
            t("col.period", lang): behind["period"],
            t("col.locator", lang): behind["locator"],
        }
    )
    components.table(display, raw=behind, key="trace", file_stem=f"claims_{figure_id}")


def main() -> None:
    lang = components.page_header("market")
    with components.data_guard():
        figures = data.market_size()
        checks = data.claim_checks()
        claims = data.cited_claims()

    selected = filter_figures(figures, lang)
    kpis(selected, lang)

    pairs = list(zip(selected["metric"].astype(str), selected["normalized_unit"].astype(str), strict=True))
    size = pd.Series(
        [is_size(m, u, s) for (m, u), s in zip(pairs, selected["subject"].astype(str), strict=True)],
        index=selected.index,
        dtype=bool,
    )
    growth = pd.Series([is_growth(m, u) for m, u in pairs], index=selected.index, dtype=bool)
    share = pd.Series([is_share(m, u) for m, u in pairs], index=selected.index, dtype=bool)
    section(selected[size], kind="sizes", lang=lang)
    section(selected[growth], kind="growth", lang=lang)
    section(selected[share], kind="shares", lang=lang)
    section(selected[~(size | growth | share)], kind="other", lang=lang)

    st.divider()
    checks_section(checks, lang)
    st.divider()
    trace_section(selected, claims, lang)


main()
