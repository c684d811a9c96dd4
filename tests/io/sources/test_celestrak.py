"""CelesTrak: GP query URLs (pure) and fetches from the loopback server, "No GP data found" included."""

import hashlib
from datetime import timedelta

import pytest
from loopback_server import (
    MILITARY_TARGET,
    NO_DATA_200_TARGET,
    NO_DATA_TARGET,
    RECORDED,
    FakeClock,
    Loopback,
    Reply,
    military_tle,
    spacetrack_gp_json,
)

from orbitwatch.errors import SourceError
from orbitwatch.io.sources import QueryError
from orbitwatch.io.sources.celestrak import fetch_gp, fetch_gp_url, gp_url, is_gp_url, is_no_gp_data
from orbitwatch.io.sources.http import HttpFetcher, fetch_url

GP = "https://celestrak.org/NORAD/elements/gp.php"


@pytest.mark.parametrize(
    ("arguments", "url"),
    [
        ({"group": "military"}, f"{GP}?GROUP=military&FORMAT=tle"),
        ({"group": "IRIDIUM-next", "fmt": "CSV"}, f"{GP}?GROUP=iridium-NEXT&FORMAT=csv"),
        ({"group": "new-constellation", "fmt": "3le"}, f"{GP}?GROUP=new-constellation&FORMAT=3le"),
        ({"catnr": 25544, "fmt": "json"}, f"{GP}?CATNR=25544&FORMAT=json"),
        ({"catnr": 270449, "fmt": "json-pretty"}, f"{GP}?CATNR=270449&FORMAT=json-pretty"),
        ({"intdes": "1998-067", "fmt": "xml"}, f"{GP}?INTDES=1998-067&FORMAT=xml"),
        ({"name": "ISS (ZARYA)", "fmt": "kvn"}, f"{GP}?NAME=ISS%20%28ZARYA%29&FORMAT=kvn"),
        ({"special": "GPZ-plus", "fmt": "2le"}, f"{GP}?SPECIAL=gpz-plus&FORMAT=2le"),
        (
            {"group": "stations", "base": "http://127.0.0.1:8080/"},
            "http://127.0.0.1:8080/NORAD/elements/gp.php?GROUP=stations&FORMAT=tle",
        ),
    ],
)
def test_a_query_is_one_selector_and_a_format(arguments: dict[str, object], url: str) -> None:
    assert gp_url(**arguments) == url  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, r"give exactly one of group, catnr, intdes, name, special \(got none\)"),
        ({"group": "military", "catnr": 5}, r"exactly one of .* \(got group, catnr\)"),
        ({"group": "military", "fmt": "tle2"}, r"format 'tle2' is not one of tle, 3le, 2le, xml, kvn, json"),
        ({"group": "mil itary"}, r"group 'mil itary' is not a group name"),
        ({"group": "military&FORMAT=json"}, r"is not a group name"),
        ({"catnr": 0}, r"catnr 0 is not a catalog number"),
        ({"catnr": 1_000_000_000}, r"catnr 1000000000 is not a catalog number"),
        ({"catnr": "25544"}, r"catnr '25544' is not a catalog number"),
        ({"catnr": True}, r"catnr True is not a catalog number"),
        ({"intdes": "98067A"}, r"intdes '98067A' is not an international designator \(yyyy-nnn\)"),
        ({"special": "geo"}, r"special 'geo' is not one of gpz, gpz-plus, decaying"),
        ({"name": "  "}, r"name is empty"),
    ],
)
def test_a_wrong_query_is_refused_with_the_reason(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        gp_url(**arguments)  # type: ignore[arg-type]
    assert isinstance(caught.value, SourceError)
    assert isinstance(caught.value, ValueError)


def test_a_group_is_fetched_as_the_served_bytes_with_its_group(
    loopback: Loopback, fetcher: HttpFetcher
) -> None:
    fetched = fetch_gp(fetcher, group="military", base=loopback.base)
    assert fetched.source == loopback.base + MILITARY_TARGET
    assert fetched.data == military_tle()
    assert (fetched.group, fetched.no_data, fetched.from_cache) == ("military", False, False)


@pytest.mark.parametrize("target", [NO_DATA_TARGET, NO_DATA_200_TARGET])
def test_no_gp_data_found_is_no_data_not_an_error(
    loopback: Loopback, fetcher: HttpFetcher, target: str
) -> None:
    fetched = fetch_gp_url(fetcher, loopback.base + target)
    assert fetched.no_data
    assert fetched.data == b""
    assert fetched.sha256 == hashlib.sha256(b"").hexdigest()
    assert fetched.source == loopback.base + target


def test_the_recorded_no_data_body_is_recognised() -> None:
    body = (RECORDED / "celestrak-no-gp-data-found.txt").read_bytes()
    assert body == b"No GP data found"
    assert is_no_gp_data(body)
    assert is_no_gp_data(body + b"\r\n")
    assert not is_no_gp_data(military_tle())


def test_a_no_data_answer_is_cached_like_any_other(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    fetch_gp(fetcher, catnr=100000, base=loopback.base)
    clock.advance(60)
    again = fetch_gp(fetcher, catnr=100000, base=loopback.base)
    assert (again.no_data, again.from_cache) == (True, True)
    assert loopback.count(NO_DATA_TARGET) == 1


def test_a_pasted_url_gives_its_group_and_format(loopback: Loopback, fetcher: HttpFetcher) -> None:
    target = "/NORAD/elements/gp.php?GROUP=MILITARY&FORMAT=TLE"
    loopback.serve("GET", target, Reply(200, military_tle()))
    fetched = fetch_gp_url(fetcher, loopback.base + target)
    assert (fetched.group, fetched.data) == ("military", military_tle())


def test_json_is_accepted_as_json(loopback: Loopback, fetcher: HttpFetcher) -> None:
    target = "/NORAD/elements/gp.php?GROUP=military&FORMAT=json"
    loopback.serve("GET", target, Reply(200, spacetrack_gp_json(), "application/json"))
    assert fetch_gp(fetcher, group="military", fmt="json", base=loopback.base).data == spacetrack_gp_json()


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            Reply(200, b"Invalid query: GROUP=militray\n"),
            r"HTTP 200: not tle data; the body begins 'Invalid query: GROUP=militray'$",
        ),
        (
            Reply(
                200, b"<!DOCTYPE html><html><head><title>CelesTrak: Error</title></head></html>", "text/html"
            ),
            r"HTTP 200: an HTML page, not tle data; the body begins 'CelesTrak: Error'$",
        ),
        (
            Reply(403, b"Access denied: too many downloads of the same data\n"),
            r"HTTP 403: Forbidden: Access denied: too many",
        ),
        (Reply(404, b"Not here\n"), r"HTTP 404: not GP data; the body begins 'Not here'$"),
        (Reply(200, b""), r"HTTP 200: an empty body; the body begins '\(empty body\)'$"),
    ],
)
def test_an_error_body_is_a_source_error_with_the_url_and_its_first_line(
    loopback: Loopback, fetcher: HttpFetcher, reply: Reply, message: str
) -> None:
    target = "/NORAD/elements/gp.php?GROUP=weather&FORMAT=tle"
    loopback.serve("GET", target, reply)
    with pytest.raises(SourceError, match=message) as caught:
        fetch_gp(fetcher, group="weather", base=loopback.base)
    assert str(caught.value).startswith(loopback.base + target + ": ")


