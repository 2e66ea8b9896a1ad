// Moderation: draw rectangles on a photo to blur them in its public copy. The rectangles
// are kept as [x, y, width, height] fractions of the picture in the form's hidden field.
(function () {
  "use strict";

  function box(editor, area) {
    var el = document.createElement("div");
    el.className = "blur-box";
    el.style.left = area[0] * 100 + "%";
    el.style.top = area[1] * 100 + "%";
    el.style.width = area[2] * 100 + "%";
    el.style.height = area[3] * 100 + "%";
    editor.appendChild(el);
    return el;
  }

  function setUp(form) {
    var editor = form.querySelector(".blur-editor");
    var field = form.querySelector(".blur-areas");
    var areas = [];
    try { areas = JSON.parse(field.value || "[]"); } catch (e) { areas = []; }
    areas.forEach(function (a) { box(editor, a); });
    var start = null;
    var current = null;

    function point(event) {
      var rect = editor.getBoundingClientRect();
      return [
        Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)),
        Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height)),
      ];
    }

    function area(a, b) {
      return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1])];
    }

    editor.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      editor.setPointerCapture(event.pointerId);
      start = point(event);
      current = box(editor, [start[0], start[1], 0, 0]);
    });
    editor.addEventListener("pointermove", function (event) {
      if (!start) { return; }
      var a = area(start, point(event));
      current.style.left = a[0] * 100 + "%";
      current.style.top = a[1] * 100 + "%";
      current.style.width = a[2] * 100 + "%";
      current.style.height = a[3] * 100 + "%";
    });
    editor.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      var a = area(start, point(event));
      start = null;
      if (a[2] < 0.01 || a[3] < 0.01) { current.remove(); return; }
      areas.push(a.map(function (v) { return Math.round(v * 10000) / 10000; }));
      field.value = JSON.stringify(areas);
    });
    form.querySelector(".blur-clear").addEventListener("click", function () {
      areas = [];
      field.value = "[]";
      editor.querySelectorAll(".blur-box").forEach(function (el) { el.remove(); });
    });
  }

  document.querySelectorAll(".blur-form").forEach(setUp);
})();
