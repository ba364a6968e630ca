"""The first visit to the dashboards is light: compressed, and cached for the visits after it.

Measured in Chromium as a project lead meets it: an empty cache, the login page, the staff
home, then the project's dashboard until every chart is drawn. The bytes are what went over
the wire (Chromium's encoded data length, headers included), so compression counts.
"""

from __future__ import annotations

from typing import Any

from survey.demo.loader import demo_password
from tests.browser.dashboards.conftest import LAPTOP, wait_for_charts

#: The whole first visit, login included: plotly.js alone is 4.8 MB uncompressed.
FIRST_VISIT_BUDGET = 1_500_000


class Transfers:
    """Bytes received per URL, from the DevTools protocol's Network events."""

    def __init__(self, page: Any) -> None:
        self.urls: dict[str, str] = {}
        self.received: dict[str, int] = {}
        session = page.context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", self._sent)
        session.on("Network.loadingFinished", self._finished)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def _sent(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        url = self.urls.get(event["requestId"], event["requestId"])
        self.received[url] = self.received.get(url, 0) + int(event["encodedDataLength"])

    def total(self) -> int:
        return sum(self.received.values())

    def report(self) -> str:
        rows = sorted(self.received.items(), key=lambda row: -row[1])
        return "\n".join(f"{size:>10,} {url}" for url, size in rows)


def test_the_first_dashboard_visit_transfers_less_than_one_and_a_half_megabytes(
    laptop, log_in, demo
) -> None:
    transfers = Transfers(laptop)
    log_in("leder@demo.trivsel.no")
    laptop.goto(f"/dashboards/project/{demo.project_id}/")
    assert wait_for_charts(laptop) > 0
    print(f"first visit: {transfers.total():,} bytes\n{transfers.report()}")
    assert transfers.total() < FIRST_VISIT_BUDGET, transfers.report()


def test_the_next_visit_takes_plotly_and_the_styles_from_the_browser_s_cache(
    browser, live_server, demo
) -> None:
    # A context of its own: the other pages' origin guard intercepts requests, which turns
    # Chromium's HTTP cache off.
    context = browser.new_context(base_url=live_server, **LAPTOP)
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("E-postadresse").fill("leder@demo.trivsel.no")
    page.get_by_label("Passord").fill(demo_password())
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/staff/")
    page.goto(f"/dashboards/project/{demo.project_id}/")
    wait_for_charts(page)
    transfers = Transfers(page)
    page.goto(f"/dashboards/project/{demo.project_id}/")
    assert wait_for_charts(page) > 0
    context.close()
    static = {u: n for u, n in transfers.received.items() if "/vendor/" in u or "/static/" in u}
    assert sum(static.values()) == 0, transfers.report()
