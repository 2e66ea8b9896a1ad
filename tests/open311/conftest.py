from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from balaikota.complaints.models import Category, CategoryAttribute
from balaikota.open311 import services
from balaikota.open311.models import ApiClient
from tests.peers import smtp_server, unused_port, webhook_receiver

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "open311-schemas"


@pytest.fixture
def schema() -> Any:
    """The GeoReport v2 JSON schemas, when ../shared is beside the project."""
    if not SCHEMAS.exists():
        pytest.skip("../shared/open311-schemas is not beside the project")
    return lambda name: json.loads((SCHEMAS / f"{name}.json").read_text())


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
