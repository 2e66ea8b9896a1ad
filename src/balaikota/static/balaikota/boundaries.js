/* Draws the city's kelurahan boundaries under a map: the map stays usable without tiles. */
(function (global) {
  "use strict";
  global.addBoundaries = function (map, url) {
    if (!url) return;
    fetch(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return;
      L.geoJSON(data, {
        interactive: false,
        style: { color: "#5a6b7b", weight: 1, fillColor: "#9fb3c8", fillOpacity: 0.08 }
      }).addTo(map);
    }).catch(function () { /* the map works without them */ });
  };
})(window);
