// Reads on a map. Works without internet: with no tile server configured the
// points are drawn on a blank map. Data comes from json_script islands (no inline JS).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("map");
    if (!el || !window.L) return;
    var map = L.map(el, { attributionControl: false });
    var tiles = el.getAttribute("data-tiles");
    if (tiles) L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
    var bounds = [];
    var many = document.getElementById("map-points");
    var one = document.getElementById("map-point");
    if (many) {
      JSON.parse(many.textContent).forEach(function (p) {
        var marker = L.circleMarker([p.lat, p.lon], { radius: 6, color: "#1d4f91" }).addTo(map);
        var link = document.createElement("a");
        link.href = p.url; link.textContent = p.plate + " · " + p.at + " · " + p.camera;
        marker.bindPopup(link);
        bounds.push([p.lat, p.lon]);
      });
    } else if (one) {
      var pt = JSON.parse(one.textContent);
      L.circleMarker(pt, { radius: 8, color: "#b3261e" }).addTo(map);
      bounds.push(pt);
    }
    // Issue 21 §1: the cameras with their names, so the map is never a blank box.
    var cameras = document.getElementById("camera-points");
    if (cameras) {
      JSON.parse(cameras.textContent).forEach(function (c) {
        L.circleMarker([c.lat, c.lon], { radius: 4, color: "#5b6675", fillOpacity: 0.6 })
          .bindTooltip(c.name, { permanent: true, direction: "right", className: "camera-label" }).addTo(map);
        if (!bounds.length && !many) bounds.push([c.lat, c.lon]);
      });
      if (many && !bounds.length) {
        JSON.parse(cameras.textContent).forEach(function (c) { bounds.push([c.lat, c.lon]); });
      }
    }
    // Issue 21 §1: the area the search covered, as drawn.
    var polygonEl = document.getElementById("search-polygon");
    var searchedPolygon = polygonEl ? JSON.parse(polygonEl.textContent) : null;
    if (searchedPolygon) L.polygon(searchedPolygon, { color: "#b3261e", weight: 2, fillOpacity: 0.05, className: "search-polygon" }).addTo(map);
    var bboxEl = document.getElementById("search-bbox");
    var searchedBox = bboxEl ? JSON.parse(bboxEl.textContent) : null;
    if (searchedBox) L.rectangle([[searchedBox[0], searchedBox[1]], [searchedBox[2], searchedBox[3]]], { color: "#b3261e", weight: 2, fillOpacity: 0.05, className: "search-area" }).addTo(map);
    // Issue 21 §1: the city boundary (ALPR_MAP_BOUNDARY_GEOJSON), drawn with or without a basemap.
    var boundaryEl = document.getElementById("map-boundary");
    var boundary = boundaryEl ? JSON.parse(boundaryEl.textContent) : null;
    if (boundary) {
      var outline = L.geoJSON(boundary, { style: { color: "#6b4fa0", weight: 2, fill: false, className: "city-boundary" } }).addTo(map);
      if (!bounds.length) { map.fitBounds(outline.getBounds(), { padding: [20, 20] }); return; }
    }
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    else map.setView(JSON.parse(document.getElementById("map-center").textContent), 12);  // ALPR_MAP_CENTER
  });
})();
