// The search page's map (issue 21 §1). With or without a basemap it draws the cameras the
// system knows, with their names, so it is never blank; "Draw an area" lets the member drag
// a rectangle, which fills the area field (south,west,north,east) the search already takes.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("area-map");
    var field = document.getElementById("id_bbox");
    if (!el || !field || !window.L) return;
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
    if (bounds.length) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 15 });
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
      area = null;
      field.value = "";
    });
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
