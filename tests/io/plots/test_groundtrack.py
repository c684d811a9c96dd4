"""Ground-track maps: a real PNG of the expected size, with land, tracks, sites and regions drawn."""

import struct
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from orbitwatch.core.targets import Site, contains, region_from_geojson
from orbitwatch.errors import TargetError
from orbitwatch.io.gazetteer import load_region
from orbitwatch.io.plots import GroundTrack, plot_ground_tracks
from orbitwatch.io.plots.groundtrack import (
    DPI,
    FIGURE_SIZE_IN,
    LAND_COLOR,
    OCEAN_COLOR,
    REGION_COLOR,
    broken_at_antimeridian,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SEOUL = Site("Seoul", 37.5665, 126.978)
BLUE = "#1f77b4"  # the first track colour


def sso_like_track(name: str, minutes: int = 600, lon0_deg: float = 0.0) -> GroundTrack:
    """A synthetic track: 97.4° inclination, 94.6-minute period, Earth turning beneath (no propagator)."""
    t_min = np.arange(0.0, minutes, 0.5)
    u = 2 * np.pi * t_min / 94.6
    inc = np.radians(97.4)
    lat = np.degrees(np.arcsin(np.sin(inc) * np.sin(u)))
    lon = lon0_deg + np.degrees(np.arctan2(np.cos(inc) * np.sin(u), np.cos(u))) - 0.25 * t_min
    return GroundTrack(name, lat, (lon + 180.0) % 360.0 - 180.0)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def colour_fraction(path: Path, colour: str, tolerance: int = 6) -> float:
    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    target = np.array([round(255 * c) for c in to_rgb(colour)], dtype=np.int16)
    return float(np.mean(np.all(np.abs(pixels - target) <= tolerance, axis=-1)))


def test_a_world_map_is_a_png_of_the_expected_size_with_land_and_ocean(tmp_path: Path) -> None:
    written = plot_ground_tracks(
        [sso_like_track("SAT A")], [SEOUL], path=tmp_path / "world.png", title="Test"
    )

    assert written == tmp_path / "world.png"
    assert png_size(written) == (round(FIGURE_SIZE_IN[0] * DPI), round(FIGURE_SIZE_IN[1] * DPI))
    assert 20_000 < written.stat().st_size < 2_000_000
    assert colour_fraction(written, LAND_COLOR) > 0.1
    assert colour_fraction(written, OCEAN_COLOR) > 0.3
    assert colour_fraction(written, BLUE, tolerance=30) > 0.002


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    tracks = [sso_like_track("SAT A"), sso_like_track("SAT B", lon0_deg=40.0)]
    first = plot_ground_tracks(tracks, [SEOUL], path=tmp_path / "a.png")
    second = plot_ground_tracks(tracks, [SEOUL], path=tmp_path / "b.png")

    assert first.read_bytes() == second.read_bytes()


def test_a_regional_map_shows_the_region_and_the_highlighted_windows(tmp_path: Path) -> None:
    korea = load_region("korean-peninsula")
    lat = np.linspace(46.0, 30.0, 400)
    track = GroundTrack("SAT A", lat, 129.0 - 0.2 * (lat - 30.0))
    inside = contains(korea, track.lat_deg, track.lon_deg)
    assert inside.any()
    highlighted = GroundTrack(track.name, track.lat_deg, track.lon_deg, highlight=inside)
    extent = (115.0, 140.0, 30.0, 46.0)

    plain = plot_ground_tracks([track], [SEOUL], [korea], path=tmp_path / "plain.png", extent=extent)
    shown = plot_ground_tracks([highlighted], [SEOUL], [korea], path=tmp_path / "shown.png", extent=extent)

    assert colour_fraction(plain, LAND_COLOR) > 0.05
    region_tint = colour_fraction(plain, "#ecb5a4", tolerance=25)
    assert region_tint > 0.01, f"the region's translucent {REGION_COLOR} fill covers {region_tint:.3%}"
    assert colour_fraction(shown, BLUE, tolerance=30) > colour_fraction(plain, BLUE, tolerance=30)


def test_tracks_are_broken_where_they_cross_the_antimeridian() -> None:
    lon, lat = broken_at_antimeridian([170.0, 179.0, -179.0, -170.0, 175.0], [0.0, 1.0, 2.0, 3.0, 4.0])

    assert np.array_equal(np.isnan(lon), [False, False, True, False, False, True, False])
    assert np.array_equal(np.isnan(lat), np.isnan(lon))
    assert lon[~np.isnan(lon)].tolist() == [170.0, 179.0, -179.0, -170.0, 175.0]


def test_many_tracks_and_no_sites_still_make_a_map(tmp_path: Path) -> None:
    tracks = [sso_like_track(f"SAT {k}", minutes=100, lon0_deg=k * 10.0) for k in range(25)]
    square = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}

    written = plot_ground_tracks(
        tracks, [], [region_from_geojson(square, name="Box")], path=tmp_path / "m.png"
    )

    assert png_size(written)[0] > 0


@pytest.mark.parametrize(
    "extent", [(10.0, 0.0, -10.0, 10.0), (-190.0, 0.0, -10.0, 10.0), (0.0, 10.0, -95.0, 0.0)]
)
def test_a_bad_extent_is_refused(tmp_path: Path, extent: tuple[float, float, float, float]) -> None:
    with pytest.raises(TargetError, match="map extent"):
        plot_ground_tracks([], [SEOUL], path=tmp_path / "x.png", extent=extent)
    assert not (tmp_path / "x.png").exists()


def test_a_track_must_have_matching_arrays() -> None:
    with pytest.raises(TargetError, match="of one length"):
        GroundTrack("bad", np.zeros(3), np.zeros(4))
    with pytest.raises(TargetError, match="one flag per point"):
        GroundTrack("bad", np.zeros(3), np.zeros(3), highlight=np.zeros(2, dtype=bool))
