"""Whatever a client sends, the Open311 API answers with a result or a spec error, never a
server error."""

from __future__ import annotations

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PATHS = [
    "discovery.json",
    "services.xml",
    "services/jalan-rusak.json",
    "requests.json",
    "requests.xml",
    "requests/SBT-AAAAAAAA.json",
    "tokens/abc.xml",
    "servicerequestupdates.json",
]
NAMES = st.sampled_from(
    [
        "api_key",
        "jurisdiction_id",
        "service_code",
        "service_request_id",
        "start_date",
        "end_date",
        "status",
        "page",
        "page_size",
        "extensions",
        "lat",
        "long",
        "description",
        "media_url",
        "address_string",
        "email",
        "phone",
        "attribute[ukuran]",
        "attribute[]",
        "attribute[x][]",
    ]
)
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "nan",
            "inf",
            "-1",
            "0",
            "99999999999999999999",
            "2026-13-45",
            "closed",
            "0001-01-01",
            "9999-12-31",
        ]
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(PATHS),
    params=st.dictionaries(NAMES, VALUES, max_size=6),
    post=st.booleans(),
)
def test_any_parameters_get_an_answer_below_500(
    client: Client, api_key: str, path: str, params: dict[str, str], post: bool
) -> None:
    clean = {k: v.replace("\x00", "") for k, v in params.items()}
    if post and path.startswith("requests."):
        clean.setdefault("api_key", api_key)
        response = client.post(f"/open311/v2/{path}", clean)
    else:
        response = client.get(f"/open311/v2/{path}", clean)

    assert response.status_code < 500, response.content
