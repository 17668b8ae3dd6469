"""Catalogue page: the seller's products in an editable table (category, unit cost, fulfilment costs,
effective date), saved to $TSW_HOME/catalogue/products.csv with the loader's own rules, a button that
starts a build and follows it, and the match report (how products were matched across channels).

The page writes only the seller's catalogue file; the warehouse is written by the build it starts (a
separate `tsw build` process), never by the app.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import streamlit as st

from orchestration.lib import catalogue as cat
from orchestration.lib.reference_tables import COST_COLUMNS, taxonomy_ids
from orchestration.quality.violations import ValidationFailed
from streamlit_app import build_runner, components, data
from streamlit_app.i18n import fmt_count, t

EDITED_COLUMNS = ["product_id", "product_name", "category", "seller_sku", "unit_cogs_usd", "tiktok_fbs_fulfilment_usd",
                  "tiktok_fbt_fulfilment_usd", "amazon_fba_fulfilment_usd", "amazon_fbm_fulfilment_usd",
                  "shopify_fulfilment_usd", "costs_valid_from"]
SHOWN_INFO = ["info_category_found", "info_category_rule", "info_channels_sold", "info_units_sold", "info_cost_status"]


@st.fragment(run_every=3)
def build_status(lang: str) -> None:
    state = build_runner.running_build()
    if not state:
        return
    elapsed = int(time.time() - state["started"])
    if state["running"]:
        st.info(t("catalogue.build.running", lang, seconds=elapsed, step=build_runner.last_progress(Path(state["log"]))),
                icon=":material/sync:")
    else:
        log = Path(state["log"])
        ok = state["returncode"] == 0
        (st.success if ok else st.warning)(t("catalogue.build.done" if ok else "catalogue.build.failed", lang,
                                             log=str(log)), icon=":material/check:" if ok else ":material/error:")


def editor(lang: str) -> None:
    frame, _added = cat.refreshed_products()
    st.subheader(t("catalogue.products.header", lang))
    if frame.empty:
        st.info(t("catalogue.products.empty", lang), icon=":material/upload_file:")
        return
    missing = cat.lacking_costs(frame)
    st.caption(t("catalogue.products.intro", lang, n=fmt_count(len(frame), lang), missing=fmt_count(missing, lang),
                 path=str(cat.products_path())))
    shown = frame[EDITED_COLUMNS + SHOWN_INFO].copy()
    for col in COST_COLUMNS:
        shown[col] = pd.to_numeric(shown[col], errors="coerce")
    config = {
        "product_id": st.column_config.TextColumn(t("catalogue.col.product_id", lang), required=True),
        "product_name": st.column_config.TextColumn(t("catalogue.col.product_name", lang)),
        "category": st.column_config.SelectboxColumn(t("catalogue.col.category", lang), options=taxonomy_ids()),
        "seller_sku": st.column_config.TextColumn(t("catalogue.col.seller_sku", lang)),
        "costs_valid_from": st.column_config.TextColumn(t("catalogue.col.costs_valid_from", lang),
                                                        help=t("catalogue.col.costs_valid_from_help", lang)),
        **{c: st.column_config.NumberColumn(t(f"catalogue.col.{c}", lang), min_value=0.0, format="%.2f")
           for c in COST_COLUMNS},
        **{c: st.column_config.TextColumn(t(f"catalogue.col.{c}", lang), disabled=True) for c in SHOWN_INFO},
    }
    edited = st.data_editor(shown, column_config=config, hide_index=True, key="catalogue_editor",
                            num_rows="dynamic", width="stretch")
    save, save_build = st.columns(2)
    clicked_save = save.button(t("catalogue.save", lang), icon=":material/save:")
    clicked_build = save_build.button(t("catalogue.save_and_build", lang), icon=":material/play_arrow:",
                                      type="primary", disabled=bool((build_runner.running_build() or {}).get("running")))
    if clicked_save or clicked_build:
        out = edited.copy()
        written = frame.set_index("product_id")
        for col in COST_COLUMNS:
            # A cost left as it was keeps the seller's own spelling ("11.0" stays "11.0").
            def as_text(pid, value, col=col):
                before = written[col].get(pid, "") if pid in written.index else ""
                if pd.isna(value):
                    return ""
                if before != "" and pd.to_numeric(before, errors="coerce") == float(value):
                    return before
                return f"{float(value):.10g}"
            out[col] = [as_text(pid, v) for pid, v in zip(out["product_id"], out[col], strict=True)]
        # Columns the table does not show (other codes, product types, notes) are kept as the seller wrote them.
        rest = frame.drop(columns=[c for c in EDITED_COLUMNS + SHOWN_INFO if c in frame.columns])
        rest = rest.set_index(frame["product_id"])
        full = out.drop(columns=SHOWN_INFO).merge(rest, left_on="product_id", right_index=True, how="left")
        try:
            cat.save_products(full.fillna(""))
        except ValidationFailed as exc:
            st.error(t("catalogue.save.invalid", lang), icon=":material/error:")
            for v in exc.violations[:30]:
                st.markdown(f"- {t('catalogue.save.violation', lang, row=v.row or '—', rule=v.rule, detail=v.detail)}")
            return
        st.success(t("catalogue.saved", lang, path=str(cat.products_path())), icon=":material/check:")
        if clicked_build:
            build_runner.start_build()
            st.rerun()


def match_report(lang: str) -> None:
    st.subheader(t("catalogue.matches.header", lang))
    st.caption(t("catalogue.matches.intro", lang))
    with components.data_guard():
        matches = data.query("select * from marts.mart_product_matches order by finding <> 'ok' desc, finding, "
                             "net_sales_usd desc, product_id")
    attention = matches[matches["finding"] != "ok"]
    counts = attention["finding"].value_counts()
    cols = st.columns(4)
    for col, finding in zip(cols, ["likely_duplicate", "one_channel_only", "not_in_catalogue", "never_sold"]):
        col.metric(t(f"catalogue.finding.{finding}", lang), fmt_count(int(counts.get(finding, 0)), lang))
    display = pd.DataFrame({
        t("catalogue.col.product_id", lang): attention["product_id"],
        t("catalogue.col.product_name", lang): attention["product_name"],
        t("catalogue.col.finding", lang): [t(f"catalogue.finding.{f}", lang) for f in attention["finding"]],
        t("catalogue.col.likely_duplicate_of", lang): attention["likely_duplicate_of"],
        t("catalogue.col.info_channels_sold", lang): attention["channels_seen"],
        t("catalogue.col.matched_by", lang): attention["matched_by"],
        t("catalogue.col.info_cost_status", lang): [t(f"catalogue.cost.{c}", lang) for c in attention["cost_status"]],
    })
    components.table(display, raw=attention, key="matches", file_stem="product_matches")


def main() -> None:
    lang = components.page_header("catalogue")
    build_status(lang)
    editor(lang)
    match_report(lang)


main()
