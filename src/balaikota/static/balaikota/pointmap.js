/* A small map showing one complaint's place. */
(function () {
  "use strict";
  var box = document.getElementById("track-map");
  if (!box) return;
  var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  var map = L.map(box, { scrollWheelZoom: false }).setView(point, 16);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
  }
  window.addBoundaries(map, box.dataset.boundariesUrl);
  L.marker(point).addTo(map);
})();
