#!/usr/bin/env node
// Build the bundled map assets of orbitwatch from Natural Earth, once, at development time.
//
//   node scripts/build_land_geojson.mjs
//
// What it does, step by step (nothing here runs when orbitwatch runs or is tested; the outputs
// are committed):
//
// 1. Installs the npm packages world-atlas@2.0.2 (Mike Bostock, ISC; Natural Earth 1:110m and
//    1:50m vectors, public domain, as TopoJSON), topojson-client@3.1.0 and d3-geo-projection@4.0.0
//    (with d3-geo; all ISC) into a temporary folder, which is deleted at the end.
// 2. Converts world-atlas's land-110m.json and land-50m.json (object "land") to GeoJSON with
//    topojson-client's feature(). world-atlas keeps polygons whole across the antimeridian (d3
//    clips them on the sphere when it draws), so they are cut there as RFC 7946 §3.1.9 asks, and
//    Antarctica closed along the South Pole, by d3-geo-projection's geoProject() through an
//    equirectangular projection scaled to degrees (x = longitude, y = latitude, no resampling).
//    Coordinates are rounded to 1e-4 degrees (110m) and 1e-3 degrees (50m) and written to
//    src/orbitwatch/io/bundled/naturalearth/land-110m.geojson and land-50m.geojson (a
//    FeatureCollection of one MultiPolygon feature each).
// 3. Builds the example region src/orbitwatch/io/bundled/regions/korean-peninsula.geojson: the
//    union of South Korea (ISO 3166 numeric 410) and North Korea (408) from world-atlas's
//    countries-50m.json, merged along their shared border with topojson-client's merge(), so the
//    outline follows the real land borders with China and Russia (clipping the land polygon to a
//    lon/lat box would cut through China instead). Islands smaller than 300 km^2 are dropped
//    (Jeju, 1,850 km^2, stays), each ring is simplified with the Douglas-Peucker algorithm at a
//    tolerance of 0.03 degrees (about 3 km), and coordinates are rounded to 1e-3 degrees.
// 4. Writes the NOTICE.md beside the land files.
//
// Ring orientation follows RFC 7946 (exterior counter-clockwise) after orbitwatch reads the files:
// orbitwatch.core.targets.region_from_geojson normalises it and validates every ring.

import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const WORLD_ATLAS = "world-atlas@2.0.2";
const TOPOJSON_CLIENT = "topojson-client@3.1.0";
const D3_GEO_PROJECTION = "d3-geo-projection@4.0.0";
const D3_GEO = "d3-geo@3.1.1";
const KOREA_IDS = new Set(["410", "408"]);
const MIN_ISLAND_KM2 = 300;
const SIMPLIFY_TOLERANCE_DEG = 0.03;
const KM_PER_DEG = 111.195;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundled = join(root, "src", "orbitwatch", "io", "bundled");

function install(folder) {
  const packages = [WORLD_ATLAS, TOPOJSON_CLIENT, D3_GEO_PROJECTION, D3_GEO];
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", folder, ...packages], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  return createRequire(join(folder, "node_modules", "index.js"));
}

// d3 7 packages are ES modules only: import them from the temporary folder by file URL.
async function importFrom(folder, name) {
  const manifest = JSON.parse(readFileSync(join(folder, "node_modules", name, "package.json"), "utf8"));
  const entry = manifest.exports?.import ?? manifest.exports?.default ?? manifest.module ?? manifest.main;
  return import(pathToFileURL(join(folder, "node_modules", name, entry)).href);
}

// Cut at the antimeridian and close polar polygons: project to x = longitude, y = latitude in degrees.
function cutAtAntimeridian(d3, geometry) {
  const degrees = d3.geo.geoEquirectangular().scale(180 / Math.PI).translate([0, 0]).reflectY(true).precision(0);
  return d3.projection.geoProject(geometry, degrees);
}

function roundCoordinates(value, digits) {
  if (typeof value === "number") return Number(value.toFixed(digits));
  return value.map((item) => roundCoordinates(item, digits));
}

function writeJson(path, object) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(object) + "\n");
  console.log(`wrote ${path.slice(root.length + 1)} (${readFileSync(path).length} bytes)`);
}

function landGeoJson(require, d3, scale, digits) {
  const topology = require(`world-atlas/land-${scale}.json`);
  const land = require("topojson-client").feature(topology, topology.objects.land);
  const features = land.type === "FeatureCollection" ? land.features : [land];
  return {
    type: "FeatureCollection",
    features: features.map((feature) => {
      const cut = cutAtAntimeridian(d3, feature.geometry);
      return {
        type: "Feature",
        properties: { name: "land", source: `Natural Earth 1:${scale.replace("m", "")}m land via ${WORLD_ATLAS}` },
        geometry: { type: cut.type, coordinates: roundCoordinates(cut.coordinates, digits) },
      };
    }),
  };
}

