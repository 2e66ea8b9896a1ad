"""How a reporter's answer to a question finds its way back: the signed token in the answer
link and in the e-mail's Reply-To address, and the answer cut out of a reply e-mail.

The token names the question (its event) and carries an HMAC of it under the secret key,
in lower-case letters and digits only: mail systems may lower-case an address's local part.
Pure functions but for the settings: tested without a database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from email.parser import HeaderParser
from typing import Any

from django.conf import settings

REPLY_PREFIX = "balas"


def _digest(question_id: int) -> str:
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"complaint-answer:{question_id}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(mac[:10]).decode().lower()


def token_for(question_id: int) -> str:
    return f"{question_id}-{_digest(question_id)}"


def question_of(token: str) -> int | None:
    """The question a token was made for, or None when it was not made here."""
    number, _sep, digest = token.strip().lower().partition("-")
    if not number.isdigit() or len(number) > 12:
        return None
    question_id = int(number)
    return question_id if hmac.compare_digest(digest, _digest(question_id)) else None


def reply_address(question_id: int) -> str:
    """balas+<token>@<REPLY_EMAIL_DOMAIN>, or "" when inbound mail is not set up."""
    domain = settings.REPLY_EMAIL_DOMAIN
    return f"{REPLY_PREFIX}+{token_for(question_id)}@{domain}" if domain else ""


_ADDRESS = re.compile(REPLY_PREFIX + r"\+([0-9]+-[a-z2-7]+)@", re.IGNORECASE)


def token_in(recipients: str) -> str:
    """The token of the first reply address among `recipients` (a To: header's text)."""
    found = _ADDRESS.search(recipients)
    return found.group(1) if found else ""


# Where a mail program starts quoting what is being answered, in the languages reporters
# write in: "On Mon, 3 Dec 2026 Balaikota <...> wrote:", "Pada tanggal ... menulis:", an
# Outlook header block, a forwarded message's marker, a signature's "-- ".
_QUOTE_STARTS = [
    re.compile(r"^\s*(On|Pada)\b.{0,300}\b(wrote|menulis)\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(Original Message|Pesan Asli|Forwarded message)", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),
    re.compile(r"^\s*(From|Dari)\s*:.*$", re.IGNORECASE),
    re.compile(r"^-- ?$"),
    re.compile(r"^\s*(Sent from my|Dikirim dari)\b", re.IGNORECASE),
]


def strip_quoted(text: str) -> str:
    """The reply's own words: everything from where the quoted history begins is dropped,
    and quoted lines ("> ...") anywhere."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        # "On ... wrote:" is sometimes broken over two lines by the mail program.
        joined = line + " " + lines[index + 1] if index + 1 < len(lines) else line
        if any(p.match(line) for p in _QUOTE_STARTS) or _QUOTE_STARTS[0].match(joined):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


# --- Mail sent by a machine -------------------------------------------------------------------

# Older mail programs and lists mark what they send by themselves with Precedence, or an
# X-Autoreply / X-Autorespond header, instead of RFC 3834's Auto-Submitted.
_AUTOMATIC_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk", "list"})
_AUTOMATIC_HEADERS = ("x-autoreply", "x-autorespond")


def is_automatic(headers: Mapping[str, str]) -> bool:
    """Whether a mail was sent by a machine (an out-of-office reply, a bounce, a list's
    notice): RFC 3834 says so with an Auto-Submitted header of any value but "no". Such a
    mail is no answer, and must not be answered, or two machines would write to each other
    without end."""
    named = {name.strip().lower(): str(value).strip().lower() for name, value in headers.items()}
    submitted = named.get("auto-submitted", "no").split(";")[0].strip()
    return (
        submitted != "no"
        or named.get("precedence", "") in _AUTOMATIC_PRECEDENCE
        or any(name in named for name in _AUTOMATIC_HEADERS)
    )


def mail_headers(data: Mapping[str, Any]) -> dict[str, str]:
    """The headers an inbound-parse service passes with a mail: Postmark's "Headers" (a list
    of {"Name", "Value"}), Mailgun's "message-headers" (a JSON list of pairs), SendGrid's
    "headers" (the header block as text), or a plain object of names and values."""
    found: dict[str, str] = {}
    postmark = data.get("Headers")
    if isinstance(postmark, list):
        for item in postmark:
            if isinstance(item, dict) and "Name" in item:
                found[str(item["Name"])] = str(item.get("Value", ""))
    mailgun = data.get("message-headers")
    if isinstance(mailgun, str):
        try:
            mailgun = json.loads(mailgun)
        except ValueError:
            mailgun = None
    if isinstance(mailgun, list):
        for pair in mailgun:
            if isinstance(pair, list | tuple) and len(pair) == 2:
                found[str(pair[0])] = str(pair[1])
    plain = data.get("headers")
    if isinstance(plain, dict):
        found.update({str(name): str(value) for name, value in plain.items()})
    elif isinstance(plain, str):
        found.update(HeaderParser().parsestr(plain).items())
    return found
