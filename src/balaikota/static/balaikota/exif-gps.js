/* Reads the GPS position from a JPEG's EXIF block in the browser, so the map can show where
   a photo was taken before it is uploaded (and before resizing drops the metadata). */
(function (global) {
  "use strict";
  function readRational(view, offset, little) {
    var num = view.getUint32(offset, little), den = view.getUint32(offset + 4, little);
    return den ? num / den : NaN;
  }
  function readDegrees(view, tiff, valueOffset, little) {
    var at = tiff + view.getUint32(valueOffset, little);
    return readRational(view, at, little) + readRational(view, at + 8, little) / 60 +
      readRational(view, at + 16, little) / 3600;
  }
  function parse(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) return null;
    var offset = 2;
    while (offset + 4 < view.byteLength) {
      var marker = view.getUint16(offset), size = view.getUint16(offset + 2);
      if (marker === 0xFFE1 && view.getUint32(offset + 4) === 0x45786966) {
        return parseTiff(view, offset + 10);
      }
      if ((marker & 0xFF00) !== 0xFF00) return null;
      offset += 2 + size;
    }
    return null;
  }
  function parseTiff(view, tiff) {
    var little = view.getUint16(tiff) === 0x4949;
    var ifd0 = tiff + view.getUint32(tiff + 4, little);
    var gpsOffset = null, count = view.getUint16(ifd0, little), i, entry;
    for (i = 0; i < count; i++) {
      entry = ifd0 + 2 + i * 12;
      if (view.getUint16(entry, little) === 0x8825) gpsOffset = view.getUint32(entry + 8, little);
    }
    if (gpsOffset === null) return null;
    var gps = tiff + gpsOffset, tags = {};
    count = view.getUint16(gps, little);
    for (i = 0; i < count; i++) {
      entry = gps + 2 + i * 12;
      var tag = view.getUint16(entry, little);
      if (tag === 1 || tag === 3) tags[tag] = String.fromCharCode(view.getUint8(entry + 8));
      if (tag === 2 || tag === 4) tags[tag] = readDegrees(view, tiff, entry + 8, little);
    }
    if (!isFinite(tags[2]) || !isFinite(tags[4])) return null;
    var lat = tags[1] === "S" ? -tags[2] : tags[2], lon = tags[3] === "W" ? -tags[4] : tags[4];
    if (lat === 0 && lon === 0) return null;
    return { lat: lat, lon: lon };
  }
  global.readExifGps = function (file) {
    return file.slice(0, 262144).arrayBuffer().then(function (buffer) {
      try { return parse(buffer); } catch (e) { return null; }
    });
  };
})(window);
