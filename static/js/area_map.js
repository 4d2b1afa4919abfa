// The search page's map (issue 21 §1). With or without a basemap it draws the cameras the
// system knows, with their names, so it is never blank; "Draw an area" lets the member drag
// a rectangle, which fills the area field (south,west,north,east) the search already takes;
// "Draw a polygon" takes a click per corner and fills the polygon field ([[lat, lon], ...],
// closed), which the server checks and filters by, point in polygon (alpr/criteria.py).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("area-map");
    var field = document.getElementById("id_bbox");
    var polygonField = document.getElementById("id_polygon");
    if (!el || !field || !polygonField || !window.L) return;
    var map = L.map(el, { attributionControl: false });
    var tiles = el.getAttribute("data-tiles");
    if (tiles) L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
    var cameras = JSON.parse(document.getElementById("camera-points").textContent || "[]");
    var bounds = [];
    cameras.forEach(function (c) {
      L.circleMarker([c.lat, c.lon], { radius: 6, color: "#1d4f91", fillOpacity: 0.8 })
        .bindTooltip(c.name, { permanent: true, direction: "right", className: "camera-label" })
        .addTo(map);
      bounds.push([c.lat, c.lon]);
    });
    var boundaryEl = document.getElementById("map-boundary");
    var boundary = boundaryEl ? JSON.parse(boundaryEl.textContent) : null;
    var outline = boundary ? L.geoJSON(boundary, { style: { color: "#6b4fa0", weight: 2, fill: false, className: "city-boundary" } }).addTo(map) : null;
    if (!bounds.length && outline) map.fitBounds(outline.getBounds(), { padding: [20, 20] });
    else if (bounds.length) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 15 });
    else map.setView(JSON.parse(document.getElementById("map-center").textContent), 12);  // ALPR_MAP_CENTER

    var area = null;
    function show(south, west, north, east) {
      if (area) map.removeLayer(area);
      area = L.rectangle([[south, west], [north, east]], { color: "#b3261e", weight: 2, fillOpacity: 0.1 }).addTo(map);
    }
    // An area already typed (or kept after a refused search) is drawn too.
    var typed = field.value.split(",").map(Number);
    if (typed.length === 4 && typed.every(isFinite)) show(typed[0], typed[1], typed[2], typed[3]);

    var drawing = false, start = null;
    document.getElementById("draw-area").addEventListener("click", function () {
      drawing = true;
      map.dragging.disable();
      el.classList.add("drawing");
    });
    document.getElementById("clear-area").addEventListener("click", function () {
      if (area) map.removeLayer(area);
      if (shape) map.removeLayer(shape);
      area = null; shape = null; corners = []; outlining = false;
      field.value = ""; polygonField.value = "";
    });

    // The polygon: a click per corner, then "Finish the polygon" (or a double click).
    var outlining = false, corners = [], shape = null;
    function drawShape() {
      if (shape) map.removeLayer(shape);
      shape = L.polygon(corners, { color: "#b3261e", weight: 2, fillOpacity: 0.1, className: "search-polygon" }).addTo(map);
    }
    function finishPolygon() {
      if (!outlining) return;
      outlining = false;
      map.doubleClickZoom.enable();
      el.classList.remove("drawing");
      if (corners.length < 3) { corners = []; if (shape) map.removeLayer(shape); shape = null; return; }
      var ring = corners.map(function (c) { return [Number(c[0].toFixed(6)), Number(c[1].toFixed(6))]; });
      ring.push(ring[0]);
      polygonField.value = JSON.stringify(ring);
    }
    var typedPolygon = null;
    try { typedPolygon = polygonField.value ? JSON.parse(polygonField.value) : null; } catch (e) { typedPolygon = null; }
    if (Array.isArray(typedPolygon) && typedPolygon.length > 3) { corners = typedPolygon.slice(0, -1); drawShape(); }
    document.getElementById("draw-polygon").addEventListener("click", function () {
      outlining = true; drawing = false; corners = [];
      if (shape) map.removeLayer(shape);
      shape = null;
      map.doubleClickZoom.disable();
      el.classList.add("drawing");
    });
    document.getElementById("finish-polygon").addEventListener("click", finishPolygon);
    map.on("click", function (e) {
      if (!outlining) return;
      corners.push([e.latlng.lat, e.latlng.lng]);
      drawShape();
    });
    map.on("dblclick", finishPolygon);
    map.on("mousedown", function (e) {
      if (!drawing) return;
      start = e.latlng;
      show(start.lat, start.lng, start.lat, start.lng);
    });
    map.on("mousemove", function (e) {
      if (!drawing || !start) return;
      area.setBounds(L.latLngBounds(start, e.latlng));
    });
    map.on("mouseup", function (e) {
      if (!drawing || !start) return;
      var b = L.latLngBounds(start, e.latlng);
      field.value = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (v) { return v.toFixed(5); }).join(",");
      drawing = false; start = null;
      map.dragging.enable();
      el.classList.remove("drawing");
    });
  });
})();
