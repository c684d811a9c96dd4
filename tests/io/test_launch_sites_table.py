"""The bundled launch-site table: every row loads, agrees with the gazetteer, and fits known launches."""

import pytest

from orbitwatch.core.targets import target_key
from orbitwatch.errors import SourceError, TargetError
from orbitwatch.io.gazetteer import gazetteer_entries
from orbitwatch.io.launch_sites import COLUMNS, find_launch_site, load_launch_sites, parse_launch_sites

REQUIRED = (
    "Sohae",
    "Tonghae",
    "Jiuquan",
    "Taiyuan",
    "Xichang",
    "Wenchang",
    "Baikonur",
    "Plesetsk",
    "Vostochny",
    "Cape Canaveral",
    "Vandenberg",
    "Wallops",
    "Kourou",
    "Tanegashima",
    "Uchinoura",
    "Naro",
    "Sriharikota",
    "Semnan",
    "Shahroud",
    "Palmachim",
    "Mahia",
)
GAZETTEER_TOLERANCE_DEG = 0.05
# Geodetic against geocentric latitude (up to 0.19 deg) and rounding of published inclinations.
LATITUDE_TOLERANCE_DEG = 0.2
HEADER = ",".join(COLUMNS)


def test_every_required_site_is_in_the_table_with_a_source_and_notes() -> None:
    sites = load_launch_sites()
    names = {site.site.name for site in sites}

    assert set(REQUIRED) <= names
    assert len(sites) >= len(REQUIRED)
    for site in sites:
        assert site.source.startswith("https://")
        assert all(url.startswith("https://") for url in site.source.split())
        assert site.notes
        assert len(site.country) == 2


def test_coordinates_agree_with_the_gazetteer() -> None:
    gazetteer = {target_key(e.site.name): e for e in gazetteer_entries() if e.kind == "launch_site"}
    for site in load_launch_sites():
        entry = gazetteer[target_key(site.site.name)]
        assert site.site.lat_deg == pytest.approx(entry.site.lat_deg, abs=GAZETTEER_TOLERANCE_DEG)
        assert site.site.lon_deg == pytest.approx(entry.site.lon_deg, abs=GAZETTEER_TOLERANCE_DEG)
        assert site.country == entry.country


def test_served_inclinations_are_reachable_unless_a_dog_leg_is_noted() -> None:
    for site in load_launch_sites():
        if "dog-leg" in site.notes:
            continue
        for inc_deg in (site.min_inclination_deg, site.max_inclination_deg):
            assert site.reaches_inclination(inc_deg, LATITUDE_TOLERANCE_DEG), (site.site.name, inc_deg)


def test_eastward_capable_sites_reach_down_to_their_latitude() -> None:
    eastward = [site for site in load_launch_sites() if site.allows_azimuth(90.0)]

    assert {"Cape Canaveral", "Kourou", "Xichang", "Wenchang", "Tanegashima"} <= {
        s.site.name for s in eastward
    }
    for site in eastward:
        assert site.reachable_inclinations()[0][0] == pytest.approx(abs(site.site.lat_deg))


@pytest.mark.parametrize(
    ("name", "inc_deg"),
    [
        ("Taiyuan", 97.8),  # sun-synchronous
        ("Sohae", 97.4),  # Kwangmyongsong-4, Malligyong-1
        ("Vandenberg", 97.6),  # sun-synchronous
        ("Baikonur", 51.6),  # ISS
        ("Cape Canaveral", 51.6),  # ISS
        ("Palmachim", 141.0),  # Ofeq, retrograde
        ("Palmachim", 144.0),
        ("Jiuquan", 41.5),  # Tiangong
        ("Kourou", 6.0),  # Ariane geostationary transfer
        ("Plesetsk", 82.5),
        ("Semnan", 55.5),  # Omid
    ],
)
def test_known_launches_are_reachable(name: str, inc_deg: float) -> None:
    site = find_launch_site(name)

    assert site.reaches_inclination(inc_deg)
    assert any(site.allows_azimuth(az) for az in site.azimuths_for_inclination(inc_deg))


def test_directional_sites_refuse_the_wrong_way() -> None:
    assert not find_launch_site("Palmachim").allows_azimuth(90.0)
    assert not find_launch_site("Palmachim").reaches_inclination(97.8)
    assert not find_launch_site("Sohae").allows_azimuth(90.0)
    assert not find_launch_site("Cape Canaveral").reaches_inclination(70.0)


def test_sites_are_found_by_name_or_code_ignoring_case_and_separators() -> None:
    assert find_launch_site("cape-canaveral") is find_launch_site("CCSFS")
    assert find_launch_site("rl lc1").site.name == "Mahia"


def test_an_unknown_site_lists_close_matches() -> None:
    with pytest.raises(TargetError, match=r"unknown launch site 'Baikonour'.*close matches: Baikonur"):
        find_launch_site("Baikonour")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X,X,XX,10,20,90-x,10,20,https://a,n", "line 3: could not convert"),
        ("X,X,XX,10,20,90,10,20,https://a,n", "line 3: azimuth range '90' is not START-END"),
        ("X,X,XX,10,20,90-400,10,20,https://a,n", "line 3: launch site 'X': azimuth 400"),
        ("X,X,XX,95,20,90-100,10,20,https://a,n", "line 3: site 'X'.*latitude 95"),
        ("X,X,XX,10,20,90-100,10,20,a source,n", "line 3: source 'a source' is not an https URL"),
        ("X,X,XX,10,20,90-100,10,20", "line 3: expected 10 fields"),
        ("X,X,XX,10,20,90-100,10,20,https://a,n,extra", "line 3: expected 10 fields"),
        ("Y,Y,XX,10,20,90-100,10,20,https://a,n", "'y' appears twice"),
    ],
)
def test_bad_lines_are_refused_naming_the_line(row: str, message: str) -> None:
    good = "Y,Y,XX,10,20,90-100,10,20,https://a,n"

    with pytest.raises(SourceError, match=f"test.csv.*{message}"):
        parse_launch_sites(f"{HEADER}\n{good}\n{row}\n", "test.csv")


def test_a_wrong_header_is_refused() -> None:
    with pytest.raises(SourceError, match="header must be"):
        parse_launch_sites("name,lat\nX,1\n", "test.csv")
