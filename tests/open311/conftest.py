from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from balaikota.complaints.models import Category, CategoryAttribute
from balaikota.open311 import services
from balaikota.open311.models import ApiClient
from tests.open311 import georeport_schemas
from tests.peers import smtp_server, unused_port, webhook_receiver

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "open311-schemas"


@pytest.fixture
def conforms() -> Callable[[Any, str], None]:
    """Validates a GeoReport v2 object against the team's schema of it and, when
    ../shared/open311-schemas is beside the project, against the shared one too."""

    def check(document: Any, name: str) -> None:
        jsonschema.validate(document, georeport_schemas.OURS[name])
        shared = SCHEMAS / f"{name}.json"
        if shared.exists():
            jsonschema.validate(document, json.loads(shared.read_text()))

    return check


@pytest.fixture
def api_key(city: None) -> str:
    _client, key = services.create_client(name="Malang Bersuara", organisation="Komunitas Ngalam")
    return key


@pytest.fixture
def client_row(api_key: str) -> ApiClient:
    return ApiClient.objects.get(name="Malang Bersuara")


@pytest.fixture
def tree_question(city: None) -> CategoryAttribute:
    """A required question of the parks category: is the park gate locked?"""
    return CategoryAttribute.objects.create(
        category=Category.objects.get(slug="taman-rth"),
        code="blocks-road",
        datatype="singlevaluelist",
        required=True,
        description="Apakah pohon menutup jalan?",
        description_en="Does the tree block the road?",
        values=[{"key": "yes", "name": "Ya"}, {"key": "no", "name": "Tidak"}],
    )


__all__ = ["smtp_server", "unused_port", "webhook_receiver"]
