"""Every page at a laptop's 800 px and a desktop's 1400 px, in English and Chinese, in a real browser:
each page opens at its own URL (/market?lang=zh …), no headline number is cut ("$72…"), no English
label is left on a Chinese page, and no request leaves localhost (favicon included).

Reuses the module-scoped `tsw serve` and chromium fixtures of test_pages_in_chromium.py.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from streamlit_app.app import PAGES
from streamlit_app.i18n import description, t
from tests.browser.test_pages_in_chromium import (  # noqa: F401 - fixtures
    CHROMIUM,
    CONTENT,
    TITLE_KEYS,
    WAIT_MS,
    assert_clean,
    browser,
    server,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"),
]

WIDTHS = (800, 1400)
# A page's first render in a fresh server loads what it reads once (its imports, the snapshot), which
# takes long on a loaded 2-core machine: wait generously, but for the page's own signals, never a fixed time.
FIRST_RENDER_MS = 4 * WAIT_MS


def wait_ready(page) -> None:
    page.locator(CONTENT).first.wait_for(timeout=FIRST_RENDER_MS)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                           timeout=FIRST_RENDER_MS)
# Every metric value's text fits its box: nothing clipped, no ellipsis.
NOTHING_CUT = """() => [...document.querySelectorAll('[data-testid=stMetricValue]')].every(v =>
    !v.innerText.includes('…') &&
    [v, ...v.querySelectorAll('*')].every(e => e.scrollWidth <= e.clientWidth + 1))"""
CUT_DETAIL = """() => [...document.querySelectorAll('[data-testid=stMetricValue]')].filter(v =>
    v.innerText.includes('…') || [v, ...v.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1))
    .map(v => v.innerText)"""
# English that used to be left on Chinese pages: registry geographies, subjects and attributions, the Categories
# page's market signals and their detail lines.
ENGLISH_ON_CHINESE = ["Global", "North America", "Southeast Asia", "US social commerce", "Global social commerce",
                      "TikTok official", "article (unattributed)", "foreign media", "third-party data",
                      "industry insider", "practitioner:", "hot (", "opportunity (", "risk (", "no signal"]
# Plotly's English month names on a time axis ("Jan 2025", "Mar 5").
ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
TICKS = "[data-testid=stPlotlyChart] .xtick text, [data-testid=stPlotlyChart] .ytick text"


def open_at(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.locator("h1").first.wait_for(timeout=FIRST_RENDER_MS)
    return context, page, requests


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_page_has_its_url_and_whole_headlines(server, browser, spec, lang, width):
    context, page, requests = open_at(browser, f"{server}/{spec.name}?lang={lang}", width)
    try:
        wait_ready(page)
        assert_clean(page)
        assert urlparse(page.url).path == f"/{spec.name}"
        title_key = TITLE_KEYS.get(spec.name)
        if title_key:
            expect(page.locator("h1").first).to_have_text(t(title_key, lang), timeout=WAIT_MS)
        if page.locator("[data-testid=stMetricValue]").count():
            try:
                page.wait_for_function(NOTHING_CUT, timeout=20_000)
            except Exception:  # noqa: BLE001 - report which headline is cut
                pytest.fail(f"headline numbers cut at {width}px ({lang}): {page.evaluate(CUT_DETAIL)}")
        if lang == "zh":
            if spec.name == "sql":  # the marts' descriptions, in Chinese (dbt writes them in English)
                expect(page.locator("[data-testid=stExpander] summary").first).to_contain_text(
                    description("marts.dim_categories", None, "", "zh")[:20], timeout=WAIT_MS)
            text = page.locator("[data-testid=stMain]").inner_text()
            svg = " ".join(x or "" for x in page.locator("[data-testid=stPlotlyChart] svg text").all_text_contents())
            left = [w for w in ENGLISH_ON_CHINESE if re.search(rf"(?<![\w]){re.escape(w)}", text + " " + svg)]
            left += sorted({m for x in page.locator(TICKS).all_text_contents() for m in ENGLISH_MONTH.findall(x)})
            if spec.name == "sql":
                left += [d for d in ("The canonical category taxonomy", "The headline spillover figures",
                                     "Channel × category × month") if d in text]
            assert left == [], f"English left on the Chinese {spec.name} page: {left}"
        outside = sorted({urlparse(u).hostname for u in requests
                          if urlparse(u).scheme in ("http", "https", "ws", "wss")
                          and urlparse(u).hostname not in ("127.0.0.1", "localhost")})
        assert outside == [], f"requests left localhost: {outside}"
    finally:
        context.close()


def test_root_opens_the_default_page_in_the_linked_language(server, browser):
    context, page, _ = open_at(browser, f"{server}/?lang=zh", 1400)
    try:
        page.wait_for_url("**/market?lang=zh", timeout=WAIT_MS)
        expect(page.locator("h1").first).to_have_text(t("market.title", "zh"), timeout=WAIT_MS)
        assert_clean(page)
    finally:
        context.close()
