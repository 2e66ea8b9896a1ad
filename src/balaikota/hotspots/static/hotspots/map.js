/* Hotspots on maps: the hotspot list's map, one hotspot's place, and a layer the reader
   can turn on over the complaint map (/peta). Works without tiles. */
(function () {
  "use strict";
  var labels = {};
  var template = document.getElementById("hotspot-labels");
  if (template) {
    template.content.querySelectorAll("span").forEach(function (el) { labels[el.dataset.key] = el.textContent; });
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function popup(h) {
    var div = el("div", null, { "class": "map-popup hotspot-popup", "data-hotspot": String(h.id) });
    div.appendChild(el("strong", h.category));
    div.appendChild(el("div", h.count + " " + labels.complaints));
    if (h.work) div.appendChild(el("div", labels.work + " " + h.work));
    div.appendChild(el("a", labels.open, { href: h.url }));
    return div;
  }
  function marks(items) {
    var layer = L.layerGroup();
    items.forEach(function (h) {
      L.circleMarker([h.lat, h.lon], {
        radius: 9 + Math.min(12, h.count), weight: 3, color: "#7a1f00", fillColor: "#c92a2a",
        fillOpacity: 0.55, className: "hotspot-mark"
      }).bindPopup(popup(h)).addTo(layer);
    });
    return layer;
  }
  function baseMap(box, options) {
    var map = L.map(box, Object.assign({ zoomControl: false, scrollWheelZoom: false }, options || {}));
    L.control.zoom({ zoomInTitle: labels.zoom_in || "+", zoomOutTitle: labels.zoom_out || "-" }).addTo(map);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
    }
    window.addBoundaries(map, box.dataset.boundariesUrl);
    return map;
  }

  // The list page: every current hotspot, the map fitted to them.
  var listBox = document.getElementById("hotspot-map");
  if (listBox) {
    var listMap = baseMap(listBox).setView([-7.97, 112.63], 12);
    fetch(listBox.dataset.url).then(function (r) { return r.json(); }).then(function (data) {
      var layer = marks(data.hotspots).addTo(listMap);
      if (data.hotspots.length) {
        listMap.fitBounds(L.featureGroup(layer.getLayers()).getBounds().pad(0.2), { maxZoom: 16 });
      }
      listBox.dataset.count = String(data.hotspots.length);
      listBox.dataset.state = "ready";
    }).catch(function () { listBox.dataset.state = "failed"; });
  }

  // One hotspot: its centre and the radius its complaints are within of each other.
  var placeBox = document.getElementById("hotspot-place");
  if (placeBox) {
    var centre = [parseFloat(placeBox.dataset.lat), parseFloat(placeBox.dataset.lon)];
    var placeMap = baseMap(placeBox).setView(centre, 17);
    L.circle(centre, { radius: parseFloat(placeBox.dataset.radius), color: "#7a1f00", fillColor: "#c92a2a", fillOpacity: 0.25 }).addTo(placeMap);
    placeBox.dataset.state = "ready";
  }

  // /peta: the complaint map (dashboards/map.js) leaves its Leaflet map on its box.
  var toggle = document.getElementById("show-hotspots");
  var complaintBox = document.getElementById("complaint-map");
  if (toggle && complaintBox && complaintBox.leafletMap) {
    var layer = null;
    toggle.addEventListener("change", function () {
      var map = complaintBox.leafletMap;
      if (!toggle.checked) {
        if (layer) map.removeLayer(layer);
        complaintBox.dataset.hotspots = "hidden";
        return;
      }
      fetch(toggle.dataset.url).then(function (r) { return r.json(); }).then(function (data) {
        if (layer) map.removeLayer(layer);
        layer = marks(data.hotspots).addTo(map);
        complaintBox.dataset.hotspots = String(data.hotspots.length);
      }).catch(function () {});
    });
  }
})();
