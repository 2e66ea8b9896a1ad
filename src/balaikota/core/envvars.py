"""The one declared schema of Balaikota's environment variables.

Every setting read from the environment is declared here with its type, default and
meaning, so that `.env.example`, the README and `settings.py` cannot drift apart.
A variable NAME may also be given as NAME_FILE, the path of a file holding the value
(for secrets mounted by an orchestrator).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Var:
    name: str
    default: str
    help: str
    secret: bool = False


SCHEMA: tuple[Var, ...] = (
    Var("DEBUG", "false", "Development mode. Never on in production."),
    Var(
        "SECRET_KEY",
        "",
        "Signing key for sessions and tokens. Required when DEBUG is off: at least 50 "
        "characters, no repeated pattern, about 128 bits of randomness or more "
        "(`secrets.token_urlsafe(48)`).",
        secret=True,
    ),
    Var("ALLOWED_HOSTS", "", "Comma-separated host names served. Required when DEBUG is off."),
    Var("CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://host) behind a proxy."),
    Var("VAR_DIR", "var", "Folder for the SQLite database, queue, uploads and model files."),
    Var(
        "DATABASE_URL",
        "",
        "postgres://user:pass@host:5432/name for PostgreSQL; empty for SQLite in VAR_DIR.",
        secret=True,
    ),
    Var(
        "DATABASE_BUSY_TIMEOUT",
        "5",
        "Seconds a write waits for a busy SQLite database before the request is answered "
        "503 with Retry-After.",
    ),
    Var("REDIS_URL", "", "redis://host:6379/0 for the task queue and cache; empty for SQLite."),
    Var(
        "S3_BUCKET",
        "",
        "Bucket of an S3-compatible object store for the public copies of photos (under "
        "public/); setting it moves every stored file there. Empty: files under VAR_DIR.",
    ),
    Var(
        "S3_PRIVATE_BUCKET",
        "",
        "Bucket for the private files (uploads as received, staff copies, check-in "
        "evidence, under private/), never readable without credentials; empty: S3_BUCKET.",
    ),
    Var(
        "S3_ENDPOINT_URL",
        "",
        "Address of the object store's S3 API (https://s3.example.go.id); empty: AWS S3.",
    ),
    Var("S3_REGION", "", "Region of the buckets (empty: the store's default)."),
    Var(
        "S3_ACCESS_KEY_ID",
        "",
        "Access key of the object store; empty: boto3's own (environment, instance role).",
        secret=True,
    ),
    Var("S3_SECRET_ACCESS_KEY", "", "Secret key of the object store.", secret=True),
    Var(
        "S3_PUBLIC_URL",
        "",
        "Base URL the public copies are served from (a CDN or custom domain in front of "
        "S3_BUCKET); empty: S3_ENDPOINT_URL/S3_BUCKET.",
    ),
    Var("WORKERS", "2", "Threads of the default queue (outbox, forwards, periodic jobs)."),
    Var("PHOTO_WORKERS", "2", "Threads of the photos queue (re-encoding uploads)."),
    Var("WEB_CONCURRENCY", "3", "Web server processes started by `balaikota serve`."),
    Var("WEB_THREADS", "4", "Threads of each web server process started by `balaikota serve`."),
    Var(
        "WORKER_NICE",
        "10",
        "How much lower the CPU priority of the workers started by `balaikota serve` is than "
        "the web's (0-19; 0: the same): on one machine the web answers first, and the "
        "background work takes the CPU it leaves.",
    ),
    Var(
        "EMAIL_BACKEND_KIND",
        "",
        "How e-mail leaves: smtp (through EMAIL_HOST), file (files under VAR_DIR/mail, removed "
        "after RETENTION_OUTBOX_DAYS) or none (no e-mail). Empty: smtp when EMAIL_HOST is set, "
        "file when DEBUG is on; otherwise `balaikota serve` refuses to start. Never the log.",
    ),
    Var("EMAIL_HOST", "", "SMTP server e-mail is sent through."),
    Var("EMAIL_PORT", "25", "SMTP port."),
    Var("EMAIL_HOST_USER", "", "SMTP user name."),
    Var("EMAIL_HOST_PASSWORD", "", "SMTP password.", secret=True),
    Var("EMAIL_USE_TLS", "false", "STARTTLS on the SMTP connection."),
    Var("DEFAULT_FROM_EMAIL", "SAMBAT Kota Malang <sambat@localhost>", "Sender of e-mails."),
    Var("PORT", "8000", "Port that `make demo` and `make serve` listen on."),
    Var(
        "SITE_URL",
        "",
        "Public base URL used in links in e-mails. Empty: http://127.0.0.1:$PORT, the port "
        "`make demo` serves on (8000 unless PORT is set). With DEBUG off it must be https:// "
        "(HSTS, redirect to HTTPS, Secure cookies) unless ALLOW_INSECURE_HTTP is true.",
    ),
    Var(
        "ALLOW_INSECURE_HTTP",
        "false",
        "Start with DEBUG off and an http:// SITE_URL (a closed test network or a benchmark "
        "only): sessions and passwords then cross the network unencrypted.",
    ),
    Var(
        "HSTS_SECONDS",
        "31536000",
        "How long browsers keep to HTTPS after a visit (Strict-Transport-Security max-age), "
        "with an https SITE_URL and DEBUG off; 0 sends no HSTS header.",
    ),
    Var(
        "HSTS_INCLUDE_SUBDOMAINS",
        "true",
        "HSTS covers the subdomains of the site's host name too.",
    ),
    Var(
        "HSTS_PRELOAD",
        "false",
        "Ask browsers to preload HSTS for the host; only for the owner of the whole domain, "
        "after submitting it to hstspreload.org.",
    ),
    Var("CITY_NAME", "Kota Malang", "The city this installation serves."),
    Var(
        "MAP_TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map tile URL template; empty shows only the city's own boundaries.",
    ),
    Var("MAP_TILE_ATTRIBUTION", "© OpenStreetMap", "Attribution shown under the map."),
    Var("PHOTO_MAX_BYTES", "15000000", "Largest photo upload accepted, in bytes."),
    Var("PHOTO_MAX_PIXELS", "50000000", "Largest photo accepted, in pixels (width × height)."),
    Var(
        "PHOTO_DECODE_MAX_BYTES",
        "234881024",
        "Memory the worker may use for one photo's decoded pixels; a larger photo fails.",
    ),
    Var(
        "REQUEST_MAX_BYTES",
        "2000000",
        "Largest request body without files (forms, JSON, Open311 POST), in bytes; more is 413.",
    ),
    Var(
        "REGION_UPLOAD_MAX_BYTES",
        "10000000",
        "Largest kelurahan boundary file an admin may upload, in bytes.",
    ),
    Var(
        "UPLOAD_MAX_BYTES",
        "80000000",
        "Largest multipart request body (photos, evidence files), in bytes; more is 413.",
    ),
    Var(
        "FETCH_PRIVATE_ADDRESSES",
        "false",
        "Allow fetching photos by URL and forwarding to hosts on private or loopback addresses.",
    ),
    Var("OPEN311_JURISDICTION", "malangkota.go.id", "The jurisdiction_id of the Open311 API."),
    Var("OPEN311_RATE_LIMIT", "60", "Default requests per minute allowed to one Open311 API key."),
    Var(
        "RATE_LIMIT_REPORTS",
        "10/hour",
        "New complaints accepted from one client address, and from one API key, device or "
        "sender, together over the web form, /api/v1 and Open311 (COUNT/PERIOD: s, m, h, d).",
    ),
    Var(
        "RATE_LIMIT_SUPPORTS",
        "30/hour",
        'Posts of "Saya juga" (support) accepted from one client address (COUNT/PERIOD).',
    ),
    Var(
        "RATE_LIMIT_SUBSCRIBE",
        "5/hour",
        "Alert sign-ups accepted from one client address, and for one e-mail (COUNT/PERIOD).",
    ),
    Var(
        "REPORTER_LINK_DAYS",
        "30",
        'Days the confirm/reopen link in a "resolved" message works (a signed link, bound to '
        "the address it was sent to).",
    ),
    Var(
        "RATE_LIMIT_GATEWAY",
        "600/minute",
        "Requests to the SMS/WhatsApp gateway webhook accepted from one client address "
        "(COUNT/PERIOD); the messages of each sender are held to RATE_LIMIT_REPORTS.",
    ),
    Var(
        "SUPPORT_NOTICE_SUPPORTERS",
        "10",
        "Supporters of one complaint from one client address in a day that give operators a "
        "notice (signed-in citizens are not held to one per address; browsers are).",
    ),
    Var(
        "FIELD_PHOTO_MAX_DISTANCE_M",
        "100",
        'Metres from the complaint\'s place beyond which the "after" photo resolving it '
        "(by its GPS, else the device's location) is flagged to the head of the agency.",
    ),
    Var(
        "GATEWAY_SECRET",
        "",
        "Shared secret of the SMS/WhatsApp gateway's inbound webhook.",
        secret=True,
    ),
    Var("GATEWAY_SEND_URL", "", "URL the replies to SMS/WhatsApp senders are POSTed to."),
    Var("GATEWAY_SEND_TOKEN", "", "Bearer token for the gateway's send URL.", secret=True),
    Var(
        "REPORTER_ANSWER_DAYS",
        "5",
        "Working days a reporter asked for information has to answer before the complaint "
        "is closed.",
    ),
    Var(
        "REPLY_EMAIL_DOMAIN",
        "",
        "Domain of the reply addresses (balas+<token>@DOMAIN) that questions to reporters are "
        "sent with, delivered to the inbound-mail webhook; empty: no reply address.",
    ),
    Var(
        "INBOUND_EMAIL_SECRET",
        "",
        "Shared secret of the inbound-mail webhook (POST /surel/masuk); empty turns it off.",
        secret=True,
    ),
    Var(
        "PERFORMANCE_BANDS",
        "91,76,66,51",
        "Lower bounds (%) of the achievement bands sangat tinggi, tinggi, sedang and rendah.",
    ),
    Var(
        "PERFORMANCE_CHECKIN_DAYS",
        "15",
        "Days after a quarter ends by which its performance check-in is due.",
    ),
    Var(
        "PK_SIGNING_PKCS12",
        "",
        "The city's key and certificate for signing performance agreements (PAdES), as a "
        "PKCS#12 (.p12/.pfx) file. Empty, with no PK_SIGNING_KEY or PKCS#11 module: a demo "
        "CA under VAR_DIR/pk-demo, and each agreement says it carries a demo signature.",
    ),
    Var("PK_SIGNING_KEY", "", "The city's signing key as a PEM file (with PK_SIGNING_CERT)."),
    Var("PK_SIGNING_CERT", "", "The city's signing certificate as a PEM file."),
    Var(
        "PK_SIGNING_CHAIN",
        "",
        "Comma-separated PEM files of the intermediate certificates between the city's "
        "signing certificate and its root, embedded in each signature.",
    ),
    Var(
        "PK_SIGNING_PASSWORD",
        "",
        "Password of the PKCS#12 file or the PEM key, or the PIN of the PKCS#11 token.",
        secret=True,
    ),
    Var(
        "PK_SIGNING_PKCS11_MODULE",
        "",
        "Path of a PKCS#11 module (token or HSM) holding the city's signing key; needs "
        "python-pkcs11 installed.",
    ),
    Var("PK_SIGNING_PKCS11_TOKEN", "", "Label of the PKCS#11 token."),
    Var(
        "PK_SIGNING_PKCS11_KEY",
        "",
        "Label of the signing key and its certificate on the PKCS#11 token.",
    ),
    Var(
        "PK_TRUST_ROOTS",
        "",
        "Comma-separated PEM files of the CA certificates a signed agreement is checked "
        "against on its public verification page; required with the city's own key.",
    ),
    Var(
        "HOTSPOT_MIN_COMPLAINTS",
        "3",
        "Complaints of one category close together that make a hotspot (docs/hotspots.md).",
    ),
    Var("HOTSPOT_RADIUS_METRES", "50", "How close (metres) the complaints of a hotspot are."),
    Var("HOTSPOT_DAYS", "90", "The days of complaints the hotspots are computed from."),
    Var("LOGIN_FAILURE_LIMIT", "5", "Failed log-ins before an account and address are locked."),
    Var("LOGIN_COOLOFF_MINUTES", "15", "Minutes a locked log-in stays locked."),
    Var(
        "LOGIN_ADDRESS_FAILURE_LIMIT",
        "20",
        "Failed log-ins from one address, across all user names, before the address is locked "
        "(password spraying).",
    ),
    Var(
        "STAFF_IDLE_MINUTES",
        "30",
        "Minutes without a request after which a staff session ends.",
    ),
    Var(
        "STAFF_SESSION_HOURS",
        "12",
        "Hours after signing in at which a staff session ends, however active.",
    ),
    Var(
        "CITIZEN_CODE_MINUTES",
        "10",
        "Minutes a citizen's one-time sign-in code (sent by SMS/WhatsApp or e-mail) stays valid.",
    ),
    Var(
        "CITIZEN_CODE_ATTEMPTS",
        "5",
        "Wrong tries of one sign-in code after which it stops working; a new code must be asked.",
    ),
    Var(
        "RATE_LIMIT_CITIZEN_CODES",
        "3/15m",
        "Sign-in codes sent to one phone number or e-mail address (COUNT/PERIOD).",
    ),
    Var(
        "RATE_LIMIT_CITIZEN_CODES_IP",
        "10/hour",
        "Sign-in codes asked from one client address, and codes tried from it ten times as "
        "many (COUNT/PERIOD).",
    ),
    Var(
        "TRUSTED_PROXIES",
        "0",
        "Reverse proxies in front of the app that set X-Forwarded-For and X-Forwarded-Proto "
        "(0: trust neither header).",
    ),
    Var("LOG_LEVEL", "INFO", "Level of the application log."),
    Var(
        "RETENTION_CONTACT_DAYS",
        "365",
        "Days after a complaint is closed until the reporter's contact is removed and its "
        "stored text anonymised.",
    ),
    Var(
        "RETENTION_OUTBOX_DAYS",
        "30",
        "Days the addresses and texts of sent messages (and of given-up ones after their last "
        "attempt) are kept; also the e-mail files of EMAIL_BACKEND_KIND=file.",
    ),
    Var(
        "RETENTION_GATEWAY_DAYS",
        "90",
        "Days SMS/WhatsApp texts are kept: replies to senders, and the message as received "
        "once its complaint is closed (then anonymised).",
    ),
    Var(
        "RETENTION_DEVICE_ID_DAYS",
        "90",
        "Days the device and account ids sent by Open311 applications are kept.",
    ),
    Var(
        "RETENTION_REQUESTS_DAYS",
        "1095",
        "Days a finished data-subject request stays in the register (3 years).",
    ),
    Var(
        "PRIVACY_OFFICER_NAME",
        "Pejabat Pelindungan Data Pribadi, Dinas Komunikasi dan Informatika",
        "The data protection officer, as named on the privacy page (/privasi).",
    ),
    Var(
        "PRIVACY_OFFICER_EMAIL",
        "privasi@localhost",
        "The data protection officer's e-mail address, shown on the privacy page.",
    ),
    Var(
        "PRIVACY_OFFICER_ADDRESS",
        "Balai Kota Malang, Jl. Tugu No. 1, Malang",
        "The data protection officer's postal address, for letters and visits.",
    ),
)

_DEFAULTS = {var.name: var for var in SCHEMA}


def _raw(name: str) -> str:
    if name not in _DEFAULTS:
        raise ConfigurationError(f"{name} is not declared in balaikota.core.envvars.SCHEMA")
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE={file_path} cannot be read: {exc}") from exc
    return os.environ.get(name, _DEFAULTS[name].default)


def env_str(name: str) -> str:
    return _raw(name).strip()


def env_bool(name: str) -> bool:
    value = _raw(name).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean; use true or false")


def env_int(name: str) -> int:
    value = _raw(name).strip()
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={value!r} is not a whole number") from exc


def env_list(name: str) -> list[str]:
    return [item.strip() for item in _raw(name).split(",") if item.strip()]


_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_rate(name: str) -> tuple[int, int]:
    """A limit written COUNT/PERIOD ("10/hour", "3/10m", "1/5s"): (count, seconds)."""
    value = _raw(name).strip().lower()
    count, _sep, period = value.partition("/")
    match = re.fullmatch(r"(\d*)\s*([smhd])[a-z]*", period.strip())
    if not count.strip().isdigit() or match is None:
        raise ConfigurationError(
            f"{name}={value!r} is not a rate; write COUNT/PERIOD, e.g. 10/hour or 3/10m"
        )
    seconds = int(match.group(1) or 1) * _PERIODS[match.group(2)]
    if int(count) < 1 or seconds < 1:
        raise ConfigurationError(f"{name}={value!r}: the count and the period must be above 0")
    return int(count), seconds
