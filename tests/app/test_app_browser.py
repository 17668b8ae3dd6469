"""The app in a real browser, served by `streamlit run` as a user starts it.

AppTest does not exercise the real server's first run of a process, where Streamlit would treat a
streamlit_app/pages/ folder as a legacy multipage app: a deep link to a page on a fresh server is
exactly where that skipped the frame or showed "Page not found". Needs Debian's chromium.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from orchestration.settings import REPO_ROOT, subprocess_env
from streamlit_app.i18n import t
from tests.app.marts_fixture import APP_PATH

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(small_published):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP_PATH),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO_ROOT,
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"streamlit did not become healthy:\n{output}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_deep_link_in_chinese_on_a_fresh_server_renders_the_frame(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            # The very first request of this server process is a deep link to Sources in Chinese.
            page.goto(f"{server}/sources?lang=zh")
            heading = page.locator("h1").first
            heading.wait_for(timeout=60_000)
            assert heading.inner_text() == t("sources.title", "zh")
            sidebar = page.locator("[data-testid=stSidebar]")
            # The sidebar's widgets arrive in their own deltas, possibly after the heading.
            expect(sidebar).to_contain_text("简体中文", timeout=30_000)
            expect(sidebar).to_contain_text(t("page.market", "zh"), timeout=30_000)
            page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=30_000)
            assert page.locator("[data-testid=stException]").count() == 0
            assert page.locator("[role=dialog]").count() == 0  # no "Page not found"

            # Switching language in the sidebar relabels the page and updates the URL.
            sidebar.get_by_text("English").click()
            page.wait_for_function(
                "t => document.querySelector('h1') && document.querySelector('h1').innerText === t",
                arg=t("sources.title", "en"),
                timeout=30_000,
            )
            page.wait_for_url("**lang=en**", timeout=10_000)

            # The default page opens on Market.
            page.goto(server)
            page.locator("h1").first.wait_for(timeout=60_000)
            assert page.locator("h1").first.inner_text() == t("market.title", "en")
            page.locator("[data-testid=stPlotlyChart]").first.wait_for(timeout=30_000)
            assert page.locator("[data-testid=stException]").count() == 0
        finally:
            browser.close()
