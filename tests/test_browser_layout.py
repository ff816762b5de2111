"""The demo's real theme page and scorecard in headless Chromium: verdict first, no sideways
scroll on a 390 px phone, print keeps the colours, dark mode follows the reader's system."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.run import run_all
from tests.conftest import DEMO
from tests.test_browser import CHROMIUM, browser, screenshot  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.notebook,
    pytest.mark.skipif(
        shutil.which("chromium") is None or not Path(CHROMIUM).is_file(),
        reason=f"no Chromium at {CHROMIUM} (install it: apt-get install -y chromium)",
    ),
]
THEME = "relative_performance"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("layout") / "report"
    run_all(DEMO, only=[THEME], out=out, jobs=1, progress=False)
    return out


def _open(browser, path: Path, *, width: int = 1300, **media):
    tab = browser.new_page()
    tab.set_viewport_size({"width": width, "height": 900})
    if media:
        tab.emulate_media(**media)
    tab.goto(path.as_uri())
    return tab


def test_a_theme_page_opens_verdict_first(pages, browser, tmp_path):
    tab = _open(browser, pages / f"{THEME}.html")
    assert tab.title() == "Small caps against large caps"
    glance = tab.locator("table.glance tbody tr")
    assert glance.count() == 4  # one row per claim of the theme, before any claim's section
    first = glance.first.locator("a").get_attribute("href")
    assert first == "#smallcaps_beat_megacap_tech_yearend"
    assert tab.locator("nav.themes a[rel='prev']").inner_text() == "← Fed policy"
    assert tab.locator("nav.themes a[rel='next']").inner_text() == "Valuation gap →"
    # each claim: verdict box, then chart (SVG with the finding as alt text), then folded tests
    box = tab.locator(".verdict").first.bounding_box()
    chart = tab.locator("figure.chart img").first
    assert chart.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert "Verdict: supported" in chart.get_attribute("alt")
    assert box["y"] < chart.bounding_box()["y"]
    assert tab.locator("details.fold").first.get_attribute("open") is None
    assert tab.locator("a[download][href^='data:text/csv;base64,']").count() >= 4
    screenshot(tab, "theme-wide.png", tmp_path)
    tab.close()


@pytest.mark.parametrize("name", ["index.html", f"{THEME}.html"])
def test_no_sideways_scroll_on_a_390px_phone(pages, browser, tmp_path, name):
    tab = _open(browser, pages / name, width=390)
    wide = tab.evaluate("() => document.documentElement.scrollWidth")
    screenshot(tab, f"phone-{name}.png", tmp_path)
    tab.close()
    assert wide <= 390


def test_print_keeps_the_badge_colours_and_dark_mode_follows_the_system(pages, browser):
    printed = _open(browser, pages / "index.html", media="print")
    badge = printed.locator("tr.claim .badge").first
    colour = badge.evaluate("e => getComputedStyle(e).backgroundColor")
    adjust = badge.evaluate("e => getComputedStyle(e).printColorAdjust")
    printed.close()
    assert colour != "rgba(0, 0, 0, 0)" and adjust == "exact"
    dark = _open(browser, pages / "index.html", color_scheme="dark")
    light = _open(browser, pages / "index.html", color_scheme="light")
    backgrounds = [t.evaluate("() => getComputedStyle(document.body).backgroundColor")
                   for t in (dark, light)]  # fmt: skip
    dark.close()
    light.close()
    assert backgrounds == ["rgb(13, 17, 23)", "rgb(246, 248, 250)"]
