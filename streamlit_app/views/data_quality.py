"""Data quality page: every file the loader saw and how its rows were accounted for, what was
quarantined and why, and the latest result of every check of the last build (dbt tests, Great Expectations
suites and the export gate, freshness checks) from the table the builds write (the one `tsw status` reads)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from streamlit_app import components, data, operations
from streamlit_app.check_names import check_label
from streamlit_app.i18n import fmt_count, label_for, t

STATUS_MARK = {"loaded": "🟢", "duplicate": "⚪", "quarantined_file": "🔴"}
QUARANTINE_ROWS_SHOWN = 5000


def source_caption(what: str, lang: str) -> None:
    when = data.published_at()
    stamp = when.strftime("%Y-%m-%d %H:%M") if when else "—"
    st.caption(t("quality.source_line", lang, what=what, when=stamp))


RESULT_MARK = {"passed": "🟢", "warning": "🟠", "failed": "🔴", "not_run": "⚪"}
# What a check found (its metadata, check_results.facts), worded in the reader's language.
COUNTED_FACTS = ("failed_row_count", "rows_checked", "expectations", "files_checked", "files_refused")


def check_detail(description: object, facts: object, lang: str) -> str:
    """A check's detail: the facts it recorded in the reader's language, then its own sentence (Dagster's or dbt's,
    in English) — left out of a Chinese page when the facts already say it."""
    found = json.loads(facts) if isinstance(facts, str) and facts else {}
    parts = [t(f"quality.fact.{name}", lang, n=fmt_count(found[name], lang)) for name in COUNTED_FACTS
             if isinstance(found.get(name), int | float)]
    when = found.get("dagster/last_updated_timestamp")
    if isinstance(when, int | float):
        parts.append(t("quality.fact.last_updated", lang,
                       when=datetime.fromtimestamp(when, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")))
    failures = found.get("failures")
    if isinstance(failures, str) and failures.strip() not in ("", "none"):
        parts.append(failures.strip())
    if isinstance(description, str) and description and not (lang == "zh" and parts):
        parts.append(description)
    return ("；" if lang == "zh" else "; ").join(parts)


def stamp(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if not pd.isna(value) else "—"


def kpis(log: pd.DataFrame, checks: pd.DataFrame, lang: str) -> None:
    loaded = log[log["status"] == "loaded"] if not log.empty else log
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(t("quality.kpi.files_loaded", lang), fmt_count(len(loaded), lang))
    c2.metric(t("quality.kpi.files_quarantined", lang),
              fmt_count(int((log["status"] == "quarantined_file").sum()) if not log.empty else 0, lang))
    c3.metric(t("quality.kpi.rows_quarantined", lang),
              fmt_count(int(loaded["rows_quarantined"].sum()) if not loaded.empty else 0, lang))
    # The same counts as `tsw status` (one table): passed, failed, and (not failed) warnings.
    outcomes = operations.check_counts(checks)
    c4.metric(t("quality.kpi.checks_passing", lang), fmt_count(outcomes["passed"], lang))
    c5.metric(t("quality.kpi.checks_failing", lang), fmt_count(outcomes["failed"], lang),
              delta=t("quality.kpi.warnings", lang, n=fmt_count(outcomes["warning"], lang))
              if outcomes["warning"] else None, delta_color="off")


def load_log_section(log: pd.DataFrame, lang: str) -> None:
    st.subheader(t("quality.log.header", lang))
    st.caption(t("quality.log.intro", lang))
    if log.empty:
        st.caption(t("quality.log.none", lang))
        return
    broken = log[(log["status"] == "loaded") & ~log["rows_add_up"].fillna(False).astype(bool)]
    if not broken.empty:
        st.error(t("quality.log.accounting_broken", lang, files=", ".join(broken["file_name"].head(5))))
    display = pd.DataFrame(
        {
            t("quality.col.status", lang): [f"{STATUS_MARK.get(s, '')} {label_for('quality.status', s, lang)}"
                                            for s in log["status"]],
            t("quality.col.file", lang): log["file_name"],
            t("quality.col.kind", lang): log["kind"].fillna("—"),
            t("quality.col.loaded_at", lang): log["loaded_at"].map(stamp),
            t("quality.col.rows_read", lang): [fmt_count(v, lang) for v in log["rows_read"]],
            t("quality.col.rows_loaded", lang): [fmt_count(v, lang) for v in log["rows_loaded"]],
            t("quality.col.rows_quarantined", lang): [fmt_count(v, lang) for v in log["rows_quarantined"]],
            t("quality.col.adds_up", lang): [("✓" if ok else "✗") if s == "loaded" else "—"
                                             for ok, s in zip(log["rows_add_up"], log["status"])],
            t("quality.col.period", lang): [
                f"{str(a)[:10]} – {str(b)[:10]}" if not pd.isna(a) else "—"
                for a, b in zip(log["period_start"], log["period_end"])
            ],
            t("quality.col.message", lang): log["message"].fillna(""),
        }
    )
    components.table(display, raw=log, key="load_log", file_stem="load_log", height=420)
    source_caption("raw._load_log", lang)


def quarantine_section(log: pd.DataFrame, lang: str) -> None:
    st.subheader(t("quality.quarantine.header", lang))
    files = log[log["status"] == "quarantined_file"] if not log.empty else log
    st.markdown(f"**{t('quality.quarantine.files', lang)}**")
    if files.empty:
        st.caption(t("quality.quarantine.no_files", lang))
    else:
        display = pd.DataFrame(
            {
                t("quality.col.file", lang): files["file_name"],
                t("quality.col.loaded_at", lang): files["loaded_at"].map(stamp),
                t("quality.col.rule", lang): files["rule"].fillna("—"),
                t("quality.col.reason", lang): files["message"].fillna(""),
            }
        )
        components.table(display, raw=files, key="quarantined_files", file_stem="quarantined_files")
        st.caption(t("quality.quarantine.folder", lang, folder=str(operations.settings.quarantine_dir())))

    summary = operations.quarantine_summary()
    st.markdown(f"**{t('quality.quarantine.rows', lang)}**")
    if summary.empty:
        st.caption(t("quality.quarantine.no_rows", lang))
        return
    fig = go.Figure()
    for kind, part in summary.groupby("kind", sort=False):
        fig.add_bar(x=part["rule"], y=part["rows_quarantined"], name=kind)
    fig.update_layout(barmode="stack", title={"text": t("quality.quarantine.chart", lang)},
                      yaxis_title_text=t("quality.unit.rows", lang), xaxis_title_text=t("quality.col.rule", lang),
                      legend_title_text="", margin={"t": 60, "b": 40, "l": 10, "r": 10})
    st.plotly_chart(fig, key="quarantine_chart", width="stretch")
    source_caption("raw._quarantined_rows", lang)
    display = pd.DataFrame(
        {
            t("quality.col.kind", lang): summary["kind"],
            t("quality.col.rule", lang): summary["rule"],
            t("quality.col.rows_quarantined", lang): [fmt_count(v, lang) for v in summary["rows_quarantined"]],
            t("quality.col.files", lang): [fmt_count(v, lang) for v in summary["files"]],
            t("quality.col.example_reason", lang): summary["example_reason"],
        }
    )
    components.table(display, raw=summary, key="quarantine_summary", file_stem="quarantine_by_rule")

    rows = operations.quarantined_rows(QUARANTINE_ROWS_SHOWN)
    choices = sorted(rows["file_name"].unique())
    chosen = st.selectbox(t("quality.quarantine.file_filter", lang), options=[""] + choices,
                          format_func=lambda v: v or t("quality.quarantine.all_files", lang),
                          key="quarantine_file")
    shown = rows[rows["file_name"] == chosen] if chosen else rows
    display = pd.DataFrame(
        {
            t("quality.col.file", lang): shown["file_name"],
            t("quality.col.row_number", lang): shown["row_number"],
            t("quality.col.rule", lang): shown["rule"],
            t("quality.col.reason", lang): shown["reason"],
            t("quality.col.original_values", lang): shown["original_values"],
        }
    )
    components.table(display, raw=shown, key="quarantined_rows", file_stem="quarantined_rows", height=360)
    if len(rows) >= QUARANTINE_ROWS_SHOWN:
        st.caption(t("quality.quarantine.capped", lang, n=fmt_count(QUARANTINE_ROWS_SHOWN, lang)))


def checks_section(checks: pd.DataFrame, lang: str) -> None:
    st.subheader(t("quality.checks.header", lang))
    st.caption(t("quality.checks.intro", lang))
    if checks.empty:
        st.caption(t("quality.checks.none", lang))
        return
    only_failing = st.toggle(t("quality.checks.only_failing", lang), key="checks_only_failing")
    shown = checks[checks["outcome"] != "passed"] if only_failing else checks
    outcomes = list(shown["outcome"])
    display = pd.DataFrame(
        {
            t("quality.col.result", lang): [f"{RESULT_MARK[o]} {t(f'quality.check.{o}', lang)}" for o in outcomes],
            t("quality.col.asset", lang): shown["asset"],
            # The check in the reader's words; its id (what dbt and Dagster call it, for SQL users) beside it.
            t("quality.col.check", lang): [check_label(a, c, lang) for a, c in zip(shown["asset"], shown["check_name"],
                                                                                   strict=True)],
            # Severity matters only for a check that did not pass (a passing check is not an "ERROR").
            t("quality.col.severity", lang): ["—" if o in ("passed", "not_run") else label_for("quality.severity", v, lang)
                                              for o, v in zip(outcomes, shown["severity"], strict=True)],
            t("quality.col.evaluated_at", lang): shown["evaluated_at"].map(stamp),
            t("quality.col.detail", lang): [check_detail(d, f, lang)
                                            for d, f in zip(shown["description"], shown["facts"], strict=True)],
            t("quality.col.check_id", lang): shown["check_name"],
        }
    )
    components.table(display, raw=shown, key="checks", file_stem="check_results", height=420)
    st.caption(t("quality.checks.source_line", lang))


def main() -> None:
    lang = components.page_header("quality")
    with components.data_guard():
        log = operations.load_log()
        checks = operations.latest_check_results()
        kpis(log, checks, lang)
        checks_section(checks, lang)
        load_log_section(log, lang)
        quarantine_section(log, lang)


main()
