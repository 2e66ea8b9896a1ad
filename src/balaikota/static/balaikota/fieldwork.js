/* Field work on a phone: small maps of the tasks (Leaflet fetched only once the page has
   loaded, each map drawn when it scrolls into view), sorting by the phone's position, and
   the device's location sent with the "after" photo. */
(function () {
  "use strict";
  var root = document.getElementById("fieldwork");
  if (!root) return;

  function drawMap(box) {
    if (box.dataset.drawn) return;
    box.dataset.drawn = "1";
    var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
    var map = L.map(box, { scrollWheelZoom: false, dragging: !L.Browser.mobile, zoomControl: false,
                           attributionControl: !!root.dataset.tiles }).setView(point, 16);
    if (root.dataset.tiles) {
      L.tileLayer(root.dataset.tiles, { maxZoom: 19, attribution: root.dataset.attribution }).addTo(map);
    }
    L.marker(point, { keyboard: false, alt: box.dataset.label || "" }).addTo(map);
  }

  function startMaps() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll(".task-map"));
    if (!("IntersectionObserver" in window)) { boxes.forEach(drawMap); return; }
    var watcher = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { watcher.unobserve(entry.target); drawMap(entry.target); }
      });
    }, { rootMargin: "200px" });
    boxes.forEach(function (box) { watcher.observe(box); });
  }

  function loadLeaflet() {
    if (!document.querySelector(".task-map")) return;
    var pending = 2;
    function loaded() { if (--pending === 0) startMaps(); }
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = root.dataset.leafletCss;
    style.onload = style.onerror = loaded;
    document.head.appendChild(style);
    var script = document.createElement("script");
    script.src = root.dataset.leafletJs;
    script.onload = loaded;
    document.body.appendChild(script);
  }
  if (document.readyState === "complete") loadLeaflet();
  else window.addEventListener("load", loadLeaflet);

  // Nearest first: the phone's position goes to the server in the address, nowhere else.
  var near = document.getElementById("sort-near");
  if (near && navigator.geolocation) {
    near.hidden = false;
    near.addEventListener("click", function () {
      var status = document.getElementById("sort-status");
      status.textContent = near.dataset.waiting;
      navigator.geolocation.getCurrentPosition(function (position) {
        var c = position.coords;
        location.search = "?dekat=" + c.latitude.toFixed(6) + "," + c.longitude.toFixed(6);
      }, function () { status.textContent = near.dataset.refused; }, { timeout: 15000 });
    });
  }

  // The device's location with the "after" photo: asked for when the photo is chosen.
  var form = document.getElementById("resolve-form");
  if (form && navigator.geolocation) {
    form.querySelector("[name=photo]").addEventListener("change", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[name=device_lat]").value = position.coords.latitude.toFixed(7);
        form.querySelector("[name=device_lon]").value = position.coords.longitude.toFixed(7);
      }, function () { /* the photo's own GPS, if any, is checked instead */ },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }
})();
