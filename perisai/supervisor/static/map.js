// Registration points on a Leaflet map over the configured tile source (PERISAI_MAP_TILES).
// The page loads this only when a tile source is configured; without one it shows the plain
// map drawn by the server. When the tile server does not answer (errors and no tile within
// 8 s), the plain map and a note replace the Leaflet map.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  var colours = { active: "#0b6e4f", grace: "#b7791f", ended: "#c0392b", registered: "#6b7280" };
  var points = JSON.parse(element.getAttribute("data-points") || "[]");
  var map = L.map(element, { attributionControl: true });
  var loaded = 0;
  var failed = false;
  function fallBack() {
    if (loaded || failed) return;
    failed = true;
    element.hidden = true;
    var block = element.parentNode;
    block.querySelector(".plain-map").hidden = false;
    block.querySelector(".map-failed").hidden = false;
  }
  L.tileLayer(element.getAttribute("data-tiles"), {
    maxZoom: 18,
    attribution: element.getAttribute("data-attribution"),
  })
    .on("tileload", function () { loaded += 1; })
    .on("tileerror", function () { window.setTimeout(fallBack, 1500); })
    .addTo(map);
  window.setTimeout(fallBack, 8000);
  var markers = points.map(function (p) {
    var colour = colours[p.status] || colours.registered;
    return L.circleMarker([p.lat, p.lon], {
      radius: 5, weight: 1, color: "#fff", fillColor: colour, fillOpacity: 0.85,
    });
  });
  var group = L.featureGroup(markers).addTo(map);
  map.fitBounds(group.getBounds().pad(0.1), { maxZoom: 15 });
})();
