"""Request bodies are refused over their cap before they are read, in the endpoint's format."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_caps(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 10_000
    settings.UPLOAD_MAX_BYTES = 50_000


def _georeport_errors(response: Any) -> list[dict[str, Any]]:
    assert response["Content-Type"].startswith("application/json")
    return list(json.loads(response.content))


@pytest.mark.django_db
@pytest.mark.usefixtures("small_caps")
def test_open311_body_over_the_cap_is_a_georeport_error_in_json(client: Client) -> None:
    response = client.post(
        "/open311/v2/requests.json",
        data="description=" + "x" * 20_000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    [error] = _georeport_errors(response)
    assert error["code"] == 413
    assert "too large" in error["description"]
    assert "0.01 MB" in error["description"]


@pytest.mark.django_db
@pytest.mark.usefixtures("small_caps")
def test_open311_body_over_the_cap_is_a_georeport_error_in_xml(client: Client) -> None:
    response = client.post(
        "/open311/v2/requests.xml",
        data="description=" + "x" * 20_000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "413"
    assert "too large" in (root.findtext("error/description") or "")


@pytest.mark.django_db
@pytest.mark.usefixtures("small_caps")
def test_api_body_over_the_cap_is_json_with_a_detail(client: Client) -> None:
    response = client.post(
        "/api/v1/complaints", data={"text": "x" * 60_000}, content_type="application/json"
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.usefixtures("small_caps")
def test_report_form_over_the_cap_is_a_page_of_the_site(client: Client) -> None:
    photo = ("big.jpg", b"\xff\xd8" + b"0" * 60_000)
    response = client.post("/lapor", {"text": "Jalan rusak", "photos": [_file(*photo)]})
    assert response.status_code == 413
    page = response.content.decode()
    assert 'id="endpoint-error"' in page
    assert "at most 0.05 MB can be sent here" in page
    assert "SAMBAT" in page  # the site's layout, not Django's bare error page


def _file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.mark.django_db
@pytest.mark.usefixtures("small_caps")
def test_a_photo_form_may_be_larger_than_a_plain_body(client: Client) -> None:
    """Multipart bodies have the upload cap: 20 KB passes the cap (and fails as no photo)."""
    response = client.post(
        "/open311/v2/requests.json",
        {"description": "x", "media": _file("a.jpg", b"0" * 20_000)},
    )
    assert response.status_code != 413


@pytest.mark.django_db
def test_more_than_a_thousand_fields_is_a_georeport_error(client: Client) -> None:
    body = "&".join(f"f{n}=1" for n in range(1001))
    response = client.post(
        "/open311/v2/requests.json", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    [error] = _georeport_errors(response)
    assert "too many fields" in error["description"]
    assert "1000" in error["description"]


@pytest.mark.django_db
def test_more_than_a_thousand_fields_on_the_api_is_json(client: Client) -> None:
    body = "&".join(f"f{n}=1" for n in range(1001))
    response = client.post(
        "/api/v1/complaints", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "too many fields" in response.json()["detail"]


@pytest.mark.django_db
def test_form_fields_over_django_s_memory_limit_are_413_in_the_endpoint_format(
    client: Client, settings: Any
) -> None:
    """Field data past DATA_UPLOAD_MAX_MEMORY_SIZE inside a multipart body within the cap."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client.post("/open311/v2/requests.json", {"description": "x" * 5_000})
    assert response.status_code == 413
    [error] = _georeport_errors(response)
    assert "too large" in error["description"]


def _connect(live_server: Any) -> http.client.HTTPConnection:
    address = urlsplit(live_server.url)
    return http.client.HTTPConnection(address.hostname, address.port, timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_declared_300_mb_body_is_refused_before_it_is_sent(live_server: Any) -> None:
    # given a client that announces 300 MB and sends only the first kilobyte
    connection = _connect(live_server)
    connection.putrequest("POST", "/open311/v2/requests.json")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(300 * 1024 * 1024))
    connection.endheaders()
    connection.send(b"description=" + b"x" * 1000)
    # when it waits for the answer
    started = time.monotonic()
    response = connection.getresponse()
    # then the answer comes at once, as a GeoReport error
    assert time.monotonic() - started < 5
    assert response.status == 413
    assert json.loads(response.read())[0]["code"] == 413
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_the_server_cannot_read_is_refused_at_once(live_server: Any) -> None:
    """Django's development server does not decode chunked bodies: the app would see an
    empty body, so it refuses the request instead, before the rest is sent."""
    connection = _connect(live_server)
    connection.putrequest("POST", "/open311/v2/requests.xml")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    connection.send(b"400\r\n" + b"x" * 1024 + b"\r\n")
    response = connection.getresponse()
    assert response.status == 411
    assert ET.fromstring(response.read()).findtext("error/code") == "411"
    connection.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    """The production server, which decodes chunked bodies itself (`wsgi.input_terminated`),
    with production settings (DEBUG off: Django's refusals go to the handler400)."""
    port, secret = _free_port(), secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: the test talks to gunicorn directly, without TLS.
        "ALLOW_INSECURE_HTTP": "true",
        "EMAIL_BACKEND_KIND": "none",
        "VAR_DIR": str(tmp_path_factory.mktemp("gunicorn-var")),
        "GATEWAY_SECRET": secret,
        "REQUEST_MAX_BYTES": "100000",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    # Its own SQLite database: the gateway's rate limit counts in it.
    subprocess.run(
        [str(Path(sys.executable).parent / "balaikota"), "migrate", "--noinput"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "balaikota.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.2)
        yield port, secret
    finally:
        server.terminate()
        server.wait(timeout=10)


def _chunked_post(port: int, secret: str, chunks: Iterator[bytes]) -> tuple[int, bytes, int]:
    """POSTs the chunks until the server stops reading; the answer and the bytes sent."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("POST", "/gateway/pesan")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Authorization", f"Bearer {secret}")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.putheader("Accept-Language", "en")
    connection.endheaders()
    sent = 0
    try:
        for chunk in chunks:
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        connection.send(b"0\r\n\r\n")
    except OSError:
        pass  # the server has answered and closed the connection: it reads no more
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, sent


def test_a_chunked_body_over_the_cap_is_cut_off(gunicorn: tuple[int, str]) -> None:
    port, secret = gunicorn

    def fifty_megabytes() -> Iterator[bytes]:
        for _n in range(800):
            yield b" " * 65_536

    status, body, sent = _chunked_post(port, secret, fifty_megabytes())
    assert status == 413
    assert json.loads(body) == {
        "ok": False,
        "error": "The request is too large: at most 0.1 MB can be sent here.",
    }
    assert sent < 50 * 1024 * 1024


def test_a_chunked_body_within_the_cap_is_read(gunicorn: tuple[int, str]) -> None:
    port, secret = gunicorn
    status, body, _sent = _chunked_post(port, secret, iter([b"[", b" " * 50_000, b"]"]))
    # The gateway got the whole body: a JSON array, not the object it wants.
    assert status == 400
    assert json.loads(body) == {"ok": False, "error": "send a JSON object"}


@pytest.mark.django_db
@pytest.mark.usefixtures("small_caps")
def test_the_refusal_speaks_the_citizens_language(client: Client) -> None:
    response = client.post(
        "/lapor",
        data="text=" + "x" * 20_000,
        content_type="application/x-www-form-urlencoded",
        headers={"accept-language": "id"},
    )
    assert response.status_code == 413
    assert "Kiriman terlalu besar: paling banyak 0,01 MB dapat dikirim di sini." in (
        response.content.decode()
    )
