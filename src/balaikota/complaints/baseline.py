"""The rule the routing model must beat by far: the first category keyword in the text."""

from __future__ import annotations

from balaikota.complaints.textnorm import normalise

KEYWORDS: dict[str, tuple[str, ...]] = {
    "jalan-rusak": ("lubang", "aspal", "trotoar", "jembatan"),
    "saluran-drainase": ("selokan", "saluran", "gorong", "drainase"),
    "banjir-genangan": ("banjir", "genangan", "tergenang"),
    "penerangan-jalan": ("pju", "penerangan", "lampu jalan"),
    "taman-rth": ("taman", "rth", "ayunan", "alun"),
    "sampah": ("sampah", "tps"),
    "pohon-tumbang": ("pohon", "ranting", "dahan"),
    "lampu-lalu-lintas": ("bangjo", "lampu merah", "rambu", "marka"),
    "parkir-liar": ("parkir", "jukir"),
    "ketertiban-umum": ("pkl", "reklame", "bising", "berisik"),
    "air-bersih": ("pdam", "air", "pipa"),
    "layanan-kesehatan": ("puskesmas", "rumah sakit", "bpjs", "fogging"),
    "adminduk": ("ktp", "kk", "akta", "dukcapil"),
    "bansos": ("bansos", "bantuan", "pkh", "miskin"),
    "pendidikan": ("sekolah", "ppdb", "guru", "beasiswa"),
    "bencana": ("longsor", "kebakaran", "roboh", "bencana"),
    "perizinan": ("izin", "pbg", "imb", "nib", "oss"),
    "integritas-pungli": ("pungli", "pungutan liar", "suap", "sogok", "pelicin"),
}


def first_keyword(text: str) -> str:
    """The category whose keyword appears first in the text; "lainnya" when none does."""
    plain = f" {normalise(text)} "
    best, position = "lainnya", len(plain)
    for category, words in KEYWORDS.items():
        for word in words:
            found = plain.find(f" {word}")
            if 0 <= found < position:
                best, position = category, found
    return best
