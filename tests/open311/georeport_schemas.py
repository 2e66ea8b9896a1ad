"""The shapes GeoReport v2 gives its objects, as JSON Schema, written by the team from the
specification's field list. The tests check against these always, and also against the
schemas in ../shared/open311-schemas when that folder is beside the project."""

from __future__ import annotations

from typing import Any


def _maybe(kind: str, **extra: Any) -> dict[str, Any]:
    return {"anyOf": [{"type": kind, **extra}, {"type": "null"}]}


SERVICE: dict[str, Any] = {
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": {"type": "string"},
        "service_name": {"type": "string"},
        "description": _maybe("string"),
        "metadata": {"type": "boolean"},
        "type": {"enum": ["realtime", "batch", "blackbox"]},
        "keywords": _maybe("string"),
        "group": _maybe("string"),
    },
}

SERVICE_DEFINITION: dict[str, Any] = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required", "order", "description"],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string"},
                    "datatype": {
                        "enum": [
                            "string",
                            "number",
                            "datetime",
                            "text",
                            "singlevaluelist",
                            "multivaluelist",
                        ]
                    },
                    "required": {"type": "boolean"},
                    "order": {"type": "integer"},
                    "description": {"type": "string"},
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}

REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": {"type": "string"},
        "status": {"enum": ["open", "closed"]},
        "status_notes": _maybe("string"),
        "service_name": _maybe("string"),
        "service_code": {"type": "string"},
        "description": _maybe("string", maxLength=4000),
        "agency_responsible": _maybe("string"),
        "service_notice": _maybe("string"),
        "requested_datetime": {"type": "string", "format": "date-time"},
        "updated_datetime": _maybe("string", format="date-time"),
        "expected_datetime": _maybe("string", format="date-time"),
        "address": _maybe("string"),
        "address_id": _maybe("string"),
        "zipcode": _maybe("string"),
        "lat": _maybe("number"),
        "long": _maybe("number"),
        "media_url": _maybe("string", format="uri"),
    },
}

OURS = {"service": SERVICE, "service-definition": SERVICE_DEFINITION, "request": REQUEST}
