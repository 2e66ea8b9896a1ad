"""Kota Malang's demo: agencies, categories and routing rules (names are public facts)."""

from __future__ import annotations

# (code, short name, Indonesian name, English name, kind, kecamatan code or "")
AGENCIES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("setda", "Setda", "Sekretariat Daerah Kota Malang", "City Secretariat", "secretariat", ""),
    ("dpupr", "DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang",
     "Public Works and Spatial Planning Agency", "dinas", ""),
    ("disperkim", "Disperkim", "Dinas Perumahan dan Kawasan Permukiman",
     "Housing and Settlements Agency", "dinas", ""),
    ("dlh", "DLH", "Dinas Lingkungan Hidup", "Environment Agency", "dinas", ""),
    ("dishub", "Dishub", "Dinas Perhubungan", "Transport Agency", "dinas", ""),
    ("satpolpp", "Satpol PP", "Satuan Polisi Pamong Praja", "Civil Service Police Unit",
     "satpol", ""),
    ("dinkes", "Dinkes", "Dinas Kesehatan", "Health Agency", "dinas", ""),
    ("dispendukcapil", "Dispendukcapil", "Dinas Kependudukan dan Pencatatan Sipil",
     "Population and Civil Registration Agency", "dinas", ""),
    ("dinsos", "Dinsos", "Dinas Sosial", "Social Affairs Agency", "dinas", ""),
    ("disdikbud", "Disdikbud", "Dinas Pendidikan dan Kebudayaan",
     "Education and Culture Agency", "dinas", ""),
    ("bpbd", "BPBD", "Badan Penanggulangan Bencana Daerah", "Disaster Management Agency",
     "badan", ""),
    ("dpmptsp", "DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
     "Investment and One-Stop Permit Service Agency", "dinas", ""),
    ("tugutirta", "Tugu Tirta", "Perumda Air Minum Tugu Tirta",
     "Tugu Tirta Municipal Water Company", "enterprise", ""),
    ("diskominfo", "Diskominfo", "Dinas Komunikasi dan Informatika",
     "Communication and Informatics Agency", "dinas", ""),
    ("kec-blimbing", "Kec. Blimbing", "Kecamatan Blimbing", "Blimbing District Office",
     "district", "35.73.01"),
    ("kec-klojen", "Kec. Klojen", "Kecamatan Klojen", "Klojen District Office", "district",
     "35.73.02"),
    ("kec-kedungkandang", "Kec. Kedungkandang", "Kecamatan Kedungkandang",
     "Kedungkandang District Office", "district", "35.73.03"),
    ("kec-sukun", "Kec. Sukun", "Kecamatan Sukun", "Sukun District Office", "district",
     "35.73.04"),
    ("kec-lowokwaru", "Kec. Lowokwaru", "Kecamatan Lowokwaru", "Lowokwaru District Office",
     "district", "35.73.05"),
)

# (slug, Indonesian name, English name, Indonesian description, English description,
#  agency code or "" for area-based, location required)
CATEGORIES: tuple[tuple[str, str, str, str, str, str, bool], ...] = (
    ("jalan-rusak", "Jalan rusak", "Damaged road",
     "Jalan berlubang, aspal rusak, trotoar, jembatan",
     "Potholes, road surface, sidewalks, bridges", "dpupr", True),
    ("saluran-drainase", "Saluran & drainase", "Drains and gutters",
     "Selokan, gorong-gorong, tutup saluran, limbah",
     "Drains, gutters, culverts, manhole covers, sewage", "dpupr", True),
    ("banjir-genangan", "Banjir & genangan", "Flooding and standing water",
     "Genangan air atau banjir yang bukan keadaan darurat",
     "Flooding or standing water, not an emergency", "dpupr", True),
    ("penerangan-jalan", "Penerangan jalan", "Street lights",
     "Lampu PJU mati, berkedip atau rusak", "Street lights out, flickering or broken",
     "disperkim", True),
    ("taman-rth", "Taman & RTH", "Parks and green spaces",
     "Taman, ruang terbuka hijau, tempat bermain", "Parks, green spaces, playgrounds",
     "dlh", True),
    ("sampah", "Sampah", "Garbage", "Sampah menumpuk, TPS penuh, buang atau bakar sampah",
     "Garbage, full collection points, dumping, burning", "dlh", True),
    ("pohon-tumbang", "Pohon tumbang", "Fallen trees",
     "Pohon tumbang atau membahayakan, perantingan", "Fallen or dangerous trees, pruning",
     "dlh", True),
    ("lampu-lalu-lintas", "Lampu & rambu lalu lintas", "Traffic lights and signs",
     "Lampu lalu lintas, rambu, marka jalan", "Traffic lights, traffic signs and markings",
     "dishub", True),
    ("parkir-liar", "Parkir liar", "Illegal parking", "Parkir liar dan juru parkir liar",
     "Illegal parking and parking attendants", "dishub", True),
    ("ketertiban-umum", "Ketertiban umum", "Public order",
     "PKL menutup jalan, bangunan tanpa izin, reklame liar, kebisingan",
     "Street vendors blocking the way, unpermitted buildings, illegal billboards, noise",
     "satpolpp", True),
    ("air-bersih", "Air bersih (PDAM)", "Piped water",
     "Air mati, tekanan lemah, pipa bocor, kualitas, tagihan",
     "Outages, pressure, leaks, quality, bills", "tugutirta", True),
    ("layanan-kesehatan", "Layanan kesehatan", "Health services",
     "Puskesmas, rumah sakit, BPJS di fasilitas, fogging DBD",
     "Puskesmas and hospital service, BPJS at facilities, dengue fogging", "dinkes", False),
    ("adminduk", "Administrasi kependudukan", "Civil registration",
     "KTP-el, KK, akta kelahiran dan kematian", "ID cards, family cards, birth and death "
     "certificates", "dispendukcapil", False),
    ("bansos", "Bantuan sosial", "Social assistance",
     "Bansos, keluarga miskin, orang terlantar",
     "Social assistance, poor households, neglected people", "dinsos", False),
    ("pendidikan", "Pendidikan", "Education", "Sekolah, PPDB, biaya, beasiswa",
     "Schools, admission, fees, scholarships", "disdikbud", False),
    ("bencana", "Bencana & keadaan darurat", "Disasters and emergencies",
     "Tanah longsor, bangunan roboh, kebakaran, banjir berbahaya",
     "Landslides, collapses, fires, dangerous floods, emergencies", "bpbd", True),
    ("perizinan", "Perizinan", "Permits", "Izin usaha dan bangunan, layanan perizinan",
     "Business and building permits, permit service", "dpmptsp", False),
    ("lainnya", "Lainnya", "Other", "Masalah lain di lingkungan Anda",
     "Anything else", "", False),
)

