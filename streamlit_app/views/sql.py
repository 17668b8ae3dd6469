"""SQL page: ask the published warehouse anything, read-only.

Queries go through the same sandbox as `tsw sql` (orchestration/lib/sql_sandbox.py): one read
statement, no file or network access, locked settings, a row cap and a time limit. The schema
browser lists the marts with dbt's description of every column.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orchestration.lib.sql_sandbox import QueryRefused, run_query, schema_catalog
from streamlit_app import components, data
from streamlit_app.i18n import description, fmt_count, t

MAX_ROWS = 1000
TIMEOUT_S = 20.0
EXAMPLE = (
    "select subject, period, metric, value, value_low, value_high, n_sources\n"
    "from marts.mart_market_size\n"
    "where geography = 'US'\n"
    "order by subject, metric, period"
)


@st.cache_data(ttl=data.CACHE_TTL_SECONDS, show_spinner=False)
def catalog(path: str, version: str) -> list[dict]:
    # `version` keys the cache to one published snapshot, like data._cached_query.
    from pathlib import Path

    return [
        {"name": table.qualified_name, "description": table.description,
         "columns": [(c.name, c.data_type, c.description) for c in table.columns]}
        for table in schema_catalog(Path(path))
    ]


def schema_browser(lang: str) -> None:
    st.subheader(t("sql.schema.header", lang))
    path = data.published_path()
    tables = catalog(str(path), data.published_version(path))
    if not tables:
        st.caption(t("sql.schema.none", lang))
        return
    st.caption(t("sql.schema.intro", lang, n=fmt_count(len(tables), lang)))
    for table in tables:
        described = description(table["name"], None, table["description"], lang)
        with st.expander(f"`{table['name']}` — {described or t('sql.schema.no_description', lang)}"):
            columns = pd.DataFrame(table["columns"], columns=["column", "type", "description"])
            columns["description"] = [description(table["name"], c, d, lang)
                                      for c, d in zip(columns["column"], columns["description"], strict=True)]
            display = pd.DataFrame(
                {
                    t("sql.col.column", lang): columns["column"],
                    t("sql.col.type", lang): columns["type"],
                    t("sql.col.description", lang): columns["description"],
                }
            )
            components.table(display, raw=columns, key=f"schema_{table['name']}",
                             file_stem=f"columns_{table['name'].replace('.', '_')}")


def query_box(lang: str) -> None:
    st.caption(t("sql.rules", lang, rows=fmt_count(MAX_ROWS, lang), seconds=fmt_count(int(TIMEOUT_S), lang)))
    with st.form("sql_form", border=False):
        text = st.text_area(t("sql.query", lang), value=EXAMPLE, height=160, key="sql_query")
        submitted = st.form_submit_button(t("sql.run", lang), icon=":material/play_arrow:", type="primary")
    if submitted:
        try:
            result = run_query(text, max_rows=MAX_ROWS, timeout_s=TIMEOUT_S)
        except QueryRefused as exc:
            st.session_state["sql_result"] = None
            st.session_state["sql_error"] = str(exc)
        else:
            st.session_state["sql_result"] = result
            st.session_state["sql_error"] = None
    error = st.session_state.get("sql_error")
    result = st.session_state.get("sql_result")
    if error:
        st.error(error, icon=":material/block:")
    elif result is not None:
        frame = pd.DataFrame(result.rows, columns=result.columns)
        if result.truncated:
            st.warning(t("sql.truncated", lang, rows=fmt_count(MAX_ROWS, lang)))
        st.caption(t("sql.row_count", lang, n=fmt_count(len(frame), lang)))
        components.table(frame, key="sql_result", file_stem="query_result", height=420)


def main() -> None:
    lang = components.page_header("sql")
    with components.data_guard():
        data.published_version()  # no build yet -> the standard notice instead of a query error
        query_box(lang)
        schema_browser(lang)


main()
