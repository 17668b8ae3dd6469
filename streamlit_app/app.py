"""Entry point: `streamlit run streamlit_app/app.py` (from the repository root).

This script runs on every rerun of every page: it sets up the page, draws the sidebar language
switch, then hands over to the selected page. To add a page: put `<name>.py` in pages/, add one
`PageSpec` line to PAGES, and its `page.<name>` title to both catalogues in i18n.py.
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

import streamlit as st  # noqa: E402

from streamlit_app import data  # noqa: E402
from streamlit_app.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, normalize_lang, t  # noqa: E402


@dataclass(frozen=True)
class PageSpec:
    name: str  # file stem in pages/ and the `page.<name>` title key in i18n.py
    url_path: str  # must differ from `name`: see below
    icon: str
    default: bool = False


# Streamlit still treats a folder named pages/ beside the entry script as a legacy (v1) multipage
# app on the first run of a process (and on every AppTest run): a URL path equal to a file stem
# would then run that page file directly, skipping this script (no language switch, no frame).
# A URL path that differs from the stem falls through to this script's st.navigation instead.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("market", "market-figures", ":material/monitoring:", default=True),
    PageSpec("sources", "cited-claims", ":material/menu_book:"),
)

PAGES_DIR = Path(__file__).resolve().parent / "pages"


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
        st.Page(PAGES_DIR / f"{spec.name}.py", title=t(f"page.{spec.name}"), icon=spec.icon,
                url_path=spec.url_path, default=spec.default)
        for spec in PAGES
    ]
    current = st.navigation(pages)
    build_caption()
    current.run()


# `streamlit run` and AppTest execute this file as __main__; importing it (tests) only reads PAGES.
if __name__ == "__main__":
    main()