# Sample complaints: (category slug, kelurahan code, text, how far it has gone)
SAMPLES: tuple[tuple[str, str, str, str], ...] = (
    ("jalan-rusak", "35.73.05.1005", "Jalan di depan gang 3 berlubang dalam, sudah dua motor "
     "jatuh minggu ini.", "in_progress"),
    ("jalan-rusak", "35.73.04.1005", "Aspal Jl. Sudanco Supriadi mengelupas sepanjang 20 meter, "
     "berbahaya kalau malam.", "assigned"),
    ("saluran-drainase", "35.73.01.1008", "Selokan tersumbat sampah, air meluber ke jalan "
     "setiap hujan.", "resolved"),
    ("banjir-genangan", "35.73.02.1006", "Genangan setinggi mata kaki di perempatan setiap "
     "sore, tidak surut sampai malam.", "assigned"),
    ("penerangan-jalan", "35.73.03.1008", "Lampu PJU di Jl. Danau Toba mati tiga titik, "
     "jalan gelap sekali.", "closed"),
    ("taman-rth", "35.73.02.1011", "Ayunan di taman bermain patah, anak-anak bisa terluka.",
     "in_progress"),
    ("sampah", "35.73.03.1002", "TPS di dekat pasar penuh sejak tiga hari, bau menyengat.",
     "assigned"),
    ("pohon-tumbang", "35.73.05.1004", "Dahan pohon besar retak menggantung di atas trotoar "
     "dekat halte.", "resolved"),
    ("lampu-lalu-lintas", "35.73.01.1005", "Lampu merah di simpang Blimbing mati sejak pagi, "
     "lalu lintas semrawut.", "in_progress"),
    ("parkir-liar", "35.73.02.1001", "Parkir liar memakan separuh jalan di depan pertokoan, "
     "macet tiap sore.", "assigned"),
    ("ketertiban-umum", "35.73.04.1006", "Lapak PKL menutup trotoar sehingga pejalan kaki "
     "harus turun ke jalan.", "submitted"),
    ("air-bersih", "35.73.03.1009", "Air PDAM tidak mengalir tiga hari di RT 04 RW 02.",
     "in_progress"),
    ("bencana", "35.73.03.1003", "Tebing di belakang rumah warga longsor sebagian, "
     "khawatir longsor lagi kalau hujan.", "assigned"),
    ("jalan-rusak", "35.73.05.1002", "Jembatan kecil di gang masuk kampung papannya lapuk.",
     "rejected"),
    ("sampah", "35.73.04.1009", "Ada yang membakar sampah plastik tiap malam, asapnya masuk "
     "rumah.", "closed"),
    ("lainnya", "35.73.01.1011", "Tembok kampung warna-warni Jodipan catnya banyak "
     "mengelupas, mohon perhatian.", "assigned"),
    ("saluran-drainase", "35.73.05.1012", "Tutup gorong-gorong hilang di tepi jalan, lubang "
     "menganga.", "submitted"),
    ("penerangan-jalan", "35.73.04.1004", "Lampu jalan berkedip terus di depan masjid.",
     "assigned"),
)
