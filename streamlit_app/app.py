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
    PageSpec("overview", ":material/dashboard:"),
    PageSpec("data_quality", ":material/fact_check:"),
    PageSpec("sql", ":material/terminal:"),
)

PAGES_DIR = Path(__file__).resolve().parent / "views"


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


def build_caption() -> None:
    when = data.published_at()
    if when is None:
        st.sidebar.caption(t("app.no_build_sidebar"))
    else:
        st.sidebar.caption(t("app.published_at", when=when.strftime("%Y-%m-%d %H:%M")))


def main() -> None:
    language_switch()
    st.set_page_config(layout="wide", page_title=t("app.title"), page_icon=":material/storefront:")
    pages = [
        st.Page(
            PAGES_DIR / f"{spec.name}.py",
            title=t(f"page.{spec.name}"),
            icon=spec.icon,
            url_path=spec.name,
            default=spec.default,
        )
        for spec in PAGES
    ]
    current = st.navigation(pages)
    build_caption()
    current.run()


# `streamlit run` and AppTest execute this file as __main__; importing it (tests) only reads PAGES.
if __name__ == "__main__":
    main()
