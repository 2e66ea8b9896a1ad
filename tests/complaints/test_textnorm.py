"""How Malang writes: chat abbreviations, Javanese and emphasis all read as one form."""

from __future__ import annotations

import pytest

from balaikota.complaints.textnorm import normalise


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Jln rusak gk ada yg benerin", "jalan rusak tidak ada yang benerin"),
        ("banyu ndak ngalir nang omah", "air tidak ngalir di rumah"),
        ("motor2 jatuh", "motor motor jatuh"),
        ("TOLOOONG!!!", "toloong"),
        ("dalan bolong wis suwe", "jalan lubang sudah suwe"),
        ("Jl. Soekarno–Hatta", "jalan soekarno hatta"),
    ],
)
def test_spellings_are_read_as_one_form(written: str, read: str) -> None:
    assert normalise(written) == read