def test_an_error_body_is_not_cached(loopback: Loopback, fetcher: HttpFetcher) -> None:
    target = "/NORAD/elements/gp.php?GROUP=weather&FORMAT=tle"
    loopback.serve("GET", target, Reply(200, b"Invalid query"), Reply(200, military_tle()))
    with pytest.raises(SourceError):
        fetch_gp(fetcher, group="weather", base=loopback.base)
    assert fetch_gp(fetcher, group="weather", base=loopback.base).data == military_tle()


def test_a_stale_copy_stands_in_for_an_outage_when_allowed(
    loopback: Loopback, fetcher: HttpFetcher, clock: FakeClock
) -> None:
    target = "/NORAD/elements/gp.php?GROUP=weather&FORMAT=tle"
    loopback.serve("GET", target, Reply(200, military_tle()), Reply(503, b"down"))
    fetch_gp(fetcher, group="weather", base=loopback.base)
    clock.advance(timedelta(hours=3).total_seconds())
    stale = fetch_gp(fetcher, group="weather", base=loopback.base, allow_stale=True)
    assert (stale.data, stale.group, stale.stale) == (military_tle(), "weather", True)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{GP}?GROUP=military&FORMAT=tle", True),
        ("https://celestrak.org/NORAD/elements/gp-first.php?CATNR=100000&FORMAT=TLE", True),
        ("https://celestrak.org/NORAD/elements/supplemental/sup-gp.php?FILE=starlink&FORMAT=tle", True),
        ("https://celestrak.org/NORAD/elements/military.txt", False),
        ("http://[::1", False),
    ],
)
def test_gp_query_urls_are_recognised(url: str, expected: bool) -> None:
    assert is_gp_url(url) is expected


def test_fetch_url_reads_a_gp_query_as_celestrak_answers_it(loopback: Loopback, fetcher: HttpFetcher) -> None:
    assert fetch_url(fetcher, loopback.base + NO_DATA_TARGET).no_data
    military = fetch_url(fetcher, loopback.base + MILITARY_TARGET)
    assert (military.group, military.data) == ("military", military_tle())
    loopback.serve("GET", "/NORAD/elements/gp.php?GROUP=weather&FORMAT=tle", Reply(200, b"Invalid query"))
    with pytest.raises(SourceError, match="not tle data"):
        fetch_url(fetcher, loopback.base + "/NORAD/elements/gp.php?GROUP=weather&FORMAT=tle")


def test_fetch_url_gives_any_other_body_with_the_group_of_its_file_name(
    loopback: Loopback, fetcher: HttpFetcher
) -> None:
    loopback.serve("GET", "/NORAD/elements/Military.txt", Reply(200, military_tle()))
    loopback.serve("GET", "/mirror/latest.tle", Reply(200, military_tle()))
    assert fetch_url(fetcher, loopback.base + "/NORAD/elements/Military.txt").group == "military"
    assert fetch_url(fetcher, loopback.base + "/mirror/latest.tle").group is None
