// The orbitwatch dashboard: a world map (Natural Earth land from this server, drawn with D3 on SVG), the
// stored sites and regions, the selected satellites with their ground tracks and footprints, a timeline
// of imaging opportunities per site, the catalog's events and each object's page with its element
// history. Everything comes from this server's API (no other network); D3 is the global from
// /static/vendor/d3.min.js. Text from the catalog is only ever set as text (never as HTML).
"use strict";

(() => {
  const TOKEN_KEY = "orbitwatch.token";
  const WIDTH = 960;
  const HEIGHT = 480;
  const MAX_TARGETS = 20;
  const MAP_REFRESH_MS = 60_000;
  const LABELLED_SATELLITES = 12; // more satellites than this are labelled only when zoomed in
  const STALE_DAYS = 3;
  const $ = (id) => document.getElementById(id);

  const state = {
    sites: [],
    regions: [],
    map: null, // the last /map/satellites answer
    opportunities: null, // the last /overflights answer
    mapAt: null, // an instant chosen in the timeline (ISO), else the window's start
    selected: null, // the chosen opportunity
    color: d3.scaleOrdinal(d3.schemeTableau10),
    zoomK: 1,
    serial: { map: 0, timeline: 0, events: 0, object: 0 },
    loaded: { land: false, sites: false, map: false, timeline: false, events: false },
  };

  // ---- the API ---------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, detail) {
      super(`${status}: ${detail}`);
      this.status = status;
      this.detail = detail;
    }
  }

  function token() {
    return window.sessionStorage.getItem(TOKEN_KEY) || "";
  }

  async function api(path, { params = [], method = "GET", body, as = "json", cache = "no-store" } = {}) {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of params) url.searchParams.append(key, value);
    const headers = { Accept: as === "json" ? "application/json" : "*/*" };
    if (token()) headers.Authorization = `Bearer ${token()}`;
    const init = { method, headers, cache, credentials: "omit", redirect: "error" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    if (!response.ok) {
      let detail = response.statusText;
      try {
        const problem = await response.json();
        detail = problem.detail || problem.title || detail;
      } catch (_) {
        // not a problem document: keep the status text
      }
      throw new ApiError(response.status, detail);
    }
    if (as === "json") return response.json();
    return response.blob();
  }

  function explain(error) {
    if (error instanceof ApiError && error.status === 401) {
      return `${error.detail} — enter an API token above (orbitwatch token create NAME)`;
    }
    return error instanceof ApiError ? error.detail : String(error);
  }

  function status(text, isError = false) {
    const line = $("status");
    line.textContent = text;
    line.classList.toggle("error", isError);
  }

  // ---- the controls and the page's address ------------------------------------------------------

  function readAddress() {
    const query = new URLSearchParams(window.location.search);
    $("group").value = query.has("group") || query.has("norad") || query.has("watchlist")
      ? query.getAll("group").join(", ")
      : "military";
    $("norad").value = query.getAll("norad").join(", ");
    const start = query.get("start") || "now";
    if (start === "now" || start === "epoch") {
      $("start").value = start;
    } else {
      $("start").value = "custom";
      $("custom-start").value = start.replace(/Z$/, "").slice(0, 16);
    }
    $("custom-start").hidden = $("start").value !== "custom";
    if (query.get("hours")) $("hours").value = query.get("hours");
    if (query.get("footprint")) $("footprint").value = query.get("footprint");
    if (query.get("max_off_nadir")) $("off-nadir").value = query.get("max_off_nadir");
    state.pendingWatchlist = query.get("watchlist") || "";
  }

  function writeAddress() {
    const query = new URLSearchParams(selection());
    query.set("start", startText());
    query.set("hours", hours());
    query.set("footprint", $("footprint").value);
    query.set("max_off_nadir", offNadir());
    window.history.replaceState(null, "", `${window.location.pathname}?${query}${window.location.hash}`);
  }

  function selection() {
    const params = [];
    for (const group of $("group").value.split(",")) {
      if (group.trim()) params.push(["group", group.trim()]);
    }
    for (const norad of $("norad").value.split(/[\s,]+/)) {
      if (/^\d{1,9}$/.test(norad)) params.push(["norad", norad]);
    }
    if ($("watchlist").value) params.push(["watchlist", $("watchlist").value]);
    return params;
  }

  function startText() {
    if ($("start").value !== "custom") return $("start").value;
    const chosen = $("custom-start").value;
    return chosen ? `${chosen}Z` : "now";
  }

  function hours() {
    const value = Number($("hours").value);
    return String(Number.isFinite(value) ? Math.min(Math.max(value, 1), 168) : 24);
  }

  function offNadir() {
    const value = Number($("off-nadir").value);
    return String(Number.isFinite(value) ? Math.min(Math.max(value, 1), 89) : 30);
  }

  // ---- the map ---------------------------------------------------------------------------------

  const projection = d3.geoEquirectangular().fitExtent([[0, 0], [WIDTH, HEIGHT]], { type: "Sphere" });
  const geoPath = d3.geoPath(projection);
  const svg = d3.select("#map").attr("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  const root = svg.append("g").attr("class", "zoom-root");
  const layer = {};
  for (const name of ["sphere", "graticule", "land", "regions", "footprints", "tracks", "sites", "satellites",
    "labels", "pick"]) {
    layer[name] = root.append("g").attr("class", `layer-${name}`);
  }
  layer.sphere.append("path").attr("class", "sphere").attr("d", geoPath({ type: "Sphere" }));
  layer.graticule.append("path").attr("class", "graticule").attr("d", geoPath(d3.geoGraticule10()));

  const zoom = d3.zoom()
    .scaleExtent([1, 50])
    .translateExtent([[0, 0], [WIDTH, HEIGHT]])
    .on("zoom", (event) => {
      root.attr("transform", event.transform);
      state.zoomK = event.transform.k;
      scaleMarkers();
    });
  svg.call(zoom).on("dblclick.zoom", null);
  svg.on("click", (event) => {
    const [x, y] = d3.pointer(event, root.node());
    const lonLat = projection.invert([x, y]);
    if (lonLat && Math.abs(lonLat[0]) <= 180 && Math.abs(lonLat[1]) <= 90) pick(lonLat);
  });

  function scaleMarkers() {
    const k = state.zoomK;
    root.selectAll("circle.site").attr("r", 4.5 / k);
    root.selectAll("circle.satellite").attr("r", 4 / k);
    root.selectAll("circle.pick").attr("r", 7 / k);
    const crowded = (state.map ? state.map.satellites.length : 0) > LABELLED_SATELLITES * k;
    root.selectAll("text.satellite-label").style("display", crowded ? "none" : null);
    root.selectAll("text.site-label, text.satellite-label")
      .attr("font-size", 11 / k)
      .attr("dx", 6 / k)
      .attr("dy", -4 / k)
      .style("stroke-width", `${3 / k}px`);
  }

  // The land and the regions are drawn flat: the bundled land is already cut at the antimeridian (RFC 7946),
  // and on this equirectangular map a straight line in longitude and latitude is a straight line, so
  // their points are only placed (no spherical clipping, no winding convention; holes by even-odd fill).
  const flatPath = d3.geoPath(d3.geoTransform({
    point(lon, lat) {
      const [x, y] = projection([lon, lat]);
      this.stream.point(x, y);
    },
  }));

  // Tracks and footprints are drawn on the sphere (D3 cuts them at the antimeridian). D3 wants exterior
  // rings clockwise; a ring that comes out larger than a hemisphere is the same ring wound the other way.
  function rewound(polygon) {
    const area = d3.geoArea({ type: "Polygon", coordinates: polygon });
    return area > 2 * Math.PI ? polygon.map((ring) => ring.slice().reverse()) : polygon;
  }

  function polygonsOf(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Feature") return polygonsOf(geometry.geometry);
    if (geometry.type === "FeatureCollection") return geometry.features.flatMap(polygonsOf);
    if (geometry.type === "Polygon") return [geometry.coordinates];
    if (geometry.type === "MultiPolygon") return geometry.coordinates;
    return [];
  }

  async function loadLand() {
    const land = await api("/map/land", { cache: "default" });
    layer.land.selectAll("path.land")
      .data(polygonsOf(land))
      .join("path")
      .attr("class", "land")
      .attr("d", (polygon) => flatPath({ type: "Polygon", coordinates: polygon }));
    state.loaded.land = true;
  }

  async function loadPlaces() {
    const [sites, regions] = await Promise.all([api("/sites"), api("/map/regions")]);
    state.sites = sites;
    state.regions = regions;
    drawPlaces();
    state.loaded.sites = true;
  }

  function drawPlaces() {
    layer.regions.selectAll("path.region")
      .data(state.regions, (r) => r.name)
      .join("path")
      .attr("class", "region")
      .attr("d", (r) => flatPath({ type: "MultiPolygon", coordinates: polygonsOf(r.geojson) }))
      .selectAll("title").data((r) => [r]).join("title").text((r) => `${r.name} (region; ${r.source})`);
    layer.sites.selectAll("circle.site")
      .data(state.sites, (s) => s.name)
      .join("circle")
      .attr("class", "site")
      .attr("data-site", (s) => s.name)
      .attr("cx", (s) => projection([s.lon_deg, s.lat_deg])[0])
      .attr("cy", (s) => projection([s.lon_deg, s.lat_deg])[1])
      .selectAll("title").data((s) => [s]).join("title")
      .text((s) => `${s.name}: ${s.lat_deg.toFixed(4)}°, ${s.lon_deg.toFixed(4)}°, ${s.alt_m} m`);
    layer.labels.selectAll("text.site-label")
      .data(state.sites, (s) => s.name)
      .join("text")
      .attr("class", "site-label")
      .attr("x", (s) => projection([s.lon_deg, s.lat_deg])[0])
      .attr("y", (s) => projection([s.lon_deg, s.lat_deg])[1])
      .text((s) => s.name);
    scaleMarkers();
  }

  function mapStart() {
    return state.mapAt || startText();
  }

  async function loadMap() {
    const serial = ++state.serial.map;
    const params = [...selection(), ["start", mapStart()], ["footprint", $("footprint").value],
      ["max_off_nadir", offNadir()]];
    const answer = await api("/map/satellites", { params });
    if (serial !== state.serial.map) return;
    state.map = answer;
    drawSatellites();
    state.loaded.map = true;
  }

  function drawSatellites() {
    const answer = state.map;
    const satellites = answer ? answer.satellites : [];
    state.color.domain(satellites.map((s) => s.norad_id));
    const color = (s) => state.color(s.norad_id);
    const placed = satellites.filter((s) => s.lat_deg !== null);
    layer.tracks.selectAll("path.track")
      .data(satellites, (s) => s.norad_id)
      .join("path")
      .attr("class", "track")
      .attr("stroke", color)
      .attr("d", (s) => geoPath({ type: "MultiLineString", coordinates: s.track }));
    layer.footprints.selectAll("path.footprint")
      .data(satellites.filter((s) => s.footprint.length > 2), (s) => s.norad_id)
      .join("path")
      .attr("class", "footprint")
      .attr("fill", color)
      .attr("stroke", color)
      .attr("d", (s) => geoPath({
        type: "Polygon", coordinates: rewound([[...s.footprint, s.footprint[0]]]),
      }));
    layer.satellites.selectAll("circle.satellite")
      .data(placed, (s) => s.norad_id)
      .join("circle")
      .attr("class", "satellite")
      .attr("data-norad", (s) => s.norad_id)
      .attr("fill", color)
      .attr("cx", (s) => projection([s.lon_deg, s.lat_deg])[0])
      .attr("cy", (s) => projection([s.lon_deg, s.lat_deg])[1])
      .on("click", (event, s) => {
        event.stopPropagation();
        openObject(s.norad_id);
      })
      .selectAll("title").data((s) => [s]).join("title")
      .text((s) => `${s.name} (${s.norad_id}): ${s.lat_deg.toFixed(2)}°, ${s.lon_deg.toFixed(2)}°, `
        + `${s.alt_km.toFixed(0)} km`);
    layer.labels.selectAll("text.satellite-label")
      .data(placed, (s) => s.norad_id)
      .join("text")
      .attr("class", "satellite-label")
      .attr("x", (s) => projection([s.lon_deg, s.lat_deg])[0])
      .attr("y", (s) => projection([s.lon_deg, s.lat_deg])[1])
      .text((s) => s.name);
    scaleMarkers();
    highlight();
    listSatellites(satellites);
    if (answer) {
      const at = new Date(answer.at_utc);
      $("map-time").textContent = `Satellites at ${formatUtc(at)} UTC; tracks ${answer.orbits} orbit either side;`
        + ` footprints: ${answer.footprint}.`;
      const newest = d3.max(satellites, (s) => new Date(s.epoch_utc));
      if (newest && Math.abs(at - newest) > STALE_DAYS * 86_400_000 && !state.mapAt) {
        status(`The newest element set is ${Math.round(Math.abs(at - newest) / 86_400_000)} days from this `
          + "time: positions are uncertain (choose From: newest epoch to see the catalog's own time).");
      }
    }
    drawCursor();
  }

  function listSatellites(satellites) {
    $("satellite-count").textContent = `${satellites.length}`;
    const items = d3.select("#satellite-list").selectAll("li").data(satellites, (s) => s.norad_id).join("li");
    items.selectAll("*").remove();
    items.append("span").attr("class", "swatch").style("background", (s) => state.color(s.norad_id));
    items.append("a").attr("href", (s) => `#object/${s.norad_id}`).text((s) => `${s.name} (${s.norad_id})`);
    items.append("span").attr("class", "when").text((s) => (s.lat_deg === null
      ? ` — ${s.problem}`
      : ` ${s.lat_deg.toFixed(1)}°, ${s.lon_deg.toFixed(1)}°, ${s.alt_km.toFixed(0)} km`));
  }

  function highlight() {
    const chosen = state.selected ? state.selected.norad_id : null;
    layer.satellites.selectAll("circle.satellite").classed("highlight", (s) => s.norad_id === chosen);
  }

  // ---- adding a site by clicking the map --------------------------------------------------------

  function pick(lonLat) {
    const [lon, lat] = lonLat;
    $("site-lat").value = lat.toFixed(4);
    $("site-lon").value = lon.toFixed(4);
    layer.pick.selectAll("circle.pick").data([lonLat]).join("circle")
      .attr("class", "pick")
      .attr("cx", (p) => projection(p)[0])
      .attr("cy", (p) => projection(p)[1]);
    scaleMarkers();
    message("site-message", `Picked ${lat.toFixed(4)}°, ${lon.toFixed(4)}°: name the site and add it.`);
    $("site-name").focus();
  }

  function message(id, text, kind = "") {
    const line = $(id);
    line.textContent = text;
    line.className = `message ${kind}`;
  }

  async function addSite(event) {
    event.preventDefault();
    const name = $("site-name").value.trim();
    const lat = Number($("site-lat").value);
    const lon = Number($("site-lon").value);
    const alt = Number($("site-alt").value || 0);
    if (!name || /[=/\\]/.test(name)) {
      message("site-message", "A name is needed, without =, / or \\.", "error");
      return;
    }
    if (!($("site-lat").value && $("site-lon").value) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      message("site-message", "Click the map (or type a latitude and longitude) first.", "error");
      return;
    }
    if (!token()) {
      message("site-message", "Adding a site writes to the catalog: enter an API token above first.", "error");
      return;
    }
    $("site-submit").disabled = true;
    try {
      const site = await api("/sites", {
        method: "POST", body: { name, lat_deg: lat, lon_deg: lon, alt_m: Number.isFinite(alt) ? alt : 0 },
      });
      message("site-message", `Added ${site.name}; computing its opportunities…`, "ok");
      for (const id of ["site-name", "site-lat", "site-lon"]) $(id).value = "";
      layer.pick.selectAll("*").remove();
      await loadPlaces();
      await loadTimeline();
      message("site-message", `Added ${site.name}.`, "ok");
    } catch (error) {
      message("site-message", explain(error), "error");
    } finally {
      $("site-submit").disabled = false;
    }
  }

  // ---- the timeline of opportunities -------------------------------------------------------------

  const timeline = d3.select("#timeline");
  const LABEL_WIDTH = 140;
  const ROW_HEIGHT = 22;
  const AXIS_HEIGHT = 22;
  const TIMELINE_WIDTH = 960;

  async function loadTimeline() {
    const serial = ++state.serial.timeline;
    const sites = state.sites.slice(0, MAX_TARGETS);
    if (!sites.length) {
      state.opportunities = null;
      drawTimeline(sites);
      state.loaded.timeline = true;
      return;
    }
    $("timeline-caption").textContent = "computing…";
    const params = [...selection(), ...sites.map((s) => ["site", s.name]), ["start", startText()],
      ["hours", hours()], ["max_off_nadir", offNadir()]];
    const answer = await api("/overflights", { params });
    if (serial !== state.serial.timeline) return;
    state.opportunities = answer;
    drawTimeline(sites);
    state.loaded.timeline = true;
  }

  function drawTimeline(sites) {
    const answer = state.opportunities;
    const height = AXIS_HEIGHT + Math.max(sites.length, 1) * ROW_HEIGHT + 4;
    timeline.attr("viewBox", `0 0 ${TIMELINE_WIDTH} ${height}`);
    timeline.selectAll("*").remove();
    d3.select("#opportunity-table tbody").selectAll("tr").remove();
    if (!sites.length || !answer) {
      $("timeline-caption").textContent = "";
      timeline.append("text").attr("class", "empty").attr("x", 8).attr("y", AXIS_HEIGHT + 14)
        .text("No stored sites yet: click the map to add one.");
      return;
    }
    const start = new Date(answer.window.start_utc);
    const end = new Date(answer.window.end_utc);
    const x = d3.scaleUtc([start, end], [LABEL_WIDTH, TIMELINE_WIDTH - 10]);
    state.timelineX = x;
    const y = (index) => AXIS_HEIGHT + index * ROW_HEIGHT;
    $("timeline-caption").textContent = `${answer.opportunities.length} in ${answer.window.hours} h from `
      + `${formatUtc(start)} UTC; ${answer.satellites} satellites; ${answer.sensor}`
      + (state.sites.length > MAX_TARGETS ? `; the first ${MAX_TARGETS} sites` : "");
    timeline.append("g").attr("class", "axis").attr("transform", `translate(0,${AXIS_HEIGHT - 2})`)
      .call(d3.axisTop(x).ticks(8).tickSizeOuter(0).tickFormat(formatTick));
    const bySite = d3.group(answer.opportunities, (o) => o.target);
    const rows = timeline.append("g").selectAll("g.timeline-row")
      .data(sites.map((s) => s.name))
      .join("g")
      .attr("class", "timeline-row")
      .attr("data-site", (name) => name)
      .attr("data-count", (name) => (bySite.get(name) || []).length)
      .attr("transform", (_, i) => `translate(0,${y(i)})`);
    rows.append("rect").attr("class", "row-band").attr("x", 0).attr("width", TIMELINE_WIDTH)
      .attr("height", ROW_HEIGHT - 2);
    rows.append("text").attr("class", "row-label").attr("x", 4).attr("y", ROW_HEIGHT / 2 + 3)
      .text((name) => `${name} (${(bySite.get(name) || []).length})`);
    rows.selectAll("rect.opportunity")
      .data((name) => bySite.get(name) || [])
      .join("rect")
      .attr("class", "opportunity")
      .attr("data-norad", (o) => o.norad_id)
      .attr("x", (o) => x(new Date(o.start_utc)))
      .attr("width", (o) => Math.max(x(new Date(o.end_utc)) - x(new Date(o.start_utc)), 3))
      .attr("y", 2)
      .attr("height", ROW_HEIGHT - 6)
      .attr("fill", (o) => state.color(o.norad_id))
      .on("click", (_, o) => chooseOpportunity(o))
      .append("title")
      .text((o) => `${o.name} (${o.norad_id}) over ${o.target}: ${formatUtc(new Date(o.start_utc))} to `
        + `${formatUtc(new Date(o.end_utc))} UTC, best ${formatUtc(new Date(o.best_utc))} at `
        + `${o.min_off_nadir_deg.toFixed(1)}° off nadir, Sun ${o.sun_elevation_deg.toFixed(0)}°`);
    timeline.append("line").attr("class", "cursor").attr("y1", AXIS_HEIGHT - 2).attr("y2", height);
    drawCursor();
    const table = d3.select("#opportunity-table tbody").selectAll("tr")
      .data(answer.opportunities).join("tr")
      .on("click", (_, o) => chooseOpportunity(o));
    table.selectAll("td")
      .data((o) => [o.target, `${o.name} (${o.norad_id})`, formatUtc(new Date(o.start_utc)),
        formatTime(new Date(o.best_utc)), formatTime(new Date(o.end_utc)), o.min_off_nadir_deg.toFixed(1),
        o.sun_elevation_deg.toFixed(0)])
      .join("td")
      .text((text) => text);
  }

  function drawCursor() {
    const x = state.timelineX;
    const at = state.map ? new Date(state.map.at_utc) : null;
    const line = timeline.select("line.cursor");
    if (!x || !at || line.empty()) return;
    const [low, high] = x.range();
    const position = x(at);
    line.attr("x1", position).attr("x2", position)
      .style("display", position >= low && position <= high ? null : "none");
    timeline.selectAll("rect.opportunity").classed("selected", (o) => o === state.selected);
  }

  function chooseOpportunity(opportunity) {
    state.selected = opportunity;
    state.mapAt = opportunity.best_utc;
    status(`Map at the best time of ${opportunity.name} over ${opportunity.target}: `
      + `${formatUtc(new Date(opportunity.best_utc))} UTC.`);
    loadMap().catch((error) => status(explain(error), true));
  }

  // ---- events and object pages ----------------------------------------------------------------

  async function loadEvents() {
    const serial = ++state.serial.events;
    const answer = await api("/events", { params: [["limit", "50"]] });
    if (serial !== state.serial.events) return;
    listEvents(d3.select("#events"), answer.items);
    state.loaded.events = true;
  }

  function listEvents(list, events) {
    list.selectAll("li").remove();
    if (!events.length) {
      list.append("li").attr("class", "when").text("No stored events (orbitwatch diff, manoeuvres, watch).");
      return;
    }
    const items = list.selectAll("li").data(events).join("li").attr("class", "event");
    items.append("span").attr("class", (e) => `kind ${e.kind}`).text((e) => e.kind.replace("_", " "));
    items.each(function addLinks(e) {
      const item = d3.select(this);
      e.norad_ids.slice(0, 6).forEach((norad, i) => {
        if (i) item.append("span").text(", ");
        item.append("a").attr("href", `#object/${norad}`).text(String(norad));
      });
      if (e.norad_ids.length > 6) item.append("span").text(` +${e.norad_ids.length - 6}`);
      const summary = eventSummary(e);
      if (summary) item.append("span").text(` ${summary}`);
      const when = e.details.estimated_time_utc || e.epoch_after || e.detected_utc;
      item.append("div").attr("class", "when").text(`${formatUtc(new Date(when))} UTC`
        + (e.launch_id ? ` · launch ${e.launch_id}` : ""));
    });
  }

  function eventSummary(e) {
    const d = e.details || {};
    const parts = [];
    for (const key of ["name", "new_name", "group", "manoeuvre_kind"]) {
      if (typeof d[key] === "string" && d[key]) parts.push(d[key]);
    }
    if (Array.isArray(d.names)) parts.push(d.names.slice(0, 3).join(", "));
    if (typeof d.delta_v_mps === "number") parts.push(`Δv ${d.delta_v_mps.toFixed(2)} m/s`);
    return parts.join(" · ");
  }

  async function openObject(norad) {
    if (window.location.hash !== `#object/${norad}`) {
      window.location.hash = `object/${norad}`; // hashchange opens it
      return;
    }
    const serial = ++state.serial.object;
    const dialog = $("object-page");
    $("object-title").textContent = `Object ${norad}`;
    d3.select("#object-facts").selectAll("*").remove();
    d3.select("#object-events").selectAll("*").remove();
    const plot = $("object-plot");
    if (plot.src.startsWith("blob:")) URL.revokeObjectURL(plot.src);
    plot.removeAttribute("src");
    dialog.dataset.norad = String(norad);
    dialog.dataset.state = "loading";
    if (!dialog.open) dialog.showModal();
    try {
      const [object, events] = await Promise.all([
        api(`/objects/${norad}`), api("/events", { params: [["norad", String(norad)], ["limit", "100"]] }),
      ]);
      if (serial !== state.serial.object) return;
      $("object-title").textContent = `${object.name} (${object.norad_id})`;
      const facts = [["International designator", object.intl_designator], ["Owner", object.owner],
        ["Type", object.object_type], ["Launch", object.launch_date], ["Launch site", object.launch_site],
        ["Decay", object.decay_date], ["Newest epoch", object.epoch_utc && `${formatUtc(new Date(object.epoch_utc))} UTC`],
        ["Groups", object.groups.join(", ")]].filter(([, value]) => value);
      const facts_ = d3.select("#object-facts");
      for (const [term, value] of facts) {
        facts_.append("dt").text(term);
        facts_.append("dd").text(value);
      }
      listEvents(d3.select("#object-events"), events.items);
      const blob = await api(`/objects/${norad}/history.png`, { as: "blob" });
      if (serial !== state.serial.object) return;
      plot.src = URL.createObjectURL(blob);
      dialog.dataset.state = "ready";
    } catch (error) {
      if (serial !== state.serial.object) return;
      dialog.dataset.state = "error";
      d3.select("#object-events").append("li").text(explain(error));
    }
  }

  function route() {
    const match = /^#object\/(\d{1,9})$/.exec(window.location.hash);
    if (match) {
      openObject(Number(match[1]));
    } else if ($("object-page").open) {
      $("object-page").close();
    }
  }

  $("object-page").addEventListener("close", () => {
    if (window.location.hash.startsWith("#object/")) {
      window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}`);
    }
  });

  // ---- time formats ----------------------------------------------------------------------------

  const formatUtc = d3.utcFormat("%Y-%m-%d %H:%M");
  const formatTime = d3.utcFormat("%H:%M:%S");
  const formatDay = d3.utcFormat("%b %d");
  const formatHour = d3.utcFormat("%H:%M");
  const formatTick = (date) => (d3.utcDay(date) < date ? formatHour(date) : formatDay(date));

  // ---- loading ---------------------------------------------------------------------------------

  async function loadWatchlists() {
    try {
      const lists = await api("/watchlists");
      d3.select("#watchlist").selectAll("option.stored").data(lists, (w) => w.name).join("option")
        .attr("class", "stored").attr("value", (w) => w.name).text((w) => w.name);
      if (state.pendingWatchlist) $("watchlist").value = state.pendingWatchlist;
    } catch (_) {
      // no watch lists to offer (or no token yet): the control stays at none
    }
  }

  async function settle(tasks) {
    const results = await Promise.allSettled(tasks);
    const failed = results.filter((r) => r.status === "rejected").map((r) => explain(r.reason));
    if (failed.length) status([...new Set(failed)].join(" · "), true);
    return failed.length === 0;
  }

  async function refresh() {
    writeAddress();
    state.mapAt = null;
    state.selected = null;
    status("Computing positions and opportunities…");
    document.body.dataset.state = "loading";
    const ok = await settle([loadMap(), loadTimeline(), loadEvents()]);
    if (ok) status("");
    document.body.dataset.state = "ready";
  }

  async function start() {
    readAddress();
    const access = await api("/health").catch(() => ({ read_access: "public" }));
    if (access.read_access === "token" && !token()) {
      status("This server needs a token to read: enter one above.", true);
    }
    showToken();
    await settle([loadLand(), loadPlaces(), loadWatchlists()]);
    await refresh();
    route();
  }

  function showToken() {
    $("token-clear").hidden = !token();
    $("token").placeholder = token() ? "token in use" : "for writes";
  }

  $("controls").addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  $("start").addEventListener("change", () => {
    $("custom-start").hidden = $("start").value !== "custom";
  });
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    const given = $("token").value.trim();
    if (given) window.sessionStorage.setItem(TOKEN_KEY, given);
    $("token").value = "";
    showToken();
    settle([loadPlaces(), loadWatchlists()]).then(refresh);
  });
  $("token-clear").addEventListener("click", () => {
    window.sessionStorage.removeItem(TOKEN_KEY);
    showToken();
  });
  $("site-form").addEventListener("submit", addSite);
  window.addEventListener("hashchange", route);
  window.setInterval(() => {
    if (startText() === "now" && !state.mapAt && !document.hidden) {
      loadMap().catch((error) => status(explain(error), true));
    }
  }, MAP_REFRESH_MS);

  // For tests and scripts: where a longitude and latitude are on the screen (CSS pixels of the viewport).
  window.orbitwatch = {
    state,
    project(lonLat) {
      const [x, y] = projection(lonLat);
      const point = svg.node().createSVGPoint();
      point.x = x;
      point.y = y;
      const onScreen = point.matrixTransform(root.node().getScreenCTM());
      return { x: onScreen.x, y: onScreen.y };
    },
    resetZoom() {
      svg.call(zoom.transform, d3.zoomIdentity);
    },
    invert(xy) {
      return projection.invert(xy);
    },
    refresh,
  };

  start();
})();
