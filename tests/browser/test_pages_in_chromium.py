"""Every page in a real browser, served by `tsw serve` on the real demo build.

pytest starts `tsw serve --port <free port>` with TSW_HOME = the session's built warehouse, waits for
/_stcore/health, then chromium (Debian's package, driven by Playwright) opens every page, checks a
value read from the marts, switches the language, runs a SELECT on the SQL page, and saves a
screenshot per page to test-output/screenshots/<page>.png (gitignored).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from orchestration import settings
from streamlit_app.app import PAGES
from streamlit_app.i18n import fmt_count, t

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = settings.REPO_ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TITLE_KEYS = {"market": "market.title", "sources": "sources.title", "overview": "overview.title",
              "data_quality": "quality.title", "sql": "sql.title", "categories": "categories.title",
              "spillover": "spill.title", "settlements": "settle.title", "catalogue": "catalogue.title"}
WAIT_MS = 90_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def facts(built_warehouse) -> dict[str, int]:
    """Known values, read straight from the published marts."""
    with duckdb.connect(str(built_warehouse / "published.duckdb"), read_only=True) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]
        return {
            "figures": one("select count(*) from marts.mart_market_size"),
            # The Market page opens on the US figures its title promises.
            "figures_us": one("select count(*) from marts.mart_market_size where geography = 'US'"),
            "claims": one("select count(*) from marts.mart_cited_claims"),
            "files_loaded": one("select count(*) from raw._load_log where status = 'loaded'"),
        }


@pytest.fixture(scope="module")
def server(built_warehouse):
    port = free_port()
    env = {**settings.subprocess_env(), "TSW_HOME": str(built_warehouse)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "serve", "--port", str(port), "--host", "127.0.0.1"],
        cwd=settings.REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                output = proc.stdout.read().decode(errors="replace") if proc.poll() is not None else ""
                pytest.fail(f"`tsw serve` did not become healthy:\n{output}")
            time.sleep(0.5)
        yield base
    finally:
        # `tsw serve` runs streamlit as a child in the same process group: stop the whole group, and
        # make sure nothing of it outlives the test even if the parent exits first.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(1)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    page.goto(url)
    page.locator("h1").first.wait_for(timeout=WAIT_MS)
    return page


CONTENT = (
    "[data-testid=stMetric], [data-testid=stPlotlyChart], [data-testid=stDataFrame], textarea, [data-testid=stAlert]")


def wait_idle(page) -> None:
    """Until the page has drawn its content and Streamlit has finished the script run."""
    page.locator(CONTENT).first.wait_for(timeout=WAIT_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=WAIT_MS)


def expect_metric(page, label: str, value: str) -> None:
    """The metric labelled `label` shows `value`, waiting for it (metrics arrive in their own deltas, and
    Streamlit shows its running indicator only after a delay, so an idle-looking page may still be drawing)."""
    metric = page.locator("[data-testid=stMetric]").filter(has=page.get_by_text(label, exact=True))
    expect(metric.first.locator("[data-testid=stMetricValue]")).to_have_text(value, timeout=WAIT_MS)


def assert_clean(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0, page.locator(
        "[data-testid=stException]").first.inner_text()
    assert page.locator("[role=dialog]").count() == 0  # no "Page not found"


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_every_page_renders_a_known_value_in_both_languages(server, browser, facts, spec):
    # The default page lives at the root URL (its url_path is not routable by name).
    path = "" if spec.default else spec.name
    page = open_page(browser, f"{server}/{path}?lang=en")
    try:
        wait_idle(page)
        title_key = TITLE_KEYS.get(spec.name)
        if title_key:
            assert page.locator("h1").first.inner_text() == t(title_key, "en")
        assert_clean(page)
        if spec.name == "market":
            expect_metric(page, t("market.kpi.figures", "en"), fmt_count(facts["figures_us"], "en"))
        elif spec.name == "sources":
            expected = t("sources.count", "en", shown=fmt_count(facts["claims"], "en"),
                         total=fmt_count(facts["claims"], "en"))
            page.get_by_text(expected).wait_for(timeout=WAIT_MS)
        elif spec.name == "overview":
            expect_metric(page, t("overview.kpi.figures", "en"), fmt_count(facts["figures"], "en"))
            expect_metric(page, t("overview.kpi.files", "en"), fmt_count(facts["files_loaded"], "en"))
        elif spec.name == "data_quality":
            expect_metric(page, t("quality.kpi.files_loaded", "en"), fmt_count(facts["files_loaded"], "en"))
        elif spec.name == "sql":
            # Run a SELECT: every figure of the market mart comes back (fewer than the row cap).
            editor = page.locator("textarea").first
            editor.fill("select * from marts.mart_market_size")
            page.get_by_role("button", name=t("sql.run", "en")).click()
            page.get_by_text(t("sql.row_count", "en", n=fmt_count(facts["figures"], "en")), exact=True).wait_for(
                timeout=WAIT_MS)
            # The caption is drawn before the table: wait for the table, do not read it the same instant.
            expect(page.locator("[data-testid=stDataFrame]").first).to_be_visible(timeout=WAIT_MS)
            # A write is refused in plain words, in the page.
            editor.fill("drop table marts.mart_market_size")
            page.get_by_role("button", name=t("sql.run", "en")).click()
            page.get_by_text("Refused (DROP statement)").wait_for(timeout=WAIT_MS)
        else:
            # A page owned elsewhere: it renders its KPIs, charts or tables without an error.
            assert page.locator(CONTENT).count() > 0
        page.screenshot(path=str(SCREENSHOTS / f"{spec.name}.png"), full_page=True)

        # Switch to Chinese in the sidebar: the page relabels itself and the URL follows.
        page.locator("[data-testid=stSidebar]").get_by_text("简体中文").click()
        page.wait_for_url("**lang=zh**", timeout=WAIT_MS)
        if title_key:
            page.wait_for_function(
                "t => document.querySelector('h1') && document.querySelector('h1').innerText === t",
                arg=t(title_key, "zh"), timeout=WAIT_MS)
        wait_idle(page)
        assert_clean(page)
        # The navigation is relabelled in its own delta, after the heading: wait for it.
        expect(page.locator("[data-testid=stSidebar]")).to_contain_text(t(f"page.{spec.name}", "zh"),
                                                                        timeout=WAIT_MS)
        if spec.name == "spillover":
            # The product-group choice is relabelled too (Streamlit alone would keep the English label).
            chosen = page.locator("[data-testid=stSelectbox] input").first
            expect(chosen).to_have_value(t("spill.group.all", "zh"), timeout=WAIT_MS)
        if spec.name in ("market", "overview"):
            key, n = (("market.kpi.figures", facts["figures_us"]) if spec.name == "market"
                      else ("overview.kpi.figures", facts["figures"]))
            expect_metric(page, t(key, "zh"), fmt_count(n, "zh"))
        page.screenshot(path=str(SCREENSHOTS / f"{spec.name}.zh.png"), full_page=True)
    finally:
        page.close()
