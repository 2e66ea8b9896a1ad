"""/api/v1 keeps to its OpenAPI document: every operation in the document, called with
values its schemas allow and with hostile ones, by nobody and by a signed-in official,
answers only statuses the document declares for it, with a body that matches the schema
declared for that status. Values the document calls valid are not refused for their form
(what a 422 or a 400 names must be something the document said was wrong, or a fact of
the city such as an unknown category or a point outside it).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from balaikota.api.views import api
from tests.conftest import SUMBERSARI, Cast, submit

pytestmark = pytest.mark.django_db

DOCUMENT: dict[str, Any] = json.loads(json.dumps(api.get_openapi_schema()))
OPERATIONS = [
    (path, method, operation)
    for path, methods in sorted(DOCUMENT["paths"].items())
    for method, operation in sorted(methods.items())
]

HOSTILE_TEXT = st.sampled_from(
    ["", "\x00", "a\x00b", "9" * 40, "-1", "1e999", "inf", "nan", "x" * 6000, "𝟗", "1,2"]
)
HOSTILE_JSON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    HOSTILE_TEXT,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def valid(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the document calls valid (enough of JSON Schema for this API's documents)."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        return st.one_of([valid(option) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "number":
        return st.floats(
            min_value=schema.get("minimum"),
            max_value=schema.get("maximum"),
            allow_nan=False,
            allow_infinity=False,
        )
    if kind == "integer":
        return st.integers(
            min_value=schema.get("minimum", -(2**31)), max_value=schema.get("maximum", 2**31)
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        if schema.get("items", {}).get("format") == "binary":
            return st.just([])
        return st.lists(valid(schema.get("items", {})), max_size=min(3, schema.get("maxItems", 3)))
    if kind == "object":
        return st.fixed_dictionaries(
            {name: valid(sub) for name, sub in schema.get("properties", {}).items()}
        )
    if "pattern" in schema:
        return st.from_regex(schema["pattern"]).filter(
            lambda text: schema.get("minLength", 0) <= len(text) <= schema.get("maxLength", 10**6)
        )
    return st.text(
        min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 30), 30)
    )


def value(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.one_of(valid(schema), HOSTILE_JSON)


def _as_text(item: Any) -> str:
    return item if isinstance(item, str) else json.dumps(item)


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": DOCUMENT["components"]})


def _check(path: str, method: str, operation: dict[str, Any], response: Any) -> list[str]:
    """What is wrong with `response` by the document; nothing when it keeps to it."""
    status = response.status_code
    declared = operation["responses"].get(str(status)) or operation["responses"].get(status)
    where = f"{method.upper()} {path} -> {status}"
    if declared is None:
        return [f"{where}: not declared ({sorted(operation['responses'])})"]
    schema = declared.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return []
    if "json" not in response.get("Content-Type", ""):
        return [f"{where}: {response.get('Content-Type')} instead of JSON"]
    errors = [e.message for e in _validator(schema).iter_errors(response.json())]
    return [f"{where}: {message[:300]}" for message in errors[:3]]


def _request(
    data: st.DataObject, client: Client, path: str, method: str, operation: dict[str, Any]
) -> Any:
    url = path
    query: dict[str, str] = {}
    for parameter in operation.get("parameters", []):
        drawn = data.draw(value(parameter["schema"]), label=parameter["name"])
        if parameter["in"] == "path":
            # An empty segment, or one with a slash, addresses another URL (the site's 404,
            # not this operation's).
            drawn = _as_text(drawn).replace("/", "_") or "0"
            url = url.replace("{" + parameter["name"] + "}", quote(_as_text(drawn), safe=""))
        elif parameter.get("required") or data.draw(st.booleans()):
            query[parameter["name"]] = _as_text(drawn)
    if data.draw(st.booleans(), label="unknown parameter"):
        query["nama_asing"] = "x"
    body = operation.get("requestBody", {}).get("content", {})
    if method == "get" or not body:
        return getattr(client, method)(url, query)
    url += "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query.items()) if query else ""
    if "application/json" in body:
        payload = data.draw(value(body["application/json"]["schema"]), label="body")
        return client.post(url, json.dumps(payload), content_type="application/json")
    schema = _resolve(next(iter(body.values()))["schema"])
    form = {
        name: _as_text(data.draw(value(sub), label=name))
        for name, sub in schema.get("properties", {}).items()
        if _resolve(sub).get("format") != "binary" and "items" not in sub
    }
    return client.post(url, {k: v for k, v in form.items() if v != "null"})


@pytest.fixture
def callers(cast: Cast) -> list[Client]:
    submit()
    official = Client()
    official.force_login(cast.mayor_office)
    return [Client(raise_request_exception=False), official]


@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_every_answer_is_declared_and_matches_its_schema(
    callers: list[Client], data: st.DataObject
) -> None:
    problems: list[str] = []
    for path, method, operation in OPERATIONS:
        for client in callers:
            response = _request(data, client, path, method, operation)
            problems += _check(path, method, operation, response)

    assert not problems, "\n".join(sorted(set(problems)))


def test_every_operation_declares_the_shared_answers() -> None:
    for _path, _method, operation in OPERATIONS:
        declared = {int(status) for status in operation["responses"]}
        assert {400, 429, 503} <= declared
        if operation.get("parameters") or operation.get("requestBody"):
            assert 422 in declared
        if operation.get("requestBody"):
            assert 413 in declared


def _form_schema() -> dict[str, Any]:
    body = DOCUMENT["paths"]["/api/v1/complaints"]["post"]["requestBody"]["content"]
    return body["multipart/form-data"]["schema"]


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("text", ""),
        ("text", "pendek"),
        ("text", "          "),
        ("lat", 91),
        ("lon", -181),
        ("nik", "12345"),
        ("phone", "0812"),
        ("email", "x" * 300),
    ],
)
def test_what_intake_refuses_the_document_calls_invalid(field: str, bad: Any) -> None:
    form = {"text": "Jalan berlubang di depan sekolah.", "lat": SUMBERSARI[0]}

    errors = list(_validator(_form_schema()).iter_errors(form | {field: bad}))

    assert errors, f"{field}={bad!r} is refused by the API but valid by its document"


def test_what_the_document_calls_valid_intake_takes(cast: Cast) -> None:
    form = {
        "text": "  Jalan berlubang di depan sekolah.  ",
        "lat": SUMBERSARI[0],
        "lon": SUMBERSARI[1],
        "nik": "3573010101010001",
        "phone": "0812-3456-7890",
        "email": "warga@example.test",
        "category": "jalan-rusak",
    }
    assert not list(_validator(_form_schema()).iter_errors(form))

    response = Client().post("/api/v1/complaints", form)

    assert response.status_code == 201, response.json()
