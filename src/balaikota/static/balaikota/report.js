/* The report form: photo first, location from the photo / device / map, resize before upload,
   a progress bar, and a draft kept in the browser if the connection drops. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var msgs = document.getElementById("msg-sources").dataset;
  var latInput = form.querySelector("[name=lat]"), lonInput = form.querySelector("[name=lon]");
  var sourceInput = form.querySelector("[name=location_source]");
  var keyInput = form.querySelector("[name=submission_key]");
  var textInput = form.querySelector("[name=text]");
  var photoInput = form.querySelector("[name=photos]");
  var statusBox = document.getElementById("location-status");
  var placeBox = document.getElementById("place-name");
  var errorBox = document.getElementById("form-error");
  var MAX_SIDE = 2048, DRAFT = "sambat-draft";
  var prepared = null;

  function newKey() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() :
      String(Date.now()) + Math.random().toString(16).slice(2);
  }
  // One key per report: a retry of the same report reuses it, a new report gets a new one
  // (also when the browser brings the page back from its cache with the Back button).
  if (!keyInput.value) keyInput.value = newKey();
  window.addEventListener("pageshow", function (e) { if (e.persisted) keyInput.value = newKey(); });

  // The draft (text, category, place, privacy; never the contact) survives a dropped
  // connection, a "try again later" and a closed tab; storage may be blocked, and that is fine.
  var store = {
    get: function () { try { return localStorage.getItem(DRAFT); } catch (e) { return null; } },
    set: function (v) { try { localStorage.setItem(DRAFT, v); } catch (e) { /* no draft */ } },
    clear: function () { try { localStorage.removeItem(DRAFT); } catch (e) { /* none */ } }
  };
  var DRAFT_FIELDS = ["text", "category", "lat", "lon", "location_source", "privacy"];
  function saveDraft() {
    var data = new FormData(form), draft = {};
    DRAFT_FIELDS.forEach(function (name) {
      var value = data.get(name);
      if (typeof value === "string" && value) draft[name] = value;
    });
    store.set(JSON.stringify(draft));
  }
  function loadDraft() {
    var raw = store.get(), draft = null;
    if (!raw) return {};
    try { draft = JSON.parse(raw); } catch (e) { draft = null; }
    // An older draft was the text alone.
    return (draft && typeof draft === "object") ? draft : { text: raw };
  }
  // A page the server sent back with the citizen's values keeps them; a fresh one takes the draft.
  if (!textInput.value) {
    var draft = loadDraft();
    if (draft.text) textInput.value = draft.text;
    if (draft.category) form.querySelector("[name=category]").value = draft.category;
    if (draft.lat && draft.lon) {
      latInput.value = draft.lat;
      lonInput.value = draft.lon;
      sourceInput.value = draft.location_source || "map";
    }
    var privacy = /^\w+$/.test(draft.privacy || "") &&
      form.querySelector("[name=privacy][value=" + draft.privacy + "]");
    if (privacy) privacy.checked = true;
  }
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);

  // The map (Leaflet and its stylesheet, a third of the page's bytes, and the boundaries) is
  // fetched once the page has loaded: on a slow connection the form is ready to fill first,
  // and a location from the photo or the device waits for the map in `whenMap`.
  var centre = [-7.9666, 112.6326];
  var map = null, marker = null, mapWaiting = [], mapRequested = false;

  function whenMap(callback) {
    if (map) callback(map); else mapWaiting.push(callback);
  }
  function startMap() {
    map = L.map("report-map").setView(centre, 13);
    if (form.dataset.tiles) {
      L.tileLayer(form.dataset.tiles, { maxZoom: 19, attribution: form.dataset.attribution }).addTo(map);
    }
    window.addBoundaries(map, form.dataset.boundariesUrl);
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, "map"); });
    mapWaiting.splice(0).forEach(function (callback) { callback(map); });
  }
  function loadMap() {
    if (mapRequested) return;
    mapRequested = true;
    var pending = 2;
    function loaded() { if (--pending === 0) startMap(); }
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = form.dataset.leafletCss;
    style.onload = style.onerror = loaded;
    document.head.appendChild(style);
    var script = document.createElement("script");
    script.src = form.dataset.leafletJs;
    script.onload = loaded;
    document.body.appendChild(script);
  }
  if (document.readyState === "complete") loadMap();
  else window.addEventListener("load", loadMap);
  // Someone who reaches for the map before the page has loaded gets it at once.
  document.getElementById("report-map").addEventListener("pointerdown", loadMap);

  function showPoint(lat, lon) {
    whenMap(function () {
      if (!marker) {
        marker = L.marker([lat, lon], { draggable: true }).addTo(map);
        marker.on("dragend", function () {
          var p = marker.getLatLng();
          setPoint(p.lat, p.lng, "map");
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
      map.setView([lat, lon], Math.max(map.getZoom(), 16));
    });
  }

  function setPoint(lat, lon, source) {
    latInput.value = lat.toFixed(7);
    lonInput.value = lon.toFixed(7);
    sourceInput.value = source;
    showPoint(lat, lon);
    statusBox.textContent = msgs[source];
    statusBox.dataset.source = source;
    saveDraft();
    checkSimilar();
    fetch(form.dataset.locateUrl + "?lat=" + lat + "&lon=" + lon)
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        placeBox.textContent = answer.inside ? answer.message : msgs.outside;
        placeBox.classList.toggle("text-danger", !answer.inside);
      })
      .catch(function () { placeBox.textContent = ""; });
  }
  if (latInput.value && lonInput.value) {
    setPoint(parseFloat(latInput.value), parseFloat(lonInput.value), sourceInput.value || "map");
  }

  document.getElementById("use-device").addEventListener("click", function () {
    if (!navigator.geolocation) { statusBox.textContent = msgs.nogeo; return; }
    navigator.geolocation.getCurrentPosition(
      function (pos) { setPoint(pos.coords.latitude, pos.coords.longitude, "device"); },
      function () { statusBox.textContent = msgs.nogeo; },
      { enableHighAccuracy: true, timeout: 15000 });
  });

  function resize(file) {
    // Only JPEG and PNG can be drawn by every browser; HEIC goes up as it is.
    if (!/^image\/(jpeg|png)$/.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1500000) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg",
            { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  // Already reported nearby? Offer "saya juga" instead of a second report (checked again when
  // the pin moves, the category is chosen or the text changes).
  var similarBox = document.getElementById("similar");
  var similarList = document.getElementById("similar-list");
  var categoryInput = form.querySelector("[name=category]");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var similarTimer = null;
  function checkSimilar() {
    clearTimeout(similarTimer);
    similarTimer = setTimeout(function () {
      // As soon as the pin is placed: every category until one is chosen, then that one.
      if (!latInput.value || !lonInput.value) {
        similarBox.classList.add("d-none");
        return;
      }
      var query = "?category=" + encodeURIComponent(categoryInput.value) +
        "&lat=" + latInput.value + "&lon=" + lonInput.value +
        "&text=" + encodeURIComponent(textInput.value.slice(0, 500));
      fetch(form.dataset.similarUrl + query).then(function (r) { return r.ok ? r.json() : []; })
        .then(showSimilar).catch(function () { /* optional help only */ });
    }, 700);
  }
  function showSimilar(items) {
    similarList.textContent = "";
    similarBox.classList.toggle("d-none", items.length === 0);
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "mt-1";
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.ticket;
      li.appendChild(link);
      li.appendChild(document.createTextNode(" · " + (item.category_name ? item.category_name + " · " : "") +
        item.distance_m + " m · +" + item.supporters + " · " + item.text + " "));
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-primary";
      button.textContent = msgs.metoo;
      button.addEventListener("click", function () {
        button.disabled = true;
        fetch(item.url + "/dukung", {
          method: "POST", headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
        }).then(function (r) {
          return r.json().then(function (answer) {
            if (!r.ok) throw new Error(answer.detail || msgs.server);
          });
        }).then(function () {
          button.replaceWith(document.createTextNode(msgs.supported));
        }).catch(function (e) {
          button.disabled = false;
          button.title = e.message;
        });
      });
      li.appendChild(button);
      similarList.appendChild(li);
    });
  }
  categoryInput.addEventListener("change", checkSimilar);
  // The chosen category's own questions; the others are neither shown nor sent.
  function showQuestions() {
    form.querySelectorAll("[data-questions-for]").forEach(function (block) {
      var mine = block.dataset.questionsFor === categoryInput.value;
      block.hidden = !mine;
      block.disabled = !mine;
    });
  }
  categoryInput.addEventListener("change", showQuestions);
  showQuestions();
  textInput.addEventListener("input", checkSimilar);

  photoInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(photoInput.files, 0, 5);
    var previews = document.getElementById("photo-previews");
    previews.textContent = "";
    files.forEach(function (file) {
      var img = document.createElement("img");
      img.className = "preview";
      img.alt = file.name;
      img.src = URL.createObjectURL(file);
      previews.appendChild(img);
    });
    var hasChosen = sourceInput.value === "map" || sourceInput.value === "device";
    Promise.all(files.map(window.readExifGps)).then(function (points) {
      var found = points.filter(Boolean)[0];
      if (found && !hasChosen) setPoint(found.lat, found.lon, "exif");
    });
    prepared = Promise.all(files.map(resize));
  });

  function showErrors(errors) {
    var lines = [];
    Object.keys(errors).forEach(function (field) {
      errors[field].forEach(function (e) { lines.push(e.message || e); });
    });
    errorBox.textContent = lines.join(" ") || msgs.failed;
    errorBox.classList.remove("d-none");
  }

  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    errorBox.classList.add("d-none");
    var button = document.getElementById("submit-button");
    button.disabled = true;
    var bar = document.getElementById("upload-progress");
    var fill = bar.querySelector(".progress-bar");
    (prepared || Promise.resolve([])).then(function (files) {
      var data = new FormData(form);
      data.delete("photos");
      files.forEach(function (f) { data.append("photos", f, f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      bar.classList.remove("d-none");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) fill.style.width = Math.round(100 * e.loaded / e.total) + "%";
      };
      xhr.onload = function () {
        button.disabled = false;
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
        if (xhr.status === 201 && answer.redirect) {
          store.clear();
          keyInput.value = newKey();
          window.location.assign(answer.redirect);
        } else if (xhr.status === 429) {
          // Too many reports from this connection: everything stays on the page (and in the
          // draft); the button comes back when the server says it may.
          bar.classList.add("d-none");
          showErrors(answer.errors || {});
          errorBox.textContent += " " + msgs.kept;
          var wait = parseInt(xhr.getResponseHeader("Retry-After"), 10) || 60;
          button.disabled = true;
          setTimeout(function () { button.disabled = false; }, wait * 1000);
        } else if (answer.errors) {
          bar.classList.add("d-none");
          showErrors(answer.errors);
        } else {
          // Not our JSON: a proxy's error page, an expired session, a file too large.
          bar.classList.add("d-none");
          errorBox.textContent = (xhr.status === 413 ? msgs.toolarge :
            xhr.status === 403 ? msgs.expired : msgs.server);
          errorBox.classList.remove("d-none");
        }
      };
      xhr.onerror = function () {
        button.disabled = false;
        bar.classList.add("d-none");
        errorBox.textContent = msgs.offline;
        errorBox.classList.remove("d-none");
      };
      xhr.send(data);
    });
  });
  // Everything above is wired: the draft, the photo's location and the upload (the map may
  // still be loading). Browser tests and bench/lapor_3g.py wait for this mark.
  form.dataset.ready = "1";
})();
