"""Building blocks every page uses, so charts and tables look and behave the same everywhere.

- `data_guard()` turns "no build yet" / "being refreshed" / "missing table" into a notice.
- `chart()` gives every figure a title, a unit on its value axis and a source line.
- `table()` shows a formatted table and offers the unformatted rows as CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from streamlit_app import data
from streamlit_app.i18n import t

# A source line naming 60 claim ids is unreadable; the full list is one click away on Sources.
MAX_IDS_IN_SOURCE_LINE = 8


@contextmanager
def data_guard() -> Iterator[None]:
    """Wrap a page's data loading: on unavailable data show a notice and stop the page."""
    try:
        yield
    except data.NoBuildPublished:
        st.info(t("data.no_build"), icon=":material/database:")
        st.stop()
    except data.DataRefreshing:
        st.warning(t("data.refreshing"), icon=":material/sync:")
        st.stop()
    except data.MissingTable as exc:
        st.warning(t("data.missing_table", table=exc.table), icon=":material/table:")
        st.stop()


def claim_ids_of(values: Iterable[object]) -> list[str]:
    """Unique claim ids from a column of comma-separated id lists, in first-seen order."""
    seen: dict[str, None] = {}
    for value in values:
        for claim_id in data.split_ids(value):
            seen.setdefault(claim_id, None)
    return list(seen)


def source_line(claim_ids: Iterable[str], lang: str | None = None) -> str:
    ids = list(dict.fromkeys(claim_ids))
    if not ids:
        return t("chart.source_none", lang)
    separator = "、" if (lang or _lang()) == "zh" else ", "
    shown = separator.join(ids[:MAX_IDS_IN_SOURCE_LINE])
    if len(ids) > MAX_IDS_IN_SOURCE_LINE:
        shown = t("chart.source_more", lang, ids=shown, n=len(ids) - MAX_IDS_IN_SOURCE_LINE)
    return t("chart.source", lang, ids=shown)


def _lang() -> str:
    from streamlit_app.i18n import current_lang

    return current_lang()


def chart(
    fig: go.Figure,
    *,
    title: str,
    unit: str,
    claim_ids: Iterable[str],
    key: str,
    unit_axis: str = "y",
) -> None:
    """Render a plotly figure with its title, the unit on its value axis (`unit_axis`, x or y)
    and, below it, the source line naming the cited claims it draws."""
    fig.update_layout(
        title={"text": title},
        legend_title_text="",
        margin={"t": 60, "b": 40, "l": 10, "r": 10},
    )
    fig.update_layout({f"{unit_axis}axis_title_text": unit})
    st.plotly_chart(fig, key=key, width="stretch")
    st.caption(source_line(claim_ids))


def table(
    display: pd.DataFrame,
    *,
    key: str,
    file_stem: str,
    raw: pd.DataFrame | None = None,
    height: int | None = None,
) -> None:
    """Show `display` (formatted, translated headers) and offer `raw` (or `display`) as CSV.

    The CSV keeps machine-readable column names and unformatted numbers, so a download opens
    cleanly in a spreadsheet or pandas whatever the page language.
    """
    if display.empty:
        st.caption(t("data.empty"))
    else:
        kwargs = {"height": height} if height else {}
        st.dataframe(display, hide_index=True, key=f"{key}_table", width="stretch", **kwargs)
    export = raw if raw is not None else display
    st.download_button(
        t("table.download"),
        # utf-8-sig: Excel otherwise misreads Chinese titles in the CSV.
        data=export.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        help=t("table.download_help"),
        icon=":material/download:",
        on_click="ignore",
        disabled=export.empty,
    )


def choice(widget, label: str, options: list, *, key: str, lang: str, format_func, **kwargs):
    """`widget` (a container's selectbox or multiselect) whose option labels follow the language switch.

    Streamlit 1.67's frontend keeps showing the label a keyed selectbox had when only its
    `format_func` changes (checked in Chromium: "Apple" stayed after switching to 中文), so the
    widget is keyed per language (`<key>.<lang>`) and the reader's choice is carried across
    languages under `<key>` in session state.
    """
    multi = getattr(widget, "__name__", "") == "multiselect"
    kept = st.session_state.get(key)
    if multi:
        kwargs["default"] = [v for v in (kept or []) if v in options]
    elif kept in options:
        kwargs["index"] = options.index(kept)
    value = widget(label, options, format_func=format_func, key=f"{key}.{lang}", **kwargs)
    st.session_state[key] = value
    return value
