// Registration points on a Leaflet map. No tile server is contacted unless the page names a
// same-origin tile URL (data-tiles); otherwise the points are drawn on a plain background.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  var points = JSON.parse(element.getAttribute("data-points") || "[]");
  var map = L.map(element, { attributionControl: true });
  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
  } else {
    element.classList.add("offline");
    map.attributionControl.addAttribution(element.getAttribute("data-offline"));
  }
  var markers = points.map(function (p) {
    return L.circleMarker([p.lat, p.lon], {
      radius: 5, weight: 1, color: "#064", fillColor: p.covered_until ? "#0b6e4f" : "#c0392b",
      fillOpacity: 0.7,
    }).bindTooltip(p.covered_until || "—");
  });
  var group = L.featureGroup(markers).addTo(map);
  map.fitBounds(group.getBounds().pad(0.1), { maxZoom: 15 });
})();
