"""Django settings, all from environment variables declared in `core/envvars.py`."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.utils.translation import gettext_lazy as _

from balaikota.core import mailconfig, objectstore, secretkey
from balaikota.core.envvars import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_rate,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path.cwd()
VAR_DIR = (BASE_DIR / env_str("VAR_DIR")).resolve()
# Whatever the database: the queue (without REDIS_URL), uploads and models live here too.
VAR_DIR.mkdir(parents=True, exist_ok=True)
TESTING = "pytest" in sys.modules

DEBUG = env_bool("DEBUG")
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form answers as a page of the site (in Indonesian first), not Django's English.
CSRF_FAILURE_VIEW = "balaikota.core.endpoint_errors.csrf_failure"

_INSECURE_KEY = "insecure-development-key-do-not-use-in-production"
if DEBUG or TESTING:
    SECRET_KEY = SECRET_KEY or _INSECURE_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    _key_problem = secretkey.problem(SECRET_KEY, development_key=_INSECURE_KEY)
    if _key_problem:
        raise ConfigurationError(_key_problem)
    if not ALLOWED_HOSTS:
        raise ConfigurationError(
            "ALLOWED_HOSTS must list the host names served when DEBUG is off, "
            "e.g. ALLOWED_HOSTS=sambat.malangkota.go.id"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    "bootstrap",
    # django-ninja's own Swagger UI files, served from here (its docs page without it loads
    # them from a CDN, which the Content-Security-Policy blocks).
    "ninja",
    "balaikota.core",
    "balaikota.regions",
    "balaikota.agencies",
    "balaikota.complaints",
    "balaikota.notifications",
    "balaikota.performance",
    "balaikota.api",
    "balaikota.open311",
    "balaikota.opendata",
    "balaikota.dashboards",
    "balaikota.hotspots",
    "balaikota.privacy",
    "balaikota.demo",
    # After core: its admin extends core's user admin with the second-factor reset.
    "balaikota.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "balaikota.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files come compressed), before everything that writes a body.
    "balaikota.core.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body (CSRF reads forms), after the language is chosen.
    "balaikota.core.bodylimit.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff: the second factor before anything else, and the idle and absolute time limits.
    "balaikota.accounts.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "balaikota.core.busy.BusyDatabaseMiddleware",
    "balaikota.core.nulbytes.NulByteMiddleware",
]

ROOT_URLCONF = "balaikota.urls"
WSGI_APPLICATION = "balaikota.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:landing"
# Where each role lands after signing in, unless a page asked for the sign-in: its own work.
ROLE_LANDING = {
    "citizen": "complaints:home",
    "agency_head": "performance:mine",
    "mayor_office": "performance:dashboard",
    "verifier": "performance:verify_queue",
    "admin": "admin:index",
}
ROLE_LANDING_DEFAULT = "complaints:staff_home"  # operators, agency staff: the inbox
LOGOUT_REDIRECT_URL = "complaints:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "balaikota.core.context_processors.site",
                "balaikota.performance.context_processors.performance",
                "balaikota.notifications.context_processors.notices",
            ],
        },
    },
]

# Database: SQLite in WAL mode under VAR_DIR unless DATABASE_URL is set.
# A writer waits this long for its turn; then the request gets 503 (balaikota.core.busy).
DATABASE_BUSY_TIMEOUT = env_int("DATABASE_BUSY_TIMEOUT")
# Each web thread keeps its connection for this many seconds instead of opening one per
# request (on SQLite that also re-ran the PRAGMAs below every time); a connection that broke
# meanwhile (a restarted PostgreSQL) is noticed before the request uses it.
_CONN_MAX_AGE = 600
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=_CONN_MAX_AGE, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "balaikota.sqlite3"),
            "OPTIONS": {
                # synchronous=FULL: with NORMAL a commit acknowledged to a citizen can vanish
                # after a power loss. IMMEDIATE: writers queue instead of failing with
                # "database is locked" when a read transaction tries to upgrade.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                    f"PRAGMA foreign_keys=ON; PRAGMA busy_timeout={DATABASE_BUSY_TIMEOUT * 1000};"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": DATABASE_BUSY_TIMEOUT,
            },
            "CONN_MAX_AGE": _CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work: Huey on SQLite by default, Redis when REDIS_URL is set, in two queues
# with a consumer each (core/queues.py): photos apart, so that they never wait behind a
# burst of notifications; everything else, periodic jobs included, on the default queue.
# Periodic jobs are claimed per minute in the database, so that several worker hosts never
# run one twice (core/periodic.py). Nothing reads task results, so none are stored.
_queue_options = {"immediate": False, "results": False}
_redis_url = env_str("REDIS_URL")
if _redis_url:
    HUEY = {
        "huey_class": "balaikota.core.periodic.PeriodicOnceRedisHuey",
        "name": "balaikota",
        "url": _redis_url,
        **_queue_options,
        "consumer": {"workers": env_int("WORKERS"), "worker_type": "thread"},
    }
    HUEY_PHOTOS = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "balaikota-photos",
        "url": _redis_url,
        **_queue_options,
        "consumer": {"workers": env_int("PHOTO_WORKERS"), "worker_type": "thread"},
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }
else:
    # One file per queue: each consumer polls and writes its own.
    HUEY = {
        "huey_class": "balaikota.core.periodic.PeriodicOnceSqliteHuey",
        "name": "balaikota",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        **_queue_options,
        "consumer": {"workers": env_int("WORKERS"), "worker_type": "thread"},
    }
    HUEY_PHOTOS = {
        "huey_class": "huey.SqliteHuey",
        "name": "balaikota-photos",
        "filename": str(VAR_DIR / "huey-photos.sqlite3"),
        **_queue_options,
        "consumer": {"workers": env_int("PHOTO_WORKERS"), "worker_type": "thread"},
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # BSSN's rules for staff accounts; citizens keep the four above.
    {"NAME": "balaikota.accounts.passwords.StaffPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login lockout (django-axes): per user name and address together, and per address across
# user names (password spraying) with its own, higher limit (accounts/lockout.py).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT")
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT")
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES") / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "balaikota.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address, for the lockout and the rate limits: behind N trusted proxies, the
# N-th address from the right of X-Forwarded-For; with none, the socket's address only (a
# header could be forged). core/clientip.py says why not python-ipware's proxy count.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "balaikota.core.clientip.client_ip"

# Transport security. The app speaks plain HTTP to the TLS terminator in front of it (a
# local proxy through gunicorn's --forwarded-allow-ips, or TRUSTED_PROXIES hosts whose
# X-Forwarded-Proto is believed). With DEBUG off the public address must be https (or plain
# HTTP allowed explicitly): browsers then keep to HTTPS (HSTS), plain requests are
# redirected and the session and CSRF cookies never cross the network unencrypted.
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG and not TESTING:
    if env_str("SITE_URL").startswith("https://"):
        SECURE_SSL_REDIRECT = True
        # Load balancers probe over plain HTTP and follow no redirect.
        SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
        SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS")
        SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS")
        SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD")
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        if not SECURE_HSTS_PRELOAD:
            # Preloading is a promise made for a whole registrable domain (malangkota.go.id)
            # by its owner, not by one application on it: off unless asked for.
            SILENCED_SYSTEM_CHECKS = ["security.W021"]
    elif not env_bool("ALLOW_INSECURE_HTTP"):
        raise ConfigurationError(
            f"SITE_URL={env_str('SITE_URL')} is not https://. With DEBUG off, sessions, "
            "passwords and citizens' reports must travel over HTTPS: set SITE_URL to the "
            "public https:// address (TLS ended by a proxy in front, see TRUSTED_PROXIES), "
            "or ALLOW_INSECURE_HTTP=true for a closed test network only."
        )

# Staff sessions (balaikota.accounts): a second factor (TOTP or a recovery code), an idle
# limit and an absolute one. Citizens keep Django's session age.
OTP_TOTP_ISSUER = env_str("CITY_NAME")
STAFF_IDLE_SECONDS = env_int("STAFF_IDLE_MINUTES") * 60
STAFF_SESSION_SECONDS = env_int("STAFF_SESSION_HOURS") * 3600
PASSWORD_RESET_TIMEOUT = 3600
# Citizens sign in without a password, with a one-time code sent to their phone or e-mail
# (balaikota.accounts.citizens).
CITIZEN_CODE_SECONDS = env_int("CITIZEN_CODE_MINUTES") * 60
CITIZEN_CODE_ATTEMPTS = env_int("CITIZEN_CODE_ATTEMPTS")
RATE_LIMIT_CITIZEN_CODES = env_rate("RATE_LIMIT_CITIZEN_CODES")
RATE_LIMIT_CITIZEN_CODES_IP = env_rate("RATE_LIMIT_CITIZEN_CODES_IP")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
# Public photo copies ("default") and private files ("private": uploads as received, staff
# copies, evidence): folders under VAR_DIR, or an S3-compatible store when S3_BUCKET is set.
OBJECT_STORE = objectstore.from_environment()
STORAGES = {
    **objectstore.storages_setting(MEDIA_ROOT, PRIVATE_MEDIA_ROOT, OBJECT_STORE),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "balaikota.core.staticfiles.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Never the console backend: it prints recipients and bodies into the log. Files under
# VAR_DIR/mail are removed by the retention job; with DEBUG off and nothing chosen, `serve`
# refuses to start (core/mailconfig.py).
EMAIL_HOST = env_str("EMAIL_HOST")
try:
    EMAIL_BACKEND_KIND = mailconfig.resolve(
        env_str("EMAIL_BACKEND_KIND"), debug=DEBUG, email_host=EMAIL_HOST
    )
except ValueError as _exc:
    raise ConfigurationError(str(_exc)) from _exc
EMAIL_BACKEND_PROBLEM = mailconfig.problem(
    env_str("EMAIL_BACKEND_KIND"), debug=DEBUG, email_host=EMAIL_HOST
)
EMAIL_BACKEND = mailconfig.BACKENDS[EMAIL_BACKEND_KIND]
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_PORT = env_int("EMAIL_PORT")
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Unset on a developer's machine: where `make demo` serves, so e-mailed links work there.
SITE_URL = env_str("SITE_URL").rstrip("/") or f"http://127.0.0.1:{env_int('PORT')}"
CITY_NAME = env_str("CITY_NAME")
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES")
PERFORMANCE_CHECKIN_DAYS = env_int("PERFORMANCE_CHECKIN_DAYS")

# The city's key for signing performance agreements (performance/signing.py): a PKCS#12
# file, PEM key and certificate, or a PKCS#11 token; none: the demo CA under VAR_DIR.
PK_SIGNING_PKCS12 = env_str("PK_SIGNING_PKCS12")
PK_SIGNING_KEY = env_str("PK_SIGNING_KEY")
PK_SIGNING_CERT = env_str("PK_SIGNING_CERT")
PK_SIGNING_CHAIN = env_list("PK_SIGNING_CHAIN")
PK_SIGNING_PASSWORD = env_str("PK_SIGNING_PASSWORD")
PK_SIGNING_PKCS11_MODULE = env_str("PK_SIGNING_PKCS11_MODULE")
PK_SIGNING_PKCS11_TOKEN = env_str("PK_SIGNING_PKCS11_TOKEN")
PK_SIGNING_PKCS11_KEY = env_str("PK_SIGNING_PKCS11_KEY")
PK_TRUST_ROOTS = env_list("PK_TRUST_ROOTS")

# Hotspots: at least this many complaints of one category within this radius in the window.
HOTSPOT_MIN_COMPLAINTS = env_int("HOTSPOT_MIN_COMPLAINTS")
HOTSPOT_RADIUS_METRES = env_int("HOTSPOT_RADIUS_METRES")
HOTSPOT_DAYS = env_int("HOTSPOT_DAYS")
try:
    PERFORMANCE_BANDS = tuple(float(v) for v in env_list("PERFORMANCE_BANDS"))
except ValueError as _exc:
    raise ConfigurationError("PERFORMANCE_BANDS must be four numbers, e.g. 91,76,66,51") from _exc
if len(PERFORMANCE_BANDS) != 4 or list(PERFORMANCE_BANDS) != sorted(
    PERFORMANCE_BANDS, reverse=True
):
    raise ConfigurationError("PERFORMANCE_BANDS must be four numbers from high to low")
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS")
# Request bodies (balaikota.core.bodylimit): multipart forms carry photos and evidence.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES")
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES")
REGION_UPLOAD_MAX_BYTES = env_int("REGION_UPLOAD_MAX_BYTES")
# The worker refuses a photo whose decoded pixels would take more memory than this.
PHOTO_DECODE_MAX_BYTES = env_int("PHOTO_DECODE_MAX_BYTES")
FETCH_PRIVATE_ADDRESSES = env_bool("FETCH_PRIVATE_ADDRESSES")
OPEN311_JURISDICTION = env_str("OPEN311_JURISDICTION")
OPEN311_RATE_LIMIT = env_int("OPEN311_RATE_LIMIT")
# Limits on abuse, as (count, seconds), counted by balaikota.core.ratelimit in Redis or in
# the database: shared by every web process and host.
RATE_LIMIT_REPORTS = env_rate("RATE_LIMIT_REPORTS")
RATE_LIMIT_SUPPORTS = env_rate("RATE_LIMIT_SUPPORTS")
RATE_LIMIT_SUBSCRIBE = env_rate("RATE_LIMIT_SUBSCRIBE")
REPORTER_LINK_DAYS = env_int("REPORTER_LINK_DAYS")
RATE_LIMIT_GATEWAY = env_rate("RATE_LIMIT_GATEWAY")
SUPPORT_NOTICE_SUPPORTERS = env_int("SUPPORT_NOTICE_SUPPORTERS")
FIELD_PHOTO_MAX_DISTANCE_M = env_int("FIELD_PHOTO_MAX_DISTANCE_M")
GATEWAY_SECRET = env_str("GATEWAY_SECRET")
GATEWAY_SEND_URL = env_str("GATEWAY_SEND_URL")
GATEWAY_SEND_TOKEN = env_str("GATEWAY_SEND_TOKEN")
# Asking the reporter for information: the time to answer, and answers by e-mail reply.
REPORTER_ANSWER_DAYS = env_int("REPORTER_ANSWER_DAYS")
REPLY_EMAIL_DOMAIN = env_str("REPLY_EMAIL_DOMAIN")
INBOUND_EMAIL_SECRET = env_str("INBOUND_EMAIL_SECRET")

# Personal data: how long each kind is kept (balaikota.privacy applies it nightly), and the
# data protection officer named on /privasi.
RETENTION_CONTACT_DAYS = env_int("RETENTION_CONTACT_DAYS")
RETENTION_OUTBOX_DAYS = env_int("RETENTION_OUTBOX_DAYS")
RETENTION_GATEWAY_DAYS = env_int("RETENTION_GATEWAY_DAYS")
RETENTION_DEVICE_ID_DAYS = env_int("RETENTION_DEVICE_ID_DAYS")
RETENTION_REQUESTS_DAYS = env_int("RETENTION_REQUESTS_DAYS")
PRIVACY_OFFICER_NAME = env_str("PRIVACY_OFFICER_NAME")
PRIVACY_OFFICER_EMAIL = env_str("PRIVACY_OFFICER_EMAIL")
PRIVACY_OFFICER_ADDRESS = env_str("PRIVACY_OFFICER_ADDRESS")

# Content-Security-Policy: everything from this site, map tiles from the tile host, public
# photos from the object store.
_media_origin = OBJECT_STORE.public_origin() if OBJECT_STORE else ""
_tile_origin = ""
if MAP_TILE_URL:
    _parts = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    _tile_origin = f"{_parts.scheme}://{_parts.netloc}".replace("//a.", "//*.")
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        " ".join(filter(None, ["img-src 'self' data: blob:", _tile_origin, _media_origin])),
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL")},
    # The worker (`balaikota worker`) adds its own handler to "huey"; do not print each line twice.
    "loggers": {"huey": {"level": "WARNING", "propagate": False}},
}
