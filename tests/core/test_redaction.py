"""Personal data in what citizens write is hidden before anything is published, and the
details that make a complaint useful (RT/RW, amounts, times, distances, house numbers,
dates) stay. Pure functions: no database."""

from __future__ import annotations

import pytest

from balaikota.core.redaction import PLACEHOLDER, contains_personal_data, hide_values, redact

P = PLACEHOLDER


@pytest.mark.parametrize(
    "written",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "0812 345 678",
        "08123456789",
        "0812345678901",
        "+6281234567890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "+62 812-3456-7890",
        "+62 (812) 3456-7890",
        "6281234567890",
        "62 812 3456 7890",
        "081.234.567.890",
        "(0341) 551234",
        "0341-551234",
        "0341 551 234",
        "0341.551.234",
    ],
)
def test_a_phone_number_in_any_common_writing_is_hidden(written: str) -> None:
    assert redact(f"Tolong hubungi {written} kalau sudah diperbaiki.") == (
        f"Tolong hubungi {P} kalau sudah diperbaiki."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HP:081234567890, terima kasih", f"HP:{P}, terima kasih"),
        ("hp.081234567890.", f"hp.{P}."),
        ("WA 08123456789 ya", f"WA {P} ya"),
        ("HP081234567890 ya", f"HP{P} ya"),
        ("nomor saya\n0812 3456\n7890", f"nomor saya\n{P}"),
        ("Pak RT (0812-3456-7890) sudah tahu.", f"Pak RT ({P}) sudah tahu."),
    ],
)
def test_a_phone_number_next_to_punctuation_or_glued_to_a_word_is_hidden(
    text: str, expected: str
) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "address",
    [
        "budi.santoso@gmail.com",
        "BUDI@Example.CO.ID",
        "budi_s+rt05@mail.malangkota.go.id",
        "siti-aminah99@yahoo.co.id",
    ],
)
def test_an_email_address_is_hidden(address: str) -> None:
    assert redact(f"Balas ke {address}. Terima kasih") == f"Balas ke {P}. Terima kasih"


@pytest.mark.parametrize(
    "written",
    [
        "NIK 3573015807900001",
        "NIK: 3573 0158 0790 0001",
        "nik 3573.0158.0790.0001",
        "KK 3573012345670002",
        "No KK: 3573-0123-4567-0002",
        "NIK3573015807900001",
    ],
)
def test_a_nik_or_kk_number_is_hidden(written: str) -> None:
    hidden = redact(f"Data saya {written} untuk bansos.")
    assert "3573" not in hidden
    assert P in hidden


@pytest.mark.parametrize(
    "plate",
    ["N 1234 AB", "N1234AB", "N-1234-AB", "n 1234 ab", "L 12 XY", "AG 1234 ZZ", "DK 4321 FA"],
)
def test_a_vehicle_plate_is_hidden(plate: str) -> None:
    assert redact(f"Mobil {plate} parkir di trotoar tiap malam.") == (
        f"Mobil {P} parkir di trotoar tiap malam."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rek 1234567890", f"rek {P}"),
        ("rek. 1234567890", f"rek. {P}"),
        ("no rek 1234 5678 90", f"no rek {P}"),
        ("norek BCA 1234567890", f"norek BCA {P}"),
        ("rekening BRI 0034-01-012345-50-9", f"rekening BRI {P}"),
        ("No. Rekening Mandiri: 1440012345678", f"No. Rekening Mandiri: {P}"),
        ("rekening bank BNI 0123456789", f"rekening bank BNI {P}"),
    ],
)
def test_a_bank_account_after_rek_or_rekening_is_hidden(text: str, expected: str) -> None:
    assert redact(f"Petugas minta transfer ke {text} dulu.") == (
        f"Petugas minta transfer ke {expected} dulu."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nama saya Budi Santoso, warga RT 05", f"nama saya {P}, warga RT 05"),
        ("Nama saya Budi Santoso.", f"Nama saya {P}."),
        ("NAMA SAYA BUDI SANTOSO minta tolong", f"NAMA SAYA {P} minta tolong"),
        ("Saya bernama Siti Aminah.", f"Saya bernama {P}."),
        ("bernama Siti", f"bernama {P}"),
        ("atas nama Joko Widodo", f"atas nama {P}"),
        ("Atas nama Joko.", f"Atas nama {P}."),
        ("a.n. Siti Aminah", f"a.n. {P}"),
        ("A.n. Siti", f"A.n. {P}"),
        ("Nama: Budi Santoso, alamat Jl. Veteran", f"Nama: {P}, alamat Jl. Veteran"),
        ("tetangga saya Pak Slamet buang sampah", f"tetangga saya Pak {P} buang sampah"),
        ("rumah Bu Sri Wahyuni", f"rumah Bu {P}"),
        ("Mbak Rina dan Mas Anton", f"Mbak {P} dan Mas {P}"),
        ("Sdr. Andi", f"Sdr. {P}"),
        ("Bapak Haryanto dan Ibu Kartini", f"Bapak {P} dan Ibu {P}"),
        ("kata pak Slamet", f"kata pak {P}"),
        ("Pak SLAMET", f"Pak {P}"),
    ],
)
def test_a_name_after_an_introduction_is_hidden(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "post",
    ["Pak RT 05", "Bu Lurah", "Pak Camat", "PAK RT", "Bu Bidan", "Nama saya Ketua RT"],
)
def test_a_post_after_pak_or_bu_is_not_a_name(post: str) -> None:
    assert redact(f"Sudah lapor ke {post} tapi belum ada tindakan.") == (
        f"Sudah lapor ke {post} tapi belum ada tindakan."
    )


