"""Bahasa Indonesia first, English second: the default, the switch, a complete catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import balaikota

CATALOGUE = Path(balaikota.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.po"


def untranslated(po_text: str) -> list[str]:
    """msgids whose Indonesian msgstr is empty (plural forms count by their first form)."""
    missing = []
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        text = "\n".join(lines)
        if 'msgid ""\nmsgstr ""' in text and text.startswith('msgid ""'):
            continue  # the header
        if 'msgstr ""' in text and not any(
            line.startswith('"') for line in text.split('msgstr ""', 1)[1].splitlines()
        ):
            missing.append(text.split("\n", 1)[0])
    return missing


def test_every_message_has_an_indonesian_translation() -> None:
    assert CATALOGUE.exists()
    assert untranslated(CATALOGUE.read_text(encoding="utf-8")) == []


def test_no_translation_is_a_fuzzy_guess() -> None:
    # gettext ignores fuzzy entries: the page would show English.
    fuzzy = [
        line
        for line in CATALOGUE.read_text(encoding="utf-8").splitlines()
        if line.startswith("#,") and "fuzzy" in line
    ]
    assert fuzzy == []


@pytest.mark.django_db
def test_pages_speak_indonesian_by_default(settings: Any) -> None:
    settings.LANGUAGE_CODE = "id"
    page = Client().get("/lapor").content.decode()
    assert '<html lang="id">' in page
    assert "Report a problem" not in page


@pytest.mark.django_db
def test_the_language_switch_changes_to_english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "id"
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/lapor"})
    page = client.get("/lapor").content.decode()
    assert '<html lang="en">' in page
    assert "Report a problem" in page
