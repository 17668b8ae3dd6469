"""Overview page: is the data fresh, what does it say in a few numbers, and what did the last build
change — the first thing to look at in the morning."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from streamlit_app import components, data, operations
from streamlit_app.i18n import fmt_count, t
from streamlit_app.operations import FRESH, NEVER, OLD_DATA, STALE, freshness_status

STATUS_MARK = {FRESH: "🟢", STALE: "🟠", OLD_DATA: "🟠", NEVER: "⚪"}
HEADLINE_MARTS = ("marts.mart_market_size", "marts.mart_cited_claims", "marts.mart_claim_checks")


def age_text(hours: float | None, lang: str) -> str:
    if hours is None:
        return "—"
    if hours < 1:
        return t("overview.age.minutes", lang, n=fmt_count(max(1, round(hours * 60)), lang))
    if hours < 48:
        return t("overview.age.hours", lang, n=fmt_count(round(hours), lang))
    return t("overview.age.days", lang, n=fmt_count(round(hours / 24), lang))


def source_caption(table: str, lang: str) -> None:
    when = data.published_at()
    stamp = when.strftime("%Y-%m-%d %H:%M") if when else "—"
    st.caption(t("overview.source_line", lang, table=table, when=stamp))


def headline(lang: str) -> None:
    st.subheader(t("overview.kpi.header", lang))
    present = set(operations.mart_tables()["table_name"])
    counts = operations.exact_row_counts([m for m in HEADLINE_MARTS if m in present])
    log = operations.load_log()
    loaded = log[log["status"] == "loaded"] if not log.empty else log
    checks = operations.latest_check_results()
    outcomes = operations.check_counts(checks)
    failing, warnings = outcomes["failed"], outcomes["warning"]
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(t("overview.kpi.figures", lang), fmt_count(counts.get("marts.mart_market_size"), lang))
    c2.metric(t("overview.kpi.claims", lang), fmt_count(counts.get("marts.mart_cited_claims"), lang))
    c3.metric(t("overview.kpi.files", lang), fmt_count(len(loaded), lang))
    c4.metric(t("overview.kpi.rows", lang),
              fmt_count(int(loaded["rows_loaded"].sum()) if not loaded.empty else 0, lang))
    c5.metric(t("overview.kpi.checks_failing", lang), fmt_count(failing, lang),
              help=t("overview.kpi.checks_warn_help", lang, n=fmt_count(len(checks), lang),
                     w=fmt_count(warnings, lang)))
    source_caption("marts.*, raw._load_log", lang)


def freshness(lang: str) -> None:
    st.subheader(t("overview.freshness.header", lang))
    stale_after_days = operations.stale_data_after_days()
    st.caption(t("overview.freshness.intro", lang, hours=operations.STALE_AFTER_HOURS) + " "
               + t("overview.freshness.data_intro", lang, days=stale_after_days))
    frame = operations.source_freshness()
    hours = [operations.hours_since(v) for v in frame["last_loaded_at"]]
    data_days = [operations.days_since(v) if kind == "seller_export" else None
                 for v, kind in zip(frame["newest_period_end"], frame["source_type"], strict=True)]
    status = [freshness_status(h, d, stale_after_days) for h, d in zip(hours, data_days, strict=True)]
    frame = frame.assign(age_hours=hours, freshness=status)
    display = pd.DataFrame(
        {
            t("overview.col.status", lang): [f"{STATUS_MARK[s]} {t(f'overview.status.{s}', lang)}" for s in status],
            t("overview.col.source", lang): frame["table_name"],
            t("overview.col.source_type", lang): [t(f"overview.type.{s}", lang) for s in frame["source_type"]],
            t("overview.col.last_loaded", lang): frame["last_loaded_at"].map(
                lambda v: v.strftime("%Y-%m-%d %H:%M") if not pd.isna(v) else "—"),
            t("overview.col.age", lang): [age_text(h, lang) for h in hours],
            t("overview.col.rows", lang): [fmt_count(v, lang) for v in frame["table_rows"]],
            t("overview.col.files", lang): [fmt_count(v, lang) if not pd.isna(v) else "—"
                                           for v in frame["files_loaded"]],
            t("overview.col.newest_period", lang): frame["newest_period_end"].map(
                lambda v: str(v)[:10] if not pd.isna(v) else "—"),
        }
    )
    components.table(display, raw=frame, key="freshness", file_stem="source_freshness")
    source_caption("raw.*, raw._load_log", lang)


def changes(lang: str) -> None:
    st.subheader(t("overview.changes.header", lang))
    times = operations.publish_times(operations.tsw_home_key())
    log = operations.load_log()
    if len(times) < 2:
        st.caption(t("overview.changes.first_build", lang))
        since = None
    else:
        since = times[1]
        st.caption(t("overview.changes.since", lang, previous=since.strftime("%Y-%m-%d %H:%M"),
                     latest=times[0].strftime("%Y-%m-%d %H:%M")))
    new = log if since is None or log.empty else log[log["loaded_at"] > pd.Timestamp(since)]
    if new.empty:
        st.info(t("overview.changes.none", lang), icon=":material/check_circle:")
        return
    by_kind = (
        new.assign(quarantined_file=new["status"] == "quarantined_file", is_loaded=new["status"] == "loaded")
        .groupby("kind", dropna=False)
        .agg(files_loaded=("is_loaded", "sum"), files_quarantined=("quarantined_file", "sum"),
             rows_loaded=("rows_loaded", "sum"), rows_quarantined=("rows_quarantined", "sum"))
        .reset_index()
        .sort_values("rows_loaded", ascending=False)
    )
    by_kind["kind"] = by_kind["kind"].fillna(t("overview.changes.unknown_kind", lang))
    fig = go.Figure()
    fig.add_bar(x=by_kind["kind"], y=by_kind["rows_loaded"], name=t("overview.changes.rows_loaded", lang))
    fig.add_bar(x=by_kind["kind"], y=by_kind["rows_quarantined"], name=t("overview.changes.rows_quarantined", lang))
    fig.update_layout(barmode="group", title={"text": t("overview.changes.chart", lang)},
                      yaxis_title_text=t("overview.unit.rows", lang), legend_title_text="",
                      yaxis={"tickformat": ",d", "rangemode": "tozero"},  # rows are whole numbers
                      margin={"t": 60, "b": 40, "l": 10, "r": 10})
    st.plotly_chart(fig, key="changes_chart", width="stretch")
    source_caption("raw._load_log", lang)
    display = pd.DataFrame(
        {
            t("overview.col.source", lang): by_kind["kind"],
            t("overview.col.files", lang): [fmt_count(v, lang) for v in by_kind["files_loaded"]],
            t("overview.col.files_quarantined", lang): [fmt_count(v, lang) for v in by_kind["files_quarantined"]],
            t("overview.changes.rows_loaded", lang): [fmt_count(v, lang) for v in by_kind["rows_loaded"]],
            t("overview.changes.rows_quarantined", lang): [fmt_count(v, lang) for v in by_kind["rows_quarantined"]],
        }
    )
    components.table(display, raw=by_kind, key="changes", file_stem="changes_since_last_build")


def main() -> None:
    lang = components.page_header("overview")
    with components.data_guard():
        headline(lang)
        freshness(lang)
        changes(lang)


main()
