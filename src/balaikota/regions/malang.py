"""Kota Malang's kecamatan and kelurahan: official Kemendagri codes, names and an
approximate centre point (3 decimals, about 100 m). Public facts, used to lay out a demo
city on a machine that has no boundary file; real boundaries come from `import-regions`.
"""

from __future__ import annotations

import shapely
from shapely.geometry import MultiPoint

CITY = ("35.73", "Kota Malang")

# Kemendagri numbering (BPS numbers the kecamatan differently; never mix them).
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("35.73.01", "Blimbing"),
    ("35.73.02", "Klojen"),
    ("35.73.03", "Kedungkandang"),
    ("35.73.04", "Sukun"),
    ("35.73.05", "Lowokwaru"),
)

# (code, name, centre latitude, centre longitude); the parent is the code's first 8 characters.
VILLAGES: tuple[tuple[str, str, float, float], ...] = (
    ("35.73.01.1001", "Balearjosari", -7.923, 112.65),
    ("35.73.01.1002", "Arjosari", -7.931, 112.657),
    ("35.73.01.1003", "Polowijen", -7.93, 112.647),
    ("35.73.01.1004", "Purwodadi", -7.937, 112.648),
    ("35.73.01.1005", "Blimbing", -7.945, 112.646),
    ("35.73.01.1006", "Pandanwangi", -7.951, 112.658),
    ("35.73.01.1007", "Purwantoro", -7.954, 112.644),
    ("35.73.01.1008", "Bunulrejo", -7.967, 112.646),
    ("35.73.01.1009", "Kesatrian", -7.977, 112.642),
    ("35.73.01.1010", "Polehan", -7.984, 112.646),
    ("35.73.01.1011", "Jodipan", -7.988, 112.641),
    ("35.73.02.1001", "Klojen", -7.973, 112.635),
    ("35.73.02.1002", "Rampalcelaket", -7.965, 112.636),
    ("35.73.02.1003", "Samaan", -7.964, 112.63),
    ("35.73.02.1004", "Kiduldalem", -7.981, 112.634),
    ("35.73.02.1005", "Sukoharjo", -7.988, 112.633),
    ("35.73.02.1006", "Kasin", -7.99, 112.626),
    ("35.73.02.1007", "Kauman", -7.979, 112.627),
    ("35.73.02.1008", "Oro-oro Dowo", -7.969, 112.625),
    ("35.73.02.1009", "Bareng", -7.979, 112.618),
    ("35.73.02.1010", "Gading Kasri", -7.97, 112.617),
    ("35.73.02.1011", "Penanggungan", -7.957, 112.621),
    ("35.73.03.1001", "Kotalama", -7.993, 112.639),
    ("35.73.03.1002", "Mergosono", -7.999, 112.634),
    ("35.73.03.1003", "Bumiayu", -8.018, 112.637),
    ("35.73.03.1004", "Wonokoyo", -8.024, 112.655),
    ("35.73.03.1005", "Buring", -8.008, 112.655),
    ("35.73.03.1006", "Kedungkandang", -7.997, 112.657),
    ("35.73.03.1007", "Lesanpuro", -7.993, 112.665),
    ("35.73.03.1008", "Sawojajar", -7.974, 112.657),
    ("35.73.03.1009", "Madyopuro", -7.984, 112.671),
    ("35.73.03.1010", "Cemorokandang", -7.988, 112.683),
    ("35.73.03.1011", "Arjowinangun", -8.04, 112.638),
    ("35.73.03.1012", "Tlogowaru", -8.038, 112.657),
    ("35.73.04.1001", "Ciptomulyo", -7.999, 112.629),
    ("35.73.04.1002", "Gadang", -8.016, 112.628),
    ("35.73.04.1003", "Kebonsari", -8.023, 112.622),
    ("35.73.04.1004", "Bandungrejosari", -8.003, 112.616),
    ("35.73.04.1005", "Sukun", -7.993, 112.62),
    ("35.73.04.1006", "Tanjungrejo", -7.988, 112.615),
    ("35.73.04.1007", "Pisangcandi", -7.973, 112.607),
    ("35.73.04.1008", "Bandulan", -7.983, 112.604),
    ("35.73.04.1009", "Karangbesuki", -7.956, 112.598),
    ("35.73.04.1010", "Mulyorejo", -7.988, 112.594),
    ("35.73.04.1011", "Bakalankrajan", -8.006, 112.606),
    ("35.73.05.1001", "Tunggulwulung", -7.927, 112.613),
    ("35.73.05.1002", "Merjosari", -7.942, 112.591),
    ("35.73.05.1003", "Tlogomas", -7.932, 112.599),
    ("35.73.05.1004", "Dinoyo", -7.944, 112.608),
    ("35.73.05.1005", "Sumbersari", -7.96, 112.614),
    ("35.73.05.1006", "Ketawanggede", -7.951, 112.613),
    ("35.73.05.1007", "Jatimulyo", -7.944, 112.619),
    ("35.73.05.1008", "Tunjungsekar", -7.929, 112.633),
    ("35.73.05.1009", "Mojolangu", -7.937, 112.628),
    ("35.73.05.1010", "Tulusrejo", -7.947, 112.63),
    ("35.73.05.1011", "Lowokwaru", -7.957, 112.632),
    ("35.73.05.1012", "Tasik Madu", -7.919, 112.627),
)

# Spellings seen in letters, maps and complaints besides the official one.
ALIASES: dict[str, tuple[str, ...]] = {
    "35.73.02.1002": ("Rampal Celaket",),
    "35.73.05.1012": ("Tasikmadu",),
    "35.73.02.1010": ("Gadingkasri",),
    "35.73.02.1008": ("Oro Oro Dowo", "Ngoro-oro Dowo"),
    "35.73.03.1001": ("Kota Lama",),
    "35.73.02.1004": ("Kidul Dalem",),
    "35.73.04.1007": ("Pisang Candi",),
    "35.73.04.1009": ("Karang Besuki",),
    "35.73.04.1011": ("Bakalan Krajan",),
    "35.73.05.1001": ("Tunggul Wulung",),
    "35.73.05.1008": ("Tunjung Sekar",),
    "35.73.04.1004": ("Bandung Rejosari",),
    "35.73.03.1008": ("Sawo Jajar",),
}


def approximate_village_areas() -> dict[str, shapely.Geometry]:
    """Each kelurahan's approximate area by its code: the Voronoi cell around its public
    centre point, clipped to ~1.2 km beyond the outermost centres."""
    points = MultiPoint([(lon, lat) for _, _, lat, lon in VILLAGES])
    envelope = points.convex_hull.buffer(0.011)  # degrees
    cells = shapely.voronoi_polygons(points, extend_to=envelope)
    by_point = {}
    for cell in cells.geoms:
        clipped = cell.intersection(envelope)
        for _, _, lat, lon in VILLAGES:
            if cell.contains(shapely.Point(lon, lat)):
                by_point[(lat, lon)] = clipped
    return {code: by_point[(lat, lon)] for code, _, lat, lon in VILLAGES}
