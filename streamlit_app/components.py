"""Building blocks every page uses, so charts and tables look and behave the same everywhere.

- `data_guard()` turns "no build yet" / "being refreshed" / "missing table" into a notice.
- `chart()` gives every figure a title, a unit on its value axis and a source line.
- `table()` shows a formatted table and offers its rows as CSV and Excel, in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

import numpy as np
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


def page_header(page: str, **intro_values) -> str:
    """Every page's heading and one-line introduction (`<page>.title`, `<page>.intro` in the message catalogues),
    in the reader's language; returns that language for the rest of the page."""
    lang = _lang()
    st.title(t(f"{page}.title", lang))
    st.caption(t(f"{page}.intro", lang, **intro_values))
    return lang


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
    if _lang() == "zh":
        chinese_dates(fig)
    st.plotly_chart(fig, key=key, width="stretch")
    st.caption(source_line(claim_ids))


# Plotly writes dates on a time axis in English ("Jan 2025", "Mar 5"): Chinese ticks and hover labels, by zoom level.
_ZH_DATE_TICKS = [
    {"dtickrange": [None, 86_400_000], "value": "%-m月%-d日 %H:%M"},
    {"dtickrange": [86_400_000, "M1"], "value": "%-m月%-d日"},
    {"dtickrange": ["M1", "M12"], "value": "%Y年%-m月"},
    {"dtickrange": ["M12", None], "value": "%Y年"},
]


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _is_time_axis(values) -> bool:
    if values is None or len(values) == 0:
        return False
    first = next((v for v in values if v is not None), None)
    if isinstance(first, str):
        return bool(_ISO_DAY.match(first))
    return isinstance(first, datetime | date | np.datetime64 | pd.Timestamp)


def chinese_dates(fig: go.Figure) -> None:
    """Chinese month and day names on every time axis of `fig` (x or y), in ticks and hover labels."""
    for axis in ("x", "y"):
        if any(_is_time_axis(getattr(trace, axis, None)) for trace in fig.data):
            fig.update_layout({f"{axis}axis": {"tickformatstops": _ZH_DATE_TICKS, "hoverformat": "%Y年%-m月%-d日"}})


# Raw columns whose values are codes: translated into the reader's words in downloads.
CODE_COLUMNS = {
    "channel": "categories.channel",
    "geography": "geo",
    "metric": "metric",
    "kind": "kind",
    "check_kind": "kind",
    "status": "quality.status",
    "signal": "signal",
    "category_id": "spill.category",
    "product_group": "spill.category",
}
# Sections whose `<section>.col.<name>` labels name raw columns, most general first.
_COLUMN_LABEL_PREFIXES = ("col", "quality.col", "overview.col", "categories.col", "spill.col", "sql.col", "dl.col")


def column_label(name: str, lang: str) -> str:
    """The reader's words for a raw column name (the same label the page shows where there is one)."""
    from streamlit_app.i18n import has

    for prefix in _COLUMN_LABEL_PREFIXES:
        key = f"{prefix}.{name}"
        if has(key):
            return t(key, lang)
    return str(name).replace("_", " ")


def _round_column(name: str, series: pd.Series) -> pd.Series:
    if not pd.api.types.is_float_dtype(series):
        return series
    # Money to the cent; other measures to 4 decimals (shares, elasticities): no float noise.
    decimals = 2 if str(name).endswith("_usd") or "usd" in str(name).split("_") else 4
    return series.round(decimals)


def download_frame(raw: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What a download holds: every raw column, headers and codes in the reader's language, numbers
    rounded (money to the cent), booleans and dates as they are — ready for a spreadsheet."""
    from streamlit_app.i18n import has, label_for

    out = pd.DataFrame(index=raw.index)
    used: set[str] = set()
    for name in raw.columns:
        series = _round_column(name, raw[name])
        prefix = CODE_COLUMNS.get(str(name))
        if prefix and not pd.api.types.is_numeric_dtype(series):
            series = series.map(lambda v, p=prefix: v if v is None or (isinstance(v, float) and pd.isna(v))
                                else (label_for(p, v, lang) if has(f"{p}.{v}") else v))
        label = column_label(str(name), lang)
        if label in used:  # two raw columns with one label: keep them apart
            label = f"{label} ({name})"
        used.add(label)
        out[label] = series
    return out.reset_index(drop=True)


def table(
    display: pd.DataFrame,
    *,
    key: str,
    file_stem: str,
    raw: pd.DataFrame | None = None,
    height: int | None = None,
) -> None:
    """Show `display` (formatted, translated headers) and offer `raw` (or `display`) as CSV and Excel.

    Downloads hold every raw column with headers and codes in the reader's language and rounded
    numbers (`download_frame`); text a spreadsheet would run as a formula is neutralised
    (`orchestration.lib.spreadsheet`). Files are built only when a button is clicked.
    """
    from orchestration.lib.spreadsheet import to_csv_bytes, to_xlsx_bytes
    from streamlit_app.i18n import current_lang

    if display.empty:
        st.caption(t("data.empty"))
    else:
        kwargs = {"height": height} if height else {}
        st.dataframe(display, hide_index=True, key=f"{key}_table", width="stretch", **kwargs)
    lang = current_lang()
    export = download_frame(raw, lang) if raw is not None else display.reset_index(drop=True)
    downloads = (
        ("table.download", lambda: to_csv_bytes(export), "csv", "text/csv", ":material/download:"),
        ("table.download_xlsx", lambda: to_xlsx_bytes(export, sheet_name=file_stem), "xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ":material/table_view:"),
    )
    for column, (label, make, extension, mime, icon) in zip(st.columns([1, 1, 4])[:2], downloads, strict=True):
        column.download_button(
            t(label), data=make, file_name=f"{file_stem}.{extension}", mime=mime, key=f"{key}_{extension}",
            help=t("table.download_help"), icon=icon, on_click="ignore", disabled=export.empty,
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
