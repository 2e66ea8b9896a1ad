"""The reporter's side of a question: answering on the private link, and answers that come
back by e-mail through the inbound-mail webhook. (By SMS/WhatsApp: `gateway`.)"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from balaikota.complaints import notifications as notify
from balaikota.complaints import photos, replies, services, steps
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import Complaint, Event
from balaikota.core import endpoint_errors, ratelimit

log = logging.getLogger(__name__)


def _session_key(ticket: str) -> str:
    return f"answer:{ticket}"


def remember_token(request: HttpRequest, complaint: Complaint, token: str) -> None:
    """The answer link's token moves into the session (like the private key): it proves
    the reporter for answering the question it was made for, and nothing else."""
    request.session[_session_key(complaint.ticket)] = token.strip()[:80]


def token_question(request: HttpRequest, complaint: Complaint) -> int | None:
    token = request.session.get(_session_key(complaint.ticket), "")
    return replies.question_of(token) if token else None


def may_answer(
    request: HttpRequest, complaint: Complaint, question: Event | None, *, is_reporter: bool
) -> bool:
    """Whether this visitor may answer the question the complaint waits on."""
    if question is None:
        return False
    return is_reporter or token_question(request, complaint) == question.pk


def answer_from_page(
    request: HttpRequest, complaint: Complaint, *, is_reporter: bool
) -> HttpResponse:
    """The answer form of the tracking page: text and photos. On an error the text typed
    comes back in the form."""
    question = services.current_question(complaint)
    if not may_answer(request, complaint, question, is_reporter=is_reporter):
        messages.error(request, _("Only the person who reported this complaint can answer."))
        return redirect("complaints:track", ticket=complaint.ticket)
    text = request.POST.get("answer", "")
    try:
        services.answer_question(
            complaint,
            text=text,
            photo_files=request.FILES.getlist("photos"),
            question_id=None if is_reporter else token_question(request, complaint),
        )
    except TransitionNotAllowed as exc:
        request.session[f"answer-draft:{complaint.ticket}"] = text[: services.MAX_ANSWER_TEXT]
        messages.error(request, str(exc))
    else:
        request.session.pop(f"answer-draft:{complaint.ticket}", None)
        messages.success(
            request,
            _("Thank you: your answer was sent to the officers, and the deadlines run again."),
        )
    return redirect("complaints:track", ticket=complaint.ticket)


# --- Answers by e-mail -----------------------------------------------------------------------


@dataclass
class InboundMail:
    recipients: str
    text: str
    attachments: list[UploadedFile] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def _first(data: dict[str, Any], *names: str) -> str:
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return ""


# The common shapes of inbound-parse services: Postmark's JSON, SendGrid's and Mailgun's
# multipart forms, and a plain JSON of the same lower-case names.
_RECIPIENT_FIELDS = ("OriginalRecipient", "To", "to", "recipient", "envelope_to", "Cc", "cc")
_TEXT_FIELDS = ("StrippedTextReply", "stripped-text", "TextBody", "text", "body-plain", "body")


def _json_attachments(items: Any) -> list[UploadedFile]:
    files: list[UploadedFile] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("ContentType") or item.get("content_type") or "")
        if not kind.startswith("image/"):
            continue
        try:
            content = base64.b64decode(str(item.get("Content") or item.get("content") or ""))
        except (binascii.Error, ValueError):
            continue
        name = str(item.get("Name") or item.get("filename") or "photo")[:100]
        files.append(SimpleUploadedFile(name, content, content_type=kind))
    return files


def parse_mail(request: HttpRequest) -> InboundMail:
    """The recipients, the text and the image attachments of an inbound-mail POST."""
    if request.content_type == "application/json":
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("send a JSON object")
        attachments = _json_attachments(data.get("Attachments") or data.get("attachments"))
    else:
        data = request.POST.dict()
        attachments = [
            f
            for name in request.FILES
            for f in request.FILES.getlist(name)
            if (f.content_type or "").startswith("image/")
        ]
    recipients = " ".join(str(data.get(name) or "") for name in _RECIPIENT_FIELDS)
    return InboundMail(
        recipients=recipients,
        text=_first(data, *_TEXT_FIELDS),
        attachments=attachments,
        headers=replies.mail_headers(data),
    )


def _usable_photos(files: list[UploadedFile]) -> list[UploadedFile]:
    """Images a mail program attached that are not photos (a logo in a signature, a file
    too large) are left out rather than refusing the answer."""
    usable = []
    for upload in files:
        try:
            steps.check_upload(upload)
        except photos.PhotoRejected:
            continue
        usable.append(upload)
    return usable[: services.MAX_ANSWER_PHOTOS]


def _secret_given(request: HttpRequest) -> str:
    given = request.headers.get("Authorization", "")
    if given.startswith("Bearer "):
        return given.removeprefix("Bearer ").strip()
    if given.startswith("Basic "):  # https://user:SECRET@host/... as most services allow
        try:
            decoded = base64.b64decode(given.removeprefix("Basic ").strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return request.headers.get("X-Inbound-Secret", "")


@csrf_exempt
@require_POST
def inbound_mail(request: HttpRequest) -> HttpResponse:
    """An inbound-parse service POSTs each mail sent to balas+<token>@REPLY_EMAIL_DOMAIN.

    200 with "ok": false when the mail was read but cannot be taken (no token of ours, the
    question no longer open, a mail sent automatically): sending it again would not change
    that. A reply that came after the question closed is answered: the reporter hears it was
    not added, and what to do instead (once per complaint and status a day)."""
    secret = settings.INBOUND_EMAIL_SECRET
    if not secret:
        raise Http404("inbound mail is not configured")
    wait = ratelimit.check(request, "inbound-mail", settings.RATE_LIMIT_GATEWAY)
    if wait:
        return endpoint_errors.error_response(
            request, 429, ratelimit.wait_message(wait), retry_after=wait
        )
    if not hmac.compare_digest(_secret_given(request).encode(), secret.encode()):
        return JsonResponse({"ok": False, "error": "wrong or missing secret"}, status=403)
    try:
        mail = parse_mail(request)
    except ValueError as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    if replies.is_automatic(mail.headers):
        # An out-of-office reply or a bounce: no answer, and never answered (RFC 3834).
        return JsonResponse({"ok": False, "error": "sent automatically: not taken"})
    question_id = replies.question_of(replies.token_in(mail.recipients))
    event = (
        Event.objects.select_related("complaint").filter(pk=question_id).first()
        if question_id
        else None
    )
    if event is None:
        return JsonResponse({"ok": False, "error": "no reply address of ours among the recipients"})
    try:
        services.answer_question(
            event.complaint,
            text=replies.strip_quoted(mail.text),
            photo_files=_usable_photos(mail.attachments),
            question_id=event.pk,
        )
    except TransitionNotAllowed as exc:
        log.info("answer by e-mail to %s not taken: %s", event.complaint.ticket, exc)
        complaint = Complaint.objects.select_related("agency").get(pk=event.complaint_id)
        current = services.current_question(complaint)
        if current is None or current.pk != event.pk:
            # Too late: the reporter hears that it was not added, and what to do instead.
            with transaction.atomic():
                notify.late_answer(complaint)
        return JsonResponse({"ok": False, "ticket": event.complaint.ticket, "error": str(exc)})
    return JsonResponse({"ok": True, "ticket": event.complaint.ticket})
