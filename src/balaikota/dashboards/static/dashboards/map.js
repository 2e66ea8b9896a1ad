/* The public map: server-side clusters per viewport, the kelurahan shaded by density.
   Works without tiles: the city's own boundaries are drawn underneath. */
(function () {
  "use strict";
  var box = document.getElementById("complaint-map");
  if (!box) return;
  // The labels are in a <template>: its spans live in its content, not in the document.
  var labels = {};
  document.getElementById("popup-labels").content.querySelectorAll("span").forEach(function (el) {
    labels[el.dataset.key] = el.textContent;
  });
  var statusLabels = JSON.parse(document.getElementById("status-labels").textContent);
  var query = box.dataset.query;
  var OPEN = { submitted: 1, verified: 1, assigned: 1, in_progress: 1, reopened: 1 };

  // The view is kept in the address (#zoom/lat/lon), next to the filter in the query string.
  var start = { zoom: 12, lat: parseFloat(box.dataset.lat), lon: parseFloat(box.dataset.lon) };
  var saved = /^#(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(window.location.hash);
  if (saved) start = { zoom: +saved[1], lat: +saved[2], lon: +saved[3] };
  var map = L.map(box, { minZoom: 10, maxZoom: 19, zoomControl: false }).setView([start.lat, start.lon], start.zoom);
  box.leafletMap = map; // for the layers other apps add (hotspots/map.js)
  L.control.zoom({ zoomInTitle: labels.zoom_in, zoomOutTitle: labels.zoom_out }).addTo(map);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
  }
  map.createPane("areas").style.zIndex = 350; // under the complaints
  var areas = L.layerGroup().addTo(map);
  var marks = L.layerGroup().addTo(map);

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function trackUrl(ticket) { return box.dataset.trackUrl.replace("TICKET", encodeURIComponent(ticket)); }
  function pointPopup(p) {
    var div = el("div", null, { "class": "map-popup", "data-ticket": p.ticket });
    div.appendChild(el("strong", p.category || p.ticket));
    div.appendChild(el("div", (statusLabels[p.status] || p.status) + " · " + p.date));
    div.appendChild(el("div", p.supporters + " " + labels.supporters, { "class": "supporters" }));
    div.appendChild(el("a", labels.track, { href: trackUrl(p.ticket) }));
    return div;
  }
  function clusterPopup(c) {
    var div = el("div", null, { "class": "map-popup" });
    div.appendChild(el("strong", c.count + " " + labels.complaints));
    div.appendChild(el("div", c.open + " " + labels.open));
    div.appendChild(el("div", c.supporters + " " + labels.supporters, { "class": "supporters" }));
    var zoom = el("button", labels.zoom, { type: "button", "class": "btn btn-link btn-sm p-0 zoom-in" });
    zoom.addEventListener("click", function () { map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, 18)); });
    div.appendChild(zoom);
    return div;
  }
  function kind(open, count) { return open === count ? "open" : (open === 0 ? "done" : "mixed"); }
  var colours = { open: "#d9480f", done: "#2b8a3e", mixed: "#e8a317" };

  function draw(data) {
    marks.clearLayers();
    data.items.forEach(function (item) {
      var marker;
      if (data.kind === "points") {
        marker = L.circleMarker([item.lat, item.lon], {
          radius: 7, weight: 2, color: "#fff", fillOpacity: 0.95,
          fillColor: colours[OPEN[item.status] ? "open" : "done"], className: "complaint-point status-" + item.status
        }).bindPopup(pointPopup(item));
      } else {
        var size = Math.round(22 + Math.min(26, Math.log(item.count) * 5));
        var k = kind(item.open, item.count);
        marker = L.marker([item.lat, item.lon], {
          icon: L.divIcon({ html: String(item.count), className: "cluster cluster-" + k, iconSize: [size, size] }),
          keyboard: true, title: item.count + " " + labels.complaints
        }).bindPopup(clusterPopup(item));
      }
      marks.addLayer(marker);
    });
    box.dataset.kind = data.kind;
    box.dataset.total = data.total;
    box.dataset.state = "ready";
  }

  var pending = null;
  function refresh() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
    var url = box.dataset.url + "?" + (query ? query + "&" : "") + "bbox=" + bbox + "&zoom=" + map.getZoom();
    if (pending) pending.abort();
    pending = new AbortController();
    box.dataset.state = "loading";
    fetch(url, { signal: pending.signal }).then(function (r) { return r.json(); }).then(draw).catch(function () {});
    var c = map.getCenter();
    history.replaceState(null, "", "#" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5));
  }
  map.on("moveend", refresh);
  refresh();

  // The choropleth: complaints per 1,000 residents where every kelurahan has a population,
  // otherwise per km²; five shades from the quantiles.
  Promise.all([
    fetch(box.dataset.boundariesUrl).then(function (r) { return r.json(); }),
    fetch(box.dataset.areasUrl + (query ? "?" + query : "")).then(function (r) { return r.json(); })
  ]).then(function (answers) {
    var byCode = {};
    answers[1].areas.forEach(function (a) { byCode[a.code] = a; });
    var perPeople = answers[1].areas.every(function (a) { return a.per_1000 !== null; });
    var measure = perPeople ? "per_1000" : "per_km2";
    var values = answers[1].areas.map(function (a) { return a[measure] || 0; }).sort(function (x, y) { return x - y; });
    var breaks = [0.2, 0.4, 0.6, 0.8].map(function (q) { return values[Math.floor(q * (values.length - 1))] || 0; });
    var shades = ["#f1f3f5", "#c5d7ea", "#8fb3d9", "#5188c2", "#1f5a99"];
    function shade(v) { var i = 0; while (i < breaks.length && v > breaks[i]) i++; return v > 0 ? shades[i] : shades[0]; }
    L.geoJSON(answers[0], {
      pane: "areas",
      style: function (f) {
        var a = byCode[f.properties.code];
        return { color: "#5a6b7b", weight: 1, fillColor: shade(a ? a[measure] || 0 : 0), fillOpacity: 0.55 };
      },
      onEachFeature: function (f, layer) {
        var a = byCode[f.properties.code];
        if (!a) return;
        var text = a.name + " (" + a.district + "): " + a.count + " " + labels.complaints + ", " +
          (a[measure] === null ? "-" : a[measure]) + " " + labels[measure];
        layer.bindTooltip(text, { sticky: true });
        layer.feature.properties.density = a[measure];
      }
    }).addTo(areas);
    box.dataset.areas = String(answers[1].areas.length);
    box.dataset.measure = measure;
  }).catch(function () { /* the map works without them */ });
})();
