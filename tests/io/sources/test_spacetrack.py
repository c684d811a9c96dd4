"""Space-Track: query URLs (pure), login and session cookie, throttle, cache, and a password kept secret."""

import itertools
import logging
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from loopback_server import (
    GP_TARGET,
    IDENTITY,
    LOGIN_TARGET,
    PASSWORD,
    FakeClock,
    Loopback,
    Reply,
    SpaceTrackSessions,
    spacetrack_gp_json,
)

from orbitwatch.errors import SourceError
from orbitwatch.io.sources import QueryError
from orbitwatch.io.sources.http import HttpFetcher
from orbitwatch.io.sources.spacetrack import (
    SPACETRACK_RATE_LIMIT,
    SpaceTrackClient,
    gp_history_url,
    gp_url,
    query_url,
)

QUERY = "https://www.space-track.org/basicspacedata/query/class"
IDS = [31797, 39088, 65565]


def client(fetcher: HttpFetcher, loopback: Loopback, password: str = PASSWORD) -> SpaceTrackClient:
    return SpaceTrackClient(fetcher, identity=IDENTITY, password=password, base=loopback.base)


def test_a_gp_query_lists_catalog_numbers() -> None:
    assert gp_url([25544, 12345]) == f"{QUERY}/gp/NORAD_CAT_ID/25544,12345/format/json"


def test_a_gp_history_query_encodes_operators_and_spaces() -> None:
    assert gp_history_url([25544], since=date(2026, 5, 1)) == (
        f"{QUERY}/gp_history/NORAD_CAT_ID/25544/EPOCH/%3E2026-05-01/orderby/EPOCH%20asc/format/json"
    )


@pytest.mark.parametrize(
    ("since", "until", "epoch"),
    [
        (datetime(2026, 5, 1, 6, tzinfo=UTC), date(2026, 5, 2), "2026-05-01%2006:00:00--2026-05-02"),
        (datetime(2026, 5, 1, 9, tzinfo=timezone(timedelta(hours=9))), None, "%3E2026-05-01%2000:00:00"),
        (None, "now-30", "%3Cnow-30"),
        ("now-7", None, "%3Enow-7"),
    ],
)
def test_an_epoch_range_is_written_as_space_track_reads_it(
    since: datetime | str | None, until: date | str | None, epoch: str
) -> None:
    url = gp_history_url([25544, 20580], since=since, until=until, limit=100, fmt="3LE")
    tail = f"EPOCH/{epoch}/orderby/EPOCH%20asc/limit/100/format/3le"
    assert url == f"{QUERY}/gp_history/NORAD_CAT_ID/25544,20580/{tail}"


