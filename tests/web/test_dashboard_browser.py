"""The web dashboard in a real browser: Debian's Chromium (``/usr/bin/chromium``, driven by the
``playwright`` package; no browser is downloaded) opens ``/`` of a real ``orbitwatch serve`` on loopback
with the bundled sample ingested, while every request that is not to that server is refused -- so the page
works with no network beyond the server. It sees the map with the land, the selected satellites, the
opportunities timeline and the events feed, opens an object's page with its history plot, adds a site by
clicking the map, and sees the new site's opportunities -- the same ones the API computes.

Without Chromium or playwright the test is skipped, saying why; with ``ORBITWATCH_REQUIRE_BROWSER=1`` (set by
``.ci/run``, which installs Chromium) it fails instead. ``ORBITWATCH_SCREENSHOT=PATH`` keeps a screenshot
(``docs/dashboard.png`` is made so).
"""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_server import TOKEN, Server, upload_sample

from orbitwatch.services.catalog import open_store
from orbitwatch.services.changes import diff_locations, record_diff

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER_ENV = "ORBITWATCH_REQUIRE_BROWSER"
SCREENSHOT_ENV = "ORBITWATCH_SCREENSHOT"
SELECTION = {"group": "military", "start": "epoch", "hours": "24"}
NEW_SITE = ("Pyongyang test site", 39.0392, 125.7625)
PICK_TOLERANCE_DEG = 0.1
ZOOM_STEPS = 6
MIN_ZOOM = 4
TIMEOUT_MS = 120_000


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        return f"no Chromium at {CHROMIUM}: apt-get install chromium, or run .ci/run, which installs it"
    return None


@pytest.fixture(scope="module")
def chromium_path() -> str:
    missing = _browser_missing()
    if missing is not None:
        if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
            pytest.fail(f"{REQUIRE_BROWSER_ENV}=1 but {missing}")
        pytest.skip(missing)
    return str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on SQLite with the bundled sample, one stored site (Seoul) and the sample's catalog events."""
    folder = tmp_path_factory.mktemp("dashboard")
    server = Server(f"sqlite:///{folder / 'catalog.sqlite'}", folder / "server.log").start()
    try:
        with server.client(TOKEN) as client:
            assert all(a.is_success for a in upload_sample(client))
            site = client.post("/sites", json={"name": "Seoul", "lat_deg": 37.5665, "lon_deg": 126.978})
            assert site.status_code == 201, site.text
        with open_store(server.db_url) as store:
            diff = diff_locations(
                datetime(2026, 5, 24, 12, tzinfo=UTC), datetime(2026, 5, 27, 23, tzinfo=UTC), store=store
            )
            record_diff(store, diff, now_utc=datetime(2026, 5, 28, tzinfo=UTC))
        yield server
    finally:
        server.stop()


def _count(page: Any, selector: str) -> int:
    return int(page.locator(selector).count())


def test_the_dashboard_works_offline_and_adds_a_site_by_a_click(
    chromium_path: str, dashboard_server: Server
) -> None:
    from playwright.sync_api import Route, sync_playwright

    server = dashboard_server
    blocked: list[str] = []
    problems: list[str] = []

    def only_the_server(route: Route) -> None:
        url = route.request.url
        if url.startswith((f"{server.url}/", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", only_the_server)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

            page.goto(f"{server.url}/?{httpx.QueryParams(SELECTION)}")
            page.wait_for_selector("body[data-state=ready]")
            assert page.locator("#status").text_content() == "", page.locator("#status").text_content()

            # The map: the land (coastlines), the stored site and region, the 23 military satellites with
            # their tracks and footprints.
            assert _count(page, "#map path.land") > 100
            assert _count(page, "#map circle.site[data-site='Seoul']") == 1
            assert _count(page, "#map path.region") >= 1
            assert _count(page, "#map circle.satellite") == 23
            assert _count(page, "#map path.track") == 23
            assert _count(page, "#map path.footprint") == 23
            # The timeline: Seoul's row with its opportunities, as many as the API gives.
            seoul_bars = _count(page, "#timeline g.timeline-row[data-site='Seoul'] rect.opportunity")
            with server.client() as reader:
                expected = reader.get("/overflights", params={**SELECTION, "site": "Seoul"}).json()
            assert seoul_bars == len(expected["opportunities"]) > 0
            # The events feed, and an object's page with its element-history plot.
            assert _count(page, "#events li.event") > 0
            page.locator("#events li.event a").first.click()
            page.wait_for_selector("#object-page[open][data-state=ready]")
            assert page.locator("#object-plot").evaluate("img => img.naturalWidth") > 100
            assert page.locator("#object-title").text_content()
            page.locator("#object-close").click()

            # Adding a site writes: give the token, click the map, name the site, add it.
            page.locator("#token").fill(TOKEN)
            page.locator("#token-save").click()
            page.wait_for_selector("body[data-state=ready]")
            name, lat, lon = NEW_SITE
            page.locator("#map").scroll_into_view_if_needed()
            point = page.evaluate("lonLat => window.orbitwatch.project(lonLat)", [lon, lat])
            page.mouse.move(point["x"], point["y"])
            for _ in range(ZOOM_STEPS):  # zoom in around the place, as a user would to place a site well
                page.mouse.wheel(0, -300)
            page.wait_for_function(f"window.orbitwatch.state.zoomK > {MIN_ZOOM}")
            point = page.evaluate("lonLat => window.orbitwatch.project(lonLat)", [lon, lat])
            page.mouse.click(point["x"], point["y"])
            assert float(page.locator("#site-lat").input_value()) == pytest.approx(
                lat, abs=PICK_TOLERANCE_DEG
            )
            assert float(page.locator("#site-lon").input_value()) == pytest.approx(
                lon, abs=PICK_TOLERANCE_DEG
            )
            page.locator("#site-name").fill(name)
            page.locator("#site-submit").click()
            row = f"#timeline g.timeline-row[data-site='{name}']"
            page.wait_for_selector(f"{row} rect.opportunity", state="attached")
            page.wait_for_selector("#site-message.ok")
            assert _count(page, f"#map circle.site[data-site='{name}']") == 1

            with server.client() as reader:
                stored = {s["name"]: s for s in reader.get("/sites").json()}
                assert stored[name]["lat_deg"] == pytest.approx(lat, abs=PICK_TOLERANCE_DEG)
                got = reader.get("/overflights", params={**SELECTION, "site": name}).json()["opportunities"]
            assert _count(page, f"{row} rect.opportunity") == len(got) > 0
            assert int(page.locator(row).get_attribute("data-count") or 0) == len(got)

            # An opportunity chosen in the timeline puts the map at its best time.
            page.locator(f"{row} rect.opportunity").first.click()
            page.wait_for_function(
                "best => window.orbitwatch.state.map && window.orbitwatch.state.map.at_utc.startsWith(best)",
                arg=got[0]["best_utc"][:19],
            )
            assert _count(page, "#timeline rect.opportunity.selected") == 1

            screenshot = os.environ.get(SCREENSHOT_ENV)
            if screenshot:
                page.evaluate("window.orbitwatch.resetZoom()")
                page.screenshot(path=screenshot, full_page=True)
        finally:
            browser.close()

    assert blocked == [], f"the page asked for something outside the server: {blocked}"
    assert problems == [], problems
    assert TOKEN not in server.log()
