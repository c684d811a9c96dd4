"""``HttpFetcher`` against a real loopback server: User-Agent, rate limit, retries, timeouts, cache."""

import hashlib
import json
import logging
import os
import socket
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from loopback_server import MILITARY_TARGET, FakeClock, Loopback, Reply, military_tle

from orbitwatch.errors import SourceError
from orbitwatch.io.sources.http import (
    USER_AGENT,
    HttpError,
    HttpFetcher,
    HttpResponse,
    RateLimit,
    default_cache_dir,
)


def test_the_user_agent_names_orbitwatch_and_how_to_reach_it(
    loopback: Loopback, fetcher: HttpFetcher
) -> None:
    fetcher.get(loopback.base + MILITARY_TARGET)
    [seen] = loopback.seen
    assert seen.headers["user-agent"] == USER_AGENT
    assert USER_AGENT == (
        "orbitwatch/0.1.0 (+https://github.com/orbitwatch/orbitwatch; space-domain-awareness workbench)"
    )


def test_a_fetch_is_the_body_with_its_url_time_and_hash(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    fetched = fetcher.fetch(loopback.base + MILITARY_TARGET, group="military")
    assert fetched.source == loopback.base + MILITARY_TARGET
    assert fetched.data == military_tle()
    assert fetched.sha256 == hashlib.sha256(military_tle()).hexdigest()
    assert fetched.retrieved_utc == clock.utc_now()
    assert (fetched.group, fetched.from_cache, fetched.no_data, fetched.stale) == (
        "military",
        False,
        False,
        False,
    )


def test_requests_to_a_host_keep_the_minimum_interval(
    loopback: Loopback, cache_dir: Path, clock: FakeClock
) -> None:
    loopback.serve("GET", "/a", Reply(200, b"a"))
    with HttpFetcher(cache_dir=cache_dir, clock=clock, rate_limit=RateLimit(min_interval_s=5.0)) as fetcher:
        for _ in range(3):
            fetcher.get(loopback.base + "/a", max_age=timedelta(0))
    assert [seen.at for seen in loopback.seen] == [1000.0, 1005.0, 1010.0]
    assert clock.sleeps == [5.0, 5.0]


def test_a_window_limit_holds_back_the_request_over_the_count(
    loopback: Loopback, cache_dir: Path, clock: FakeClock
) -> None:
    loopback.serve("GET", "/a", Reply(200, b"a"))
    limit = RateLimit(min_interval_s=1.0, windows=((3, 60.0),))
    with HttpFetcher(cache_dir=cache_dir, clock=clock, rate_limit=limit) as fetcher:
        for _ in range(5):
            fetcher.get(loopback.base + "/a", max_age=timedelta(0))
    assert [seen.at - 1000.0 for seen in loopback.seen] == [0.0, 1.0, 2.0, 60.0, 61.0]


def test_time_spent_between_requests_counts_toward_the_interval(
    loopback: Loopback, cache_dir: Path, clock: FakeClock
) -> None:
    loopback.serve("GET", "/a", Reply(200, b"a"))
    with HttpFetcher(cache_dir=cache_dir, clock=clock, rate_limit=RateLimit(min_interval_s=5.0)) as fetcher:
        fetcher.get(loopback.base + "/a", max_age=timedelta(0))
        clock.advance(3.0)
        fetcher.get(loopback.base + "/a", max_age=timedelta(0))
    assert clock.sleeps == [2.0]


def test_a_fresh_cached_body_is_returned_without_a_request(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    url = loopback.base + MILITARY_TARGET
    first = fetcher.fetch(url)
    clock.advance(timedelta(hours=1, minutes=59).total_seconds())
    second = fetcher.fetch(url)
    assert loopback.count(MILITARY_TARGET) == 1
    assert (first.from_cache, second.from_cache) == (False, True)
    assert (second.data, second.sha256, second.retrieved_utc) == (
        first.data,
        first.sha256,
        first.retrieved_utc,
    )


def test_an_expired_cached_body_is_requested_again(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    url = loopback.base + MILITARY_TARGET
    fetcher.fetch(url)
    clock.advance(timedelta(hours=2).total_seconds())
    again = fetcher.fetch(url)
    assert loopback.count(MILITARY_TARGET) == 2
    assert not again.from_cache
    assert again.retrieved_utc == clock.utc_now()


def test_max_age_per_call_overrides_the_fetchers(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    url = loopback.base + MILITARY_TARGET
    fetcher.fetch(url)
    clock.advance(600)
    assert fetcher.fetch(url, max_age=timedelta(minutes=20)).from_cache
    assert not fetcher.fetch(url, max_age=timedelta(minutes=5)).from_cache
    assert loopback.count(MILITARY_TARGET) == 2


def test_the_cache_keeps_body_time_status_and_content_type_under_the_url_hash(
    loopback: Loopback, fetcher: HttpFetcher, cache_dir: Path, clock: FakeClock
) -> None:
    url = loopback.base + MILITARY_TARGET
    fetcher.fetch(url)
    key = hashlib.sha256(url.encode()).hexdigest()
    assert (cache_dir / f"{key}.body").read_bytes() == military_tle()
    meta = json.loads((cache_dir / f"{key}.json").read_text())
    assert meta["url"] == url
    assert meta["status"] == 200
    assert meta["content_type"] == "text/plain; charset=utf-8"
    assert meta["retrieved_utc"] == clock.utc_now().isoformat()
    assert fetcher.cached(url) is not None


def test_a_second_fetcher_on_the_same_folder_uses_the_cache(
    loopback: Loopback, fetcher: HttpFetcher, cache_dir: Path, clock: FakeClock
) -> None:
    url = loopback.base + MILITARY_TARGET
    fetcher.fetch(url)
    with HttpFetcher(cache_dir=cache_dir, clock=clock) as other:
        assert other.fetch(url).from_cache
    assert loopback.count(MILITARY_TARGET) == 1


def test_a_damaged_cache_entry_is_a_miss(loopback: Loopback, fetcher: HttpFetcher, cache_dir: Path) -> None:
    url = loopback.base + MILITARY_TARGET
    fetcher.fetch(url)
    key = hashlib.sha256(url.encode()).hexdigest()
    (cache_dir / f"{key}.body").write_bytes(b"truncated")
    assert fetcher.fetch(url).data == military_tle()
    assert loopback.count(MILITARY_TARGET) == 2


def test_the_default_cache_is_the_users_cache_folder() -> None:
    # the suite's root conftest points XDG_CACHE_HOME at a temporary folder
    assert default_cache_dir().parts[-2:] == ("orbitwatch", "http")
    assert default_cache_dir().is_relative_to(os.environ["XDG_CACHE_HOME"])
    with HttpFetcher() as fetcher:
        assert fetcher.cache_dir == default_cache_dir()


def test_a_500_then_200_is_retried_after_a_back_off(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    loopback.serve("GET", "/flaky", Reply(500, b"Internal Server Error"), Reply(200, b"good"))
    assert fetcher.get(loopback.base + "/flaky").body == b"good"
    assert loopback.count("/flaky") == 2
    assert clock.sleeps == [1.0]


def test_a_429_waits_as_long_as_retry_after_asks(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    loopback.serve(
        "GET", "/busy", Reply(429, b"slow down", headers=(("Retry-After", "7"),)), Reply(200, b"ok")
    )
    assert fetcher.get(loopback.base + "/busy").body == b"ok"
    assert clock.sleeps == [7.0]


def test_retries_are_bounded_and_the_error_names_url_status_and_reason(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    loopback.serve("GET", "/down", Reply(503, b"Service Unavailable: maintenance until 13:00\n"))
    with pytest.raises(HttpError) as caught:
        fetcher.get(loopback.base + "/down")
    assert (caught.value.url, caught.value.status) == (loopback.base + "/down", 503)
    assert str(caught.value) == (
        f"{loopback.base}/down: HTTP 503: Service Unavailable: Service Unavailable: maintenance until 13:00"
    )
    assert loopback.count("/down") == 3
    assert clock.sleeps == [1.0, 2.0]


def test_a_4xx_is_not_retried(loopback: Loopback, fetcher: HttpFetcher) -> None:
    with pytest.raises(SourceError, match=r"/nowhere: HTTP 404: Not Found: no route in the loopback server"):
        fetcher.get(loopback.base + "/nowhere")
    assert loopback.count("/nowhere") == 1


def test_an_html_error_page_is_reported_by_its_title(loopback: Loopback, fetcher: HttpFetcher) -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>...</body></html>"
    loopback.serve("GET", "/blocked", Reply(403, page, "text/html"))
    with pytest.raises(HttpError, match=r"HTTP 403: Forbidden: 403 Forbidden$"):
        fetcher.get(loopback.base + "/blocked")


def test_a_slow_server_times_out_with_a_source_error(
    loopback: Loopback, cache_dir: Path, clock: FakeClock
) -> None:
    loopback.serve("GET", "/slow", Reply(200, b"late", delay_s=1.0))
    with (
        HttpFetcher(cache_dir=cache_dir, clock=clock, timeout_s=0.1, retries=1) as fetcher,
        pytest.raises(HttpError, match=r"/slow: no response: ReadTimeout") as caught,
    ):
        fetcher.get(loopback.base + "/slow")
    assert caught.value.status is None
    assert loopback.count("/slow") == 2


def test_a_refused_connection_is_retried_then_a_source_error(fetcher: HttpFetcher, clock: FakeClock) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(HttpError, match=rf"http://127.0.0.1:{port}/x: no response: ConnectError"):
        fetcher.get(f"http://127.0.0.1:{port}/x")
    assert clock.sleeps == [1.0, 2.0]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "http://[::1/x", "not a url"])
def test_no_httpx_exception_leaks_out(fetcher: HttpFetcher, url: str) -> None:
    with pytest.raises(HttpError) as caught:
        fetcher.get(url)
    assert not isinstance(caught.value, httpx.HTTPError)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_the_internet_is_never_reached(cache_dir: Path, clock: FakeClock) -> None:
    with (
        HttpFetcher(cache_dir=cache_dir, clock=clock, retries=0) as fetcher,
        pytest.raises(HttpError, match=r"test guard: no name lookup of 'celestrak.org'"),
    ):
        fetcher.get("https://celestrak.org/NORAD/elements/gp.php?GROUP=military&FORMAT=tle")


def test_a_body_the_validator_refuses_is_an_error_and_is_not_cached(
    loopback: Loopback, fetcher: HttpFetcher
) -> None:
    loopback.serve("GET", "/odd", Reply(200, b"Invalid query\nmore"))

    def refuse(response: HttpResponse) -> str | None:
        return "not TLE" if not response.body.startswith(b"1 ") else None

    for _ in range(2):
        with pytest.raises(HttpError, match=r"/odd: HTTP 200: not TLE; the body begins 'Invalid query'$"):
            fetcher.get(loopback.base + "/odd", validate=refuse)
    assert loopback.count("/odd") == 2


def test_a_stale_copy_is_used_after_a_failure_only_when_allowed_and_says_so(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    loopback.serve("GET", "/data", Reply(200, b"yesterday"), Reply(503, b"down"))
    url = loopback.base + "/data"
    first = fetcher.fetch(url)
    clock.advance(timedelta(days=1).total_seconds())
    with pytest.raises(HttpError, match="HTTP 503"):
        fetcher.fetch(url)
    stale = fetcher.fetch(url, allow_stale=True)
    assert (stale.data, stale.retrieved_utc, stale.from_cache) == (b"yesterday", first.retrieved_utc, True)
    assert stale.stale
    assert f"{url}: HTTP 503" in str(stale.stale_reason)


def test_a_stale_copy_is_not_used_after_a_401(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    loopback.serve("GET", "/private", Reply(200, b"old"), Reply(401, b"log in"))
    fetcher.get(loopback.base + "/private")
    clock.advance(timedelta(days=1).total_seconds())
    with pytest.raises(HttpError, match="HTTP 401"):
        fetcher.get(loopback.base + "/private", allow_stale=True)


def test_a_posted_form_is_never_cached_or_logged(
    loopback: Loopback, fetcher: HttpFetcher, cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    loopback.serve("POST", "/form", Reply(500, b"oops"), Reply(200, b"thanks"))
    with caplog.at_level(logging.DEBUG):
        assert fetcher.post_form(loopback.base + "/form", {"password": "sw0rdfish-42"}).body == b"thanks"
    assert [seen.body for seen in loopback.seen] == [b"password=sw0rdfish-42"] * 2
    assert "sw0rdfish" not in caplog.text
    assert not cache_dir.exists() or not any(cache_dir.iterdir())