def test_any_class_takes_predicates_order_and_limit() -> None:
    url = query_url(
        "satcat",
        {
            "launch": ">now-7",
            "CURRENT": "Y",
            "OBJECT_NAME": "^YAOGAN",
            "DECAY": "null-val",
            "COUNTRY": "<>US",
        },
        orderby=["LAUNCH desc", "NORAD_CAT_ID"],
        limit=10,
        fmt="csv",
        base="http://127.0.0.1:9/",
    )
    assert url == (
        "http://127.0.0.1:9/basicspacedata/query/class/satcat/LAUNCH/%3Enow-7/CURRENT/Y/OBJECT_NAME/%5EYAOGAN"
        "/DECAY/null-val/COUNTRY/%3C%3EUS/orderby/LAUNCH%20desc,NORAD_CAT_ID/limit/10/format/csv"
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: gp_url([]), r"give catalog numbers, integers 1 to 999999999 \(got none\)"),
        (lambda: gp_url([25544, 0, True]), r"\(got \[0, True\]\)"),
        (
            lambda: gp_url([25544], fmt="tle2"),
            r"format 'tle2' is not one of json, xml, html, csv, tle, 3le, kvn",
        ),
        (lambda: query_url("gp/../x"), r"class 'gp/../x' is not a name"),
        (lambda: query_url("gp", {"NORAD CAT": 5}), r"field 'NORAD CAT' is not a name"),
        (lambda: query_url("gp", {"orderby": "EPOCH"}), r"'orderby' is a keyword, not a predicate"),
        (lambda: query_url("gp", {"EPOCH": datetime(2026, 5, 1)}), r"2026-05-01T00:00:00 has no timezone"),
        (lambda: query_url("gp", {"DECAYED": True}), r"DECAYED = True: give text or a number"),
        (lambda: query_url("gp", limit=0), r"limit 0 must be a positive integer"),
    ],
)
def test_a_wrong_query_is_refused_with_the_reason(build: object, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        build()  # type: ignore[operator]


def test_a_query_logs_in_once_and_sends_the_session_cookie(
    loopback: Loopback, spacetrack: SpaceTrackSessions, fetcher: HttpFetcher
) -> None:
    session = client(fetcher, loopback)
    fetched = session.fetch_gp(IDS)
    assert fetched.data == spacetrack_gp_json()
    assert fetched.source == loopback.base + GP_TARGET
    assert not fetched.no_data
    login, query = loopback.seen
    assert (login.method, login.target, query.target) == ("POST", LOGIN_TARGET, GP_TARGET)
    assert login.headers["content-type"] == "application/x-www-form-urlencoded"
    assert query.headers["cookie"] == "chocolatechip=session-1"
    assert spacetrack.logins == 1


def test_a_fresh_cached_answer_needs_no_login(
    loopback: Loopback,
    spacetrack: SpaceTrackSessions,
    fetcher: HttpFetcher,
    cache_dir: Path,
    clock: FakeClock,
) -> None:
    client(fetcher, loopback).fetch_gp(IDS)
    with HttpFetcher(cache_dir=cache_dir, clock=clock) as other:
        again = client(other, loopback).fetch_gp(IDS)
    assert again.from_cache
    assert len(loopback.seen) == 2
    assert spacetrack.logins == 1


def test_an_expired_session_logs_in_again(
    loopback: Loopback, spacetrack: SpaceTrackSessions, fetcher: HttpFetcher
) -> None:
    session = client(fetcher, loopback)
    session.fetch_gp(IDS)
    spacetrack.expire()
    again = session.fetch_gp(IDS, max_age=timedelta(0))
    assert again.data == spacetrack_gp_json()
    assert [seen.target for seen in loopback.seen] == [
        LOGIN_TARGET,
        GP_TARGET,
        GP_TARGET,
        LOGIN_TARGET,
        GP_TARGET,
    ]
    assert spacetrack.logins == 2


def test_a_failed_login_names_the_identity_never_the_password(
    loopback: Loopback, spacetrack: SpaceTrackSessions, fetcher: HttpFetcher, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "Wr0ng-but-still-secret"
    session = client(fetcher, loopback, password=wrong)
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceError) as caught:
        session.fetch_gp(IDS)
    message = str(caught.value)
    assert f"Space-Track login failed for identity {IDENTITY}" in message
    assert message.startswith(loopback.base + LOGIN_TARGET)
    assert wrong not in message
    assert wrong not in repr(session)
    assert wrong not in caplog.text
    assert loopback.count(GP_TARGET) == 0


def test_the_password_is_in_no_message_log_or_cache_file(
    loopback: Loopback,
    spacetrack: SpaceTrackSessions,
    fetcher: HttpFetcher,
    cache_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    loopback.serve("GET", "/basicspacedata/query/class/gp/NORAD_CAT_ID/1/format/json", Reply(500, b"down"))
    session = client(fetcher, loopback)
    with caplog.at_level(logging.DEBUG):
        session.fetch_gp(IDS)
        with pytest.raises(SourceError) as caught:
            session.fetch_gp([1])
    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(session)
    assert PASSWORD not in repr(vars(session))
    cached = [path.read_bytes() for path in cache_dir.iterdir()]
    assert cached
    assert not any(PASSWORD.encode() in content for content in cached)


def test_credentials_come_from_the_environment(
    loopback: Loopback, spacetrack: SpaceTrackSessions, fetcher: HttpFetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPACETRACK_IDENTITY", IDENTITY)
    monkeypatch.setenv("SPACETRACK_PASSWORD", PASSWORD)
    session = SpaceTrackClient(fetcher, base=loopback.base)
    assert session.fetch_gp(IDS).data == spacetrack_gp_json()


def test_missing_credentials_say_where_to_put_them(fetcher: HttpFetcher) -> None:
    with pytest.raises(SourceError, match=r"identity and a password: arguments or \$SPACETRACK_IDENTITY"):
        SpaceTrackClient(fetcher, environ={"SPACETRACK_IDENTITY": IDENTITY})


def test_requests_keep_space_tracks_throttle(
    loopback: Loopback, spacetrack: SpaceTrackSessions, fetcher: HttpFetcher
) -> None:
    loopback.serve("GET", "/basicspacedata/query/class/gp/NORAD_CAT_ID/1/format/json", Reply(200, b"[]"))
    session = client(fetcher, loopback)
    for _ in range(32):
        session.fetch_gp([1], max_age=timedelta(0))
    times = [seen.at for seen in loopback.seen]
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 2.0
    assert all(sum(1 for t in times if start <= t < start + 60.0) < 30 for start in times)


def test_the_hourly_throttle_holds_back_the_300th_request(
    loopback: Loopback, cache_dir: Path, clock: FakeClock
) -> None:
    loopback.serve("POST", "/q", Reply(200, b"[]"))
    with HttpFetcher(cache_dir=cache_dir, clock=clock, rate_limit=SPACETRACK_RATE_LIMIT) as fetcher:
        for _ in range(300):
            fetcher.post_form(loopback.base + "/q", {})  # a POST: no cache files to write 300 times
    times = [seen.at - 1000.0 for seen in loopback.seen]
    assert times[298] < 3600.0
    assert times[299] == 3600.0


@pytest.mark.parametrize("body", [b"[]", b"", b" \n"])
def test_an_empty_answer_is_no_data(
    loopback: Loopback, spacetrack: SpaceTrackSessions, fetcher: HttpFetcher, body: bytes
) -> None:
    loopback.respond("GET", GP_TARGET, spacetrack.guarded(body))
    fetched = client(fetcher, loopback).fetch_gp(IDS)
    assert (fetched.no_data, fetched.data) == (True, b"")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"error":"Query field \'NORAD\' does not exist"}',
            r"HTTP 200: Space-Track answered with an error",
        ),
        (b"<!DOCTYPE html><html><head><title>Space-Track Login</title>", r"an HTML page, not json data"),
    ],
)
def test_an_error_answer_is_a_source_error(
    loopback: Loopback, spacetrack: SpaceTrackSessions, fetcher: HttpFetcher, body: bytes, message: str
) -> None:
    loopback.respond("GET", GP_TARGET, spacetrack.guarded(body))
    with pytest.raises(SourceError, match=message):
        client(fetcher, loopback).fetch_gp(IDS)
