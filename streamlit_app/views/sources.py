"""Sources page: every cited claim, searchable, with the article it was read in and who it is
attributed to — the place every chart's source line points to."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from streamlit_app import components, data
from streamlit_app.i18n import (
    attribution_label,
    fmt_count,
    fmt_value,
    label_for,
    subject_label,
    t,
)

SEARCHED_COLUMNS = (
    "claim_id",
    "value_as_written",
    "subject",
    "metric",
    "geography",
    "period",
    "attributed_to",
    "article_title",
    "outlet",
    "source_id",
)


def search(claims: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where every whitespace-separated term occurs (case-insensitively) in some searched column."""
    terms = [term.casefold() for term in text.split()]
    if not terms:
        return claims
    haystack = claims[list(SEARCHED_COLUMNS)].fillna("").astype(str).agg(" | ".join, axis=1).str.casefold()
    # Metric codes are searched as labels too, so "growth" or "增长" find growth_rate_yoy.
    haystack = (
        haystack
        + " | "
        + claims["metric"]
        .map(lambda m: f"{label_for('metric', m, 'en')} {label_for('metric', m, 'zh')}")
        .str.casefold()
    )
    mask = pd.Series(True, index=claims.index)
    for term in terms:
        mask &= haystack.str.contains(term, regex=False)
    return claims[mask]


def articles_table(claims: pd.DataFrame, lang: str) -> None:
    st.subheader(t("sources.articles.header", lang))
    articles = (
        claims.groupby(["source_id", "article_title", "outlet", "published"], dropna=False)
        .agg(n_claims=("claim_id", "count"))
        .reset_index()
        .sort_values("source_id")
    )
    display = pd.DataFrame(
        {
            t("col.source_id", lang): articles["source_id"],
            t("col.article", lang): articles["article_title"],
            t("col.outlet", lang): articles["outlet"],
            t("col.published", lang): articles["published"],
            t("sources.n_claims", lang): articles["n_claims"],
        }
    )
    components.table(display, raw=articles, key="articles", file_stem="articles")


def claims_table(claims: pd.DataFrame, lang: str) -> None:
    st.subheader(t("sources.claims.header", lang))
    text = st.text_input(
        t("sources.search", lang),
        key="sources_search",
        help=t("sources.search_help", lang),
        placeholder=t("sources.search_placeholder", lang),
        icon=":material/search:",
    )
    shown = search(claims, text or "")
    st.caption(
        t("sources.count", lang, shown=fmt_count(len(shown), lang), total=fmt_count(len(claims), lang))
    )
    display = pd.DataFrame(
        {
            t("col.claim_id", lang): shown["claim_id"],
            t("col.value_as_written", lang): shown["value_as_written"],
            t("col.value_normalized", lang): [
                fmt_value(v, u, lang) for v, u in zip(shown["value_normalized"], shown["normalized_unit"])
            ],
            t("col.metric", lang): [label_for("metric", m, lang) for m in shown["metric"]],
            t("col.subject", lang): [subject_label(v, lang) for v in shown["subject"]],
            t("col.geography", lang): [label_for("geo", v, lang) for v in shown["geography"]],
            t("col.period", lang): shown["period"],
            t("col.attributed_to", lang): [attribution_label(v, lang) for v in shown["attributed_to"]],
            t("col.article", lang): shown["article_title"],
            t("col.outlet", lang): shown["outlet"],
            t("col.published", lang): shown["published"],
            t("col.locator", lang): shown["locator"],
            t("col.note", lang): shown["note"],
        }
    )
    components.table(display, raw=shown, key="claims", file_stem="cited_claims", height=560)


def main() -> None:
    lang = components.page_header("sources")
    with components.data_guard():
        claims = data.cited_claims()
    claims_table(claims, lang)
    articles_table(claims, lang)


main()
