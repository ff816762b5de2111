"""The report in a real browser: headless Chromium (playwright) opens index.html from disk.

The scorecard holds the 23 claims of the real claims file, from ``workbook check --json`` on
data/demo (else ../shared/data/real); the index_levels page beside it is a real executed and
exported notebook (the generic fixture notebook, run by ``run_all``). Skipped where
/usr/bin/chromium is missing (``apt-get install chromium``). Screenshots go to the test's
temporary folder, or to $WORKBOOK_ARTIFACTS when set; their paths are printed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.cli import main
from analysis.report.scorecard import write_scorecard
from analysis.run import run_all
from analysis.snapshot import Snapshot
from tests.conftest import DEMO, REAL
from tests.test_pages_hostile import hostile_report  # noqa: F401 (a fixture)
from tests.test_runner import FIXTURES

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: nothing can leave the machine
]
THEME, CLAIM = "index_levels", "rut_close_2026_01_02"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.notebook,  # the theme page is a notebook executed by run_all
    pytest.mark.skipif(
        shutil.which("chromium") is None or not Path(CHROMIUM).is_file(),
        reason=f"no Chromium at {CHROMIUM} (install it: apt-get install -y chromium)",
    ),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, Snapshot]:
    """index.html (23 claims, from `workbook check`) and one executed theme page beside it."""
    snapshot = DEMO if (DEMO / "manifest.json").is_file() else REAL
    if not Snapshot(snapshot).files:
        pytest.skip("neither data/demo nor ../shared/data/real holds a snapshot")
    out = tmp_path_factory.mktemp("browser") / "report"
    run_all(snapshot, only=[THEME], notebooks_dir=FIXTURES, out=out, jobs=1, progress=False)
    results = out.parent / "check.json"
    result = CliRunner().invoke(
        main, ["check", "--snapshot", str(snapshot), "--json", str(results)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(results.read_text())
    assert len(document["claims"]) == 23
    write_scorecard(out / "index.html", document, snapshot=Snapshot(snapshot))
    return out, Snapshot(snapshot)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


def screenshot(page, name: str, tmp: Path) -> Path:
    folder = Path(os.environ.get("WORKBOOK_ARTIFACTS", tmp))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def test_scorecard_in_chromium_rows_link_and_nothing_from_the_network(report, browser, tmp_path):
    report, snapshot = report
    page = browser.new_page()
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto((report / "index.html").as_uri())

    claims = json.loads((report.parent / "check.json").read_text())["claims"]
    rows = page.locator("tr.claim")
    assert rows.count() == 23
    for claim in claims:
        row = page.locator(f'[id="claim-{claim["id"]}"]')
        assert row.count() == 1
        assert row.locator(".badge").inner_text().lower() == claim["verdict"].replace("_", " ")
    assert page.locator(".banner.synthetic").count() == (1 if snapshot.synthetic else 0)
    if snapshot.synthetic:
        assert page.locator(".banner.synthetic").is_visible()
    assert screenshot(page, "scorecard.png", tmp_path).stat().st_size > 10_000

    page.locator(f'[id="claim-{CLAIM}"] a.section').click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"{THEME}.html#{CLAIM}")
    anchor = page.locator(f'[id="{CLAIM}"]')
    assert anchor.count() == 1
    assert page.evaluate("() => location.hash") == f"#{CLAIM}"
    assert page.locator("img[src^='data:image/png;base64,']").count() >= 1
    screenshot(page, f"{THEME}.png", tmp_path)

    assert problems == []
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    page.close()


@pytest.mark.parametrize("page", ["index.html", "levels.html"])
def test_hostile_pages_run_nothing_and_request_nothing(browser, hostile_report, page):
    """Claims text, notes, file names and a manifest URL full of script (test_pages_hostile.py):
    in Chromium no dialog opens, no request leaves the page, and the CSP never had to block."""
    tab = browser.new_page()
    dialogs, requests, console = [], [], []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("console", lambda m: console.append(m.text))
    tab.goto((hostile_report / page).as_uri())
    for summary in tab.locator("details > summary").all():  # <details ontoggle=...> if live
        summary.click()
    for link in tab.locator("a[href^='javascript']").all():  # none should exist
        link.click()
    tab.wait_for_timeout(300)
    tab.close()
    assert dialogs == []
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    assert [m for m in console if "Content Security Policy" in m] == []