// Area of a lon/lat ring in km^2 (shoelace on an equirectangular projection at the ring's mean latitude).
function ringAreaKm2(ring) {
  const meanLat = ring.reduce((sum, [, lat]) => sum + lat, 0) / ring.length;
  const kx = KM_PER_DEG * Math.cos((meanLat * Math.PI) / 180);
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    twice += ring[i][0] * kx * ring[i + 1][1] * KM_PER_DEG - ring[i + 1][0] * kx * ring[i][1] * KM_PER_DEG;
  }
  return Math.abs(twice) / 2;
}

function distanceToSegment([x, y], [x1, y1], [x2, y2]) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / length2));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

// Douglas & Peucker (1973): keep the farthest point while it is farther than the tolerance.
function douglasPeucker(points, tolerance) {
  const keep = new Array(points.length).fill(false);
  keep[0] = keep[points.length - 1] = true;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    let farthest = -1;
    let farthestDistance = tolerance;
    for (let i = first + 1; i < last; i++) {
      const distance = distanceToSegment(points[i], points[first], points[last]);
      if (distance > farthestDistance) {
        farthest = i;
        farthestDistance = distance;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = true;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

// A closed ring simplified as two open halves, so that its first point is not the only anchor.
function simplifyRing(ring, tolerance) {
  const middle = Math.floor((ring.length - 1) / 2);
  const first = douglasPeucker(ring.slice(0, middle + 1), tolerance);
  const second = douglasPeucker(ring.slice(middle), tolerance);
  return [...first, ...second.slice(1)];
}

function koreanPeninsula(require) {
  const topology = require("world-atlas/countries-50m.json");
  const client = require("topojson-client");
  const geometries = topology.objects.countries.geometries.filter((g) => KOREA_IDS.has(String(g.id)));
  if (geometries.length !== KOREA_IDS.size) throw new Error("world-atlas has no geometries 410 and 408");
  const merged = client.merge(topology, geometries);
  const polygons = merged.coordinates
    .filter((polygon) => ringAreaKm2(polygon[0]) >= MIN_ISLAND_KM2)
    .map((polygon) => polygon.map((ring) => roundCoordinates(simplifyRing(ring, SIMPLIFY_TOLERANCE_DEG), 3)));
  return {
    type: "FeatureCollection",
    features: [
      {
        type: "Feature",
        properties: {
          name: "Korean peninsula",
          source:
            `Natural Earth 1:50m admin-0 countries 410 (South Korea) and 408 (North Korea) via ${WORLD_ATLAS}, ` +
            `merged, islands under ${MIN_ISLAND_KM2} km^2 dropped, Douglas-Peucker ${SIMPLIFY_TOLERANCE_DEG} deg ` +
            "(scripts/build_land_geojson.mjs)",
        },
        geometry: { type: "MultiPolygon", coordinates: polygons },
      },
    ],
  };
}

const NOTICE = `# Natural Earth land polygons

- \`land-110m.geojson\`: Natural Earth 1:110m land polygons.
- \`land-50m.geojson\`: Natural Earth 1:50m land polygons.
- \`../regions/korean-peninsula.geojson\`: the union of Natural Earth 1:50m admin-0 countries
  South Korea and North Korea, simplified (see the script).

Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.
Natural Earth is in the public domain (https://www.naturalearthdata.com/about/terms-of-use/).

The vectors were taken from the npm package \`${WORLD_ATLAS}\` (TopoJSON; Copyright 2013-2019
Michael Bostock, ISC License), converted to GeoJSON with \`${TOPOJSON_CLIENT}\` (Copyright
2012-2019 Michael Bostock, ISC License) and cut at the antimeridian with \`${D3_GEO_PROJECTION}\` and
\`${D3_GEO}\` (Copyright 2010-2022 Mike Bostock, ISC License) by \`scripts/build_land_geojson.mjs\`,
which documents every step and rebuilds these files: \`node scripts/build_land_geojson.mjs\`.

ISC License (world-atlas, topojson-client, d3-geo, d3-geo-projection): Permission to use, copy, modify, and/or distribute this
software for any purpose with or without fee is hereby granted, provided that the above copyright
notice and this permission notice appear in all copies. THE SOFTWARE IS PROVIDED "AS IS" AND THE
AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT,
INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR
PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR
IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
`;

const folder = mkdtempSync(join(tmpdir(), "orbitwatch-naturalearth-"));
try {
  const require = install(folder);
  const d3 = { geo: await importFrom(folder, "d3-geo"), projection: await importFrom(folder, "d3-geo-projection") };
  const naturalearth = join(bundled, "naturalearth");
  writeJson(join(naturalearth, "land-110m.geojson"), landGeoJson(require, d3, "110m", 4));
  writeJson(join(naturalearth, "land-50m.geojson"), landGeoJson(require, d3, "50m", 3));
  writeJson(join(bundled, "regions", "korean-peninsula.geojson"), koreanPeninsula(require));
  writeFileSync(join(naturalearth, "NOTICE.md"), NOTICE);
  console.log("wrote src/orbitwatch/io/bundled/naturalearth/NOTICE.md");
} finally {
  rmSync(folder, { recursive: true, force: true });
}
