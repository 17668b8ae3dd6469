"""Entry point: `streamlit run streamlit_app/app.py` (from the repository root).

This script runs on every rerun of every page: it sets up the page, draws the sidebar language
switch, then hands over to the selected page. To add a page: put `<name>.py` in views/, add one
`PageSpec` line to PAGES, and its `page.<name>` title to both catalogues in i18n.py.

The page scripts live in views/, not pages/, on purpose: Streamlit (1.67) still treats a folder
named pages/ beside the entry script as a legacy multipage app on the first run of every server
process (and on every AppTest run). A deep link such as /sources?lang=zh then either runs the page
file without this frame (no language switch) or pops a "Page not found" dialog.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

# `streamlit run` puts this folder, not the repository root, on sys.path; the editable install
# normally covers it, this keeps a plain checkout working too.
_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

import streamlit as st

from streamlit_app import data
from streamlit_app.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, normalize_lang, t


@dataclass(frozen=True)
class PageSpec:
    name: str  # file stem in views/, URL path, and the `page.<name>` title key in i18n.py
    icon: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("market", ":material/monitoring:", default=True),
    PageSpec("sources", ":material/menu_book:"),
    PageSpec("categories", ":material/category:"),
    PageSpec("spillover", ":material/call_split:"),
    PageSpec("catalogue", ":material/inventory_2:"),
    PageSpec("settlements", ":material/account_balance:"),
    PageSpec("overview", ":material/dashboard:"),
    PageSpec("data_quality", ":material/fact_check:"),
    PageSpec("sql", ":material/terminal:"),
)

PAGES_DIR = Path(__file__).resolve().parent / "views"
FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"

# Headline numbers (st.metric) are never cut to "$72…": their value and label wrap instead of being
# truncated, and the value's size follows the width of its column.
HEADLINE_CSS = """<style>
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
/* The value's size follows its own column's width (cqw), so "2770.0亿美元" fits a quarter of 800 px. */
[data-testid="stMetricValue"] { font-size: clamp(1rem, 15cqw, 2.25rem); line-height: 1.2; }
</style>"""


def language_switch() -> str:
    """Sidebar switch bound to session_state["lang"]; `?lang=zh` in the URL sets the first value.

    The URL is kept in step with the switch so a link shared by a Chinese reader opens in Chinese
    and a browser reload keeps the choice.
    """
    if "lang" not in st.session_state:
        st.session_state["lang"] = normalize_lang(st.query_params.get("lang")) or DEFAULT_LANG
    lang = st.sidebar.radio(
        "Language / 语言",
        options=list(LANGS),
        format_func=LANG_NAMES.__getitem__,
        key="lang",
        horizontal=True,
    )
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    return lang


def shop_switch() -> None:
    """Sidebar shop filter, shown only in a home of several shops; bound to session_state[data.SHOP_KEY], which
    data.published_path() reads for every page's queries (`?shop=` in the URL sets the first value)."""
    shops = data.home_shops()
    if len(shops) < 2:
        return
    if st.session_state.get(data.SHOP_KEY) not in shops:
        asked = st.query_params.get("shop")
        st.session_state[data.SHOP_KEY] = asked if asked in shops else data.default_shop(shops)
    chosen = st.sidebar.selectbox(t("app.shop"), options=shops, key=data.SHOP_KEY, help=t("app.shop_help"))
    if st.query_params.get("shop") != chosen:
        st.query_params["shop"] = chosen
    if not data.published_path().exists():
        st.sidebar.caption(t("app.shop_missing", shop=chosen))


def build_caption() -> None:
    from orchestration.lib import build_state

    withheld = build_state.withheld()
    if withheld:
        st.warning(t("app.build_withheld", models=", ".join(withheld["failed_models"]), at=withheld["at"]),
                   icon=":material/history:")
    when = data.published_at()
    if when is None:
        st.sidebar.caption(t("app.no_build_sidebar"))
    else:
        st.sidebar.caption(t("app.published_at", when=when.strftime("%Y-%m-%d %H:%M")))


def main() -> None:
    language_switch()
    # A local icon: a Material icon name makes the browser fetch the favicon from a font host, and the
    # app makes no outside requests.
    st.set_page_config(layout="wide", page_title=t("app.title"), page_icon=str(FAVICON),
                       initial_sidebar_state="auto")
    st.html(HEADLINE_CSS)
    pages = [
        st.Page(
            PAGES_DIR / f"{spec.name}.py",
            title=t(f"page.{spec.name}"),
            icon=spec.icon,
            url_path=spec.name,
        )
        for spec in PAGES
    ]
    # Streamlit serves its default page at "/" only (a default page's url_path is not routable), so every
    # listed page keeps its own URL (/market, /sources …) and a hidden default page at "/" opens the
    # default one — same language, since the switch lives in session state and the URL.
    default = next(page for page, spec in zip(pages, PAGES, strict=True) if spec.default)
    landing = st.Page(lambda: st.switch_page(default), title=default.title, icon=default.icon,
                      url_path="home", default=True, visibility="hidden")
    current = st.navigation([landing, *pages])
    shop_switch()
    build_caption()
    current.run()


# `streamlit run` and AppTest execute this file as __main__; importing it (tests) only reads PAGES.
if __name__ == "__main__":
    main()
