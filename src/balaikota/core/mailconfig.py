"""Which mail backend sends the outbox's e-mails: chosen explicitly, never the console.

Django's console backend prints every recipient and body into the server's log, which is
kept, copied and read by people who have no business reading citizens' mail. Balaikota never
uses it: e-mail goes out over SMTP, into files under `VAR_DIR/mail` (removed by the
retention job after RETENTION_OUTBOX_DAYS), or nowhere. With DEBUG off, no SMTP server and
no explicit choice, `balaikota serve` refuses to start and says how to choose.

Pure functions of the settings' values: `settings.py` reads them before Django is set up.
"""

from __future__ import annotations

SMTP = "smtp"
FILE = "file"
NONE = "none"
KINDS = (SMTP, FILE, NONE)

BACKENDS = {
    SMTP: "django.core.mail.backends.smtp.EmailBackend",
    FILE: "django.core.mail.backends.filebased.EmailBackend",
    NONE: "django.core.mail.backends.dummy.EmailBackend",
    # Nothing chosen: sending fails, so the outbox keeps the messages (and retries) until
    # an administrator chooses; nothing is printed anywhere.
    "": "balaikota.core.mailbackends.UnchosenBackend",
}

HOW_TO_CHOOSE = (
    "No mail backend is chosen. With DEBUG off, set EMAIL_HOST (and the other EMAIL_* "
    "variables) to send e-mail over SMTP, or set EMAIL_BACKEND_KIND=file to keep e-mails in "
    "files under VAR_DIR/mail (removed after RETENTION_OUTBOX_DAYS days), or "
    "EMAIL_BACKEND_KIND=none to send no e-mail at all."
)


def resolve(kind: str, *, debug: bool, email_host: str) -> str:
    """The kind in use: the explicit choice; otherwise SMTP when a server is set, files in
    development; otherwise "" (none chosen)."""
    kind = kind.strip().lower()
    if kind not in ("", *KINDS):
        raise ValueError(f"EMAIL_BACKEND_KIND={kind!r} is not one of smtp, file, none")
    if kind:
        return kind
    if email_host:
        return SMTP
    return FILE if debug else ""


def problem(kind: str, *, debug: bool, email_host: str) -> str | None:
    """Why the server must not start with these settings, or None when it may."""
    chosen = resolve(kind, debug=debug, email_host=email_host)
    if chosen == "":
        return HOW_TO_CHOOSE
    if chosen == SMTP and not email_host:
        return "EMAIL_BACKEND_KIND=smtp needs EMAIL_HOST, the SMTP server to send through."
    return None