@pytest.mark.parametrize(
    "detail",
    [
        "RT 05 RW 03",
        "RT 05/RW 03",
        "RT.05 RW.03",
        "RT 5 RW 3 no 12",
        "Rp 625.000.000",
        "Rp625.000.000",
        "Rp. 1.500.000",
        "anggaran 6.250.000.000 rupiah",
        "jam 08.00-10.00",
        "pukul 08.00 - 10.00 WIB",
        "jam 7 pagi",
        "km 5",
        "KM 12",
        "Jl. Veteran No. 12",
        "no. 12A",
        "rumah nomor 45",
        "Gg. 5",
        "gang 3",
        "tanggal 12-10-2026",
        "12/10/2026",
        "tahun 2026",
        "sejak 2019",
        "sudah 30 hari",
        "2 minggu",
        "3 kali",
        "100 meter",
        "kedalaman 50 cm",
        "tinggi 2.5 m",
        "kode pos 65145",
        "lampu PJU no 1234",
        "tiang listrik nomor 0341",
        "nomor tiket SBT-ABCD1234",
    ],
)
def test_details_that_make_a_complaint_useful_are_not_hidden(detail: str) -> None:
    text = f"Jalan rusak di {detail}, mohon segera diperbaiki."
    assert redact(text) == text
    assert not contains_personal_data(text)


def test_a_whole_complaint_keeps_its_details_and_loses_its_personal_data() -> None:
    # given: the way people really write
    text = (
        "Nama saya Sulistyowati Rahayu, warga RT 05 RW 03. Jalan di depan rumah no. 12 "
        "berlubang sejak 12-10-2026, dalamnya 30 cm, sudah 3 motor jatuh jam 08.00-10.00. "
        "Katanya anggaran Rp 625.000.000 sudah turun. Mobil N 1234 AB milik Pak Bambang "
        "parkir di situ. Hubungi 0812-3456-7890 atau +62 812 3456 7890, sulis@contoh.id, "
        "NIK 3573015807900001."
    )

    # when
    public = redact(text)

    # then
    for personal in ("Sulistyowati", "Bambang", "N 1234 AB", "sulis@", "3573015807900001"):
        assert personal not in public
    assert "3456" not in public
    for detail in ("RT 05 RW 03", "no. 12", "12-10-2026", "30 cm", "3 motor", "08.00-10.00"):
        assert detail in public
    assert "Rp 625.000.000" in public
    assert contains_personal_data(text)


def test_the_reporters_own_contact_is_hidden_however_it_is_written() -> None:
    known = ["Sulistyowati Rahayu", "+6281234567890", "sulis@contoh.id", "3573015807900001"]

    public = redact(
        "Saya Sulistyowati, nomor 0812 3456 7890, atau SULISTYOWATI di 62-812-3456-7890.",
        known,
    )

    assert public == f"Saya {P}, nomor {P}, atau {P} di {P}."


def test_hide_values_hides_only_the_given_values() -> None:
    text = "Hubungi Budi di 081234567890 atau Pak Slamet di 081298765432."

    assert hide_values(text, ["Budi", "081234567890"]) == (
        f"Hubungi {P} di {P} atau Pak Slamet di 081298765432."
    )
