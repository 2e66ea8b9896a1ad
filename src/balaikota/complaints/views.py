from __future__ import annotations

import hmac
import json
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from balaikota.agencies.models import Agency
from balaikota.complaints import (
    attributes,
    conversation_views,
    deadlines,
    disclosure,
    duplicates,
    field_views,
    forms,
    gateway,
    identity,
    intake,
    lifecycle,
    moderation,
    router,
    routing,
    selectors,
    services,
    supporters,
)
from balaikota.complaints.lifecycle import ACTION_LABELS, Action, TransitionNotAllowed
from balaikota.complaints.models import (
    Category,
    Channel,
    Complaint,
    Event,
    Photo,
    Privacy,
    Status,
)
from balaikota.complaints.tickets import normalise_ticket
from balaikota.core import endpoint_errors, ratelimit, roles
from balaikota.core.models import User
from balaikota.regions import selectors as regions

PAGE_SIZE = 25
_SESSION_TICKETS = "reported_tickets"
_ASK_TO_FOLLOW = "ask_to_follow"


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# --- Citizens --------------------------------------------------------------------------------


def report(request: HttpRequest) -> HttpResponse:
    """The one-page report form (/lapor)."""
    if request.method == "POST":
        wait = ratelimit.check(request, "report", settings.RATE_LIMIT_REPORTS)
        if wait:
            return _report_later(request, wait)
        form = forms.ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            key = f"web:{data['submission_key']}" if data["submission_key"] else None
            try:
                try:
                    submission = _submit_from_form(request, data, key)
                except intake.SubmissionConflict:
                    # The page was reused (Back button) for another report: it is a new one.
                    submission = _submit_from_form(request, data, None)
            except intake.SubmissionInvalid as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
                submission = None
            if submission is not None:
                complaint = submission.complaint
                tickets = request.session.get(_SESSION_TICKETS, [])
                request.session[_SESSION_TICKETS] = [complaint.ticket, *tickets][:20]
                if submission.reporter_key:
                    request.session[f"key:{complaint.ticket}"] = submission.reporter_key
                url = reverse("complaints:submitted", args=[complaint.ticket])
                if _wants_json(request):
                    return JsonResponse({"ticket": complaint.ticket, "redirect": url}, status=201)
                return redirect(url)
        if _wants_json(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    else:
        form = forms.ReportForm(initial=_account_contact(request))
    return render(
        request,
        "complaints/report.html",
        {
            "form": form,
            "categories": Category.objects.filter(is_active=True).prefetch_related("attributes"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _account_contact(request: HttpRequest) -> dict[str, str]:
    """A signed-in citizen's contact, filled in for them (the report is linked to the
    account whatever they change here)."""
    user = request.user
    if not isinstance(user, User) or roles.is_staff_member(user):
        return {}
    return {"name": user.get_full_name(), "phone": user.phone, "email": user.email}


def _report_later(request: HttpRequest, wait: int) -> HttpResponse:
    """429: the citizen's draft comes back in the form (the script's page never left), with
    when to try again."""
    message = ratelimit.wait_message(wait)
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {
                "errors": {"__all__": [{"message": message, "code": "rate_limited"}]},
                "retry_after": wait,
            },
            status=429,
        )
    else:
        # Unbound, with the posted values as the initial ones: no other error is shown.
        response = render(
            request,
            "complaints/report.html",
            {
                "form": forms.ReportForm(initial=request.POST.dict()),
                "categories": Category.objects.filter(is_active=True).prefetch_related(
                    "attributes"
                ),
                "retry_message": message,
            },
            status=429,
        )
    response.headers["Retry-After"] = str(wait)
    return response


def _submit_from_form(
    request: HttpRequest, data: dict[str, Any], key: str | None
) -> intake.Submission:
    """May raise SubmissionInvalid (shown on the form) or SubmissionConflict."""
    return intake.submit_complaint(
        text=data["text"],
        category=data["category"],
        lat=data["lat"],
        lon=data["lon"],
        location_source=data["location_source"],
        photo_files=data["photos"],
        contact=intake.Contact(
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            nik=data["nik"],
            notify_by=data["notify_by"],
            phone_channel=data["phone_channel"],
        ),
        channel=Channel.WEB,
        reporter=request.user if request.user.is_authenticated else None,
        submission_key=key,
        answers=_answers(request, data["category"]),
        # Questions help the agency; on the form none may stop a citizen from reporting.
        answers_required=False,
        privacy=data["privacy"] or Privacy.PUBLIC,
    )


def _answers(request: HttpRequest, category: Category | None) -> dict[str, list[str]]:
    """The chosen category's questions answered on the form (`attribute[code]` fields)."""
    if category is None:
        return {}
    return {
        q.code: [v for v in request.POST.getlist(f"attribute[{q.code}]") if v.strip()]
        for q in category.attributes.all()
    }


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what to report, and the newest published complaints."""
    return render(
        request,
        "complaints/home.html",
        {
            "categories": Category.objects.filter(is_active=True),
            "recent": selectors.recent_public(8),
        },
    )


def my_complaints(request: HttpRequest) -> HttpResponse:
    """The complaints this browser sent and, when signed in, all of the citizen's own."""
    user = request.user if request.user.is_authenticated else None
    tickets = request.session.get(_SESSION_TICKETS, [])
    page = _page(request, selectors.reported_by(user, tickets))
    return render(request, "complaints/mine.html", {"page": page, "query": ""})


def submitted(request: HttpRequest, ticket: str) -> HttpResponse:
    """The reporter's receipt: the ticket, the mode chosen and the private link. Anyone else
    who opens it is sent to the tracking page, which shows what they may see."""
    complaint = selectors.public_complaint(ticket)
    key = request.session.get(f"key:{complaint.ticket}")
    user = request.user if request.user.is_authenticated else None
    if not services.reporter_may_act(complaint, key=key, user=user):
        return redirect("complaints:track", ticket=complaint.ticket)
    private_link = None
    if key:
        private_link = request.build_absolute_uri(
            reverse("complaints:track", args=[complaint.ticket]) + f"?kunci={key}"
        )
    return render(
        request, "complaints/submitted.html", {"complaint": complaint, "private_link": private_link}
    )


def track_lookup(request: HttpRequest) -> HttpResponse:
    form = forms.TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("complaints:track", ticket=normalise_ticket(form.cleaned_data["ticket"]))
    return render(request, "complaints/track_lookup.html", {"form": form})


def _ticket_not_found(request: HttpRequest, ticket: str) -> HttpResponse:
    """A mistyped or unknown code: the tracking form again, with the code to correct."""
    form = forms.TrackForm({"ticket": ticket[:20]})
    return render(
        request, "complaints/track_lookup.html", {"form": form, "not_found": True}, status=404
    )


def _reporter_key(request: HttpRequest, ticket: str) -> str | None:
    key = request.POST.get("kunci")
    if key:
        request.session[f"key:{ticket}"] = key
        return key
    return request.session.get(f"key:{ticket}")


def track(request: HttpRequest, ticket: str) -> HttpResponse:
    """The tracking page. The public sees the public version of a published complaint
    (never the reporter's personal data), and of any other only its ticket, status, agency
    and next deadline; the reporter, through the private link, sees all of their own."""
    try:
        complaint = selectors.public_complaint(ticket)
    except Http404:
        return _ticket_not_found(request, ticket)
    if "konfirmasi" in request.GET:
        # The link of a "resolved" message: into the session too, out of the address bar.
        request.session[f"answer:{complaint.ticket}"] = request.GET["konfirmasi"][:500]
        return redirect("complaints:track", ticket=complaint.ticket)
    if "kunci" in request.GET:
        # The private link's key moves into the session at once, so it does not stay in the
        # address bar, the history or a link the citizen shares.
        request.session[f"key:{complaint.ticket}"] = request.GET["kunci"]
        return redirect("complaints:track", ticket=complaint.ticket)
    if "jawab" in request.GET:  # a question's answer link: the same, for answering only
        conversation_views.remember_token(request, complaint, request.GET["jawab"])
        return redirect(reverse("complaints:track", args=[complaint.ticket]) + "#answer")
    if complaint.ticket != ticket:
        return redirect("complaints:track", ticket=complaint.ticket)
    user = request.user if request.user.is_authenticated else None
    is_reporter = services.reporter_may_act(
        complaint,
        key=_reporter_key(request, complaint.ticket),
        user=user,
    )
    shown = complaint.published or is_reporter
    photos = disclosure.photos_for(complaint, complaint.photos.all(), reporter=is_reporter)
    question = services.current_question(complaint)
    context: dict[str, Any] = {
        "complaint": complaint,
        "shown": shown,
        "is_reporter": is_reporter,
        "may_confirm": complaint.status == Status.RESOLVED
        and (is_reporter or _answers_resolution(request, complaint)),
        "may_support": complaint.published and complaint.is_open,
        "privacy_choices": Privacy.choices,
        "question": question,
        "may_answer": conversation_views.may_answer(
            request, complaint, question, is_reporter=is_reporter
        ),
        "answer_by": deadlines.answer_due(complaint.clock_paused_at)
        if question and complaint.clock_paused_at
        else None,
        "answer_draft": request.session.get(f"answer-draft:{complaint.ticket}", ""),
        "confirm_form": forms.ConfirmForm(),
        "reopen_form": forms.ReopenForm(),
        "follow_form": forms.FollowForm(),
        "may_follow": complaint.published and complaint.is_open,
        # A supporter who has just said "saya juga" is asked whether to follow it too.
        "asked_to_follow": request.session.pop(_ASK_TO_FOLLOW, None) == complaint.ticket,
    }
    if shown:
        context |= {
            # The reporter reads their own words; everyone else the public version.
            "text": complaint.text if is_reporter else complaint.public_text,
            "events": _timeline(complaint, photos=photos),
            "before_photos": [p for p in photos if p.kind == Photo.Kind.BEFORE],
            "after_photos": [p for p in photos if p.kind == Photo.Kind.AFTER],
        }
    response = render(request, "complaints/track.html", context)
    if is_reporter or context["may_answer"]:
        # The reporter's view holds what the public may not read: no shared cache keeps it.
        patch_cache_control(response, private=True, no_store=True)
    return response


def _timeline(
    complaint: Complaint, *, staff: bool = False, photos: list[Photo] | None = None
) -> list[dict[str, Any]]:
    """Every step. Staff read each note as written, see who acted and the unblurred copy of
    each photo; anyone else reads the notes with personal data hidden (staff-only notes left
    out) and sees only the public copies of `photos`."""
    shown = {p.pk for p in photos or []}
    return [
        {
            "event": event,
            "label": ACTION_LABELS[Action(event.action)],
            "note": event.note if staff else disclosure.event_note(event),
            **_timeline_photo(event, staff=staff, shown=shown),
            "actor": (event.actor.get_full_name() or event.actor.username)
            if staff and event.actor
            else "",
        }
        for event in complaint.events.all()
    ]


def _timeline_photo(event: Event, *, staff: bool, shown: set[int]) -> dict[str, str]:
    photo = event.photo
    if photo is None or photo.state != Photo.State.READY:
        return {}
    if staff and photo.staff_url:
        return {"photo_url": photo.staff_url, "thumb_url": f"{photo.staff_url}?ukuran=kecil"}
    if (staff or photo.pk in shown) and photo.image:
        thumb = photo.thumbnail or photo.image
        return {"photo_url": photo.image.url, "thumb_url": thumb.url}
    return {}


@require_POST
def support(request: HttpRequest, ticket: str) -> HttpResponse:
    """ "Saya juga": a citizen has the same problem. Once per signed-in user, or per browser
    and address each day (balaikota.complaints.supporters). Only for published complaints:
    the others are not shown to anyone to support."""
    complaint = selectors.public_complaint(ticket)
    if not complaint.published:
        raise Http404("no such published complaint")
    wait = ratelimit.check(request, "support", settings.RATE_LIMIT_SUPPORTS)
    if wait:
        message = ratelimit.wait_message(wait)
        if _wants_json(request):
            response: HttpResponse = JsonResponse(
                {"detail": message, "retry_after": wait}, status=429
            )
            response.headers["Retry-After"] = str(wait)
            return response
        return endpoint_errors.error_response(request, 429, message, retry_after=wait)
    browser = supporters.browser_id(request)
    counted = supporters.support(request, complaint, browser)
    follow_url = reverse("complaints:track", args=[complaint.ticket]) + "#follow"
    if _wants_json(request):
        complaint.refresh_from_db(fields=["supporters"])
        response = JsonResponse(
            {"supporters": complaint.supporters, "counted": counted, "follow_url": follow_url}
        )
    else:
        if counted:
            messages.success(request, _("Thank you: your support is counted."))
            if complaint.is_open:
                request.session[_ASK_TO_FOLLOW] = complaint.ticket
        else:
            messages.info(request, _("You already support this complaint."))
        response = redirect(follow_url)
    supporters.remember_browser(response, browser)
    return response


def _answers_resolution(request: HttpRequest, complaint: Complaint) -> bool:
    """The holder of the link in the "resolved" message may confirm, rate or reopen."""
    return services.may_answer_resolution(
        complaint, request.session.get(f"answer:{complaint.ticket}")
    )


@require_POST
def reporter_action(request: HttpRequest, ticket: str, action: str) -> HttpResponse:
    complaint = selectors.public_complaint(ticket)
    user = request.user if request.user.is_authenticated else None
    is_reporter = services.reporter_may_act(
        complaint, key=_reporter_key(request, complaint.ticket), user=user
    )
    if action == "answer":  # the reporter, or whoever holds the question's answer link
        return conversation_views.answer_from_page(request, complaint, is_reporter=is_reporter)
    if not is_reporter and not (
        action in {"confirm", "reopen"} and _answers_resolution(request, complaint)
    ):
        raise PermissionDenied(_("Only the person who reported this complaint can do this."))
    try:
        if action == "confirm":
            form = forms.ConfirmForm(request.POST)
            if not form.is_valid():
                raise TransitionNotAllowed(_("Give a rating from 1 to 5."))
            services.confirm_resolution(
                complaint,
                rating=form.cleaned_data["rating"] or None,
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you. The complaint is closed."))
        elif action == "reopen":
            reopen = forms.ReopenForm(request.POST)
            if not reopen.is_valid():
                raise TransitionNotAllowed(_("Please write what is still wrong."))
            services.reopen_complaint(complaint, reopen.cleaned_data["reason"])
            messages.success(request, _("The complaint was reopened and sent back to the agency."))
        elif action == "privacy":
            # Only the reporter may make the mode less strict, as well as stricter.
            moderation.change_privacy(complaint, request.POST.get("privacy", ""), by_reporter=True)
            messages.success(request, _("The privacy of the complaint was changed."))
        else:
            raise PermissionDenied()
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    return redirect("complaints:track", ticket=complaint.ticket)


# --- Staff -----------------------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> User | None:
    user = request.user
    if not roles.is_staff_member(user):
        return None
    return user  # type: ignore[return-value]


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    if roles.is_operator(request.user):
        return redirect("complaints:operator_queue")
    if roles.is_staff_member(request.user):
        return redirect("complaints:inbox")
    return redirect("complaints:home")


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("halaman"))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    if user is None:
        raise PermissionDenied(_("This page is for city staff."))
    search = request.GET.get("cari", "").strip()
    flt = selectors.InboxFilter(
        # A search looks in every status unless one is chosen: a code is often a closed one.
        status=request.GET.get("status", "all" if search else "open"),
        category=request.GET.get("kategori", ""),
        region=request.GET.get("wilayah", ""),
        overdue=request.GET.get("terlambat") == "1",
        agency=request.GET.get("opd", "") if roles.reads_whole_city(user) else "",
        search=search,
    )
    page = _page(request, selectors.inbox(user, flt))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "complaints/staff/inbox.html",
        {
            "page": page,
            "health": selectors.queue_health(user),
            "filter": flt,
            "query": query.urlencode(),
            "now": timezone.now(),
            "statuses": Status.choices,
            "categories": Category.objects.filter(is_active=True),
            "villages": regions.villages(),
            "agencies": Agency.objects.filter(is_active=True)
            if roles.reads_whole_city(user)
            else [],
        },
    )


@login_required
def operator_queue(request: HttpRequest) -> HttpResponse:
    if not roles.is_operator(request.user):
        raise PermissionDenied(_("This page is for operators."))
    page = _page(request, selectors.operator_queue())
    return render(request, "complaints/staff/queue.html", {"page": page, "now": timezone.now()})


@login_required
def staff_detail(request: HttpRequest, ticket: str) -> HttpResponse:
    user = _staff_only(request)
    if user is None:
        raise PermissionDenied(_("This page is for city staff."))
    complaint = selectors.complaint_for_staff(user, ticket)
    try:
        actor = services.actor_for(user, complaint)
        actions = lifecycle.allowed_actions(complaint.status, actor)
    except TransitionNotAllowed:
        actions = []
    # Forwarding by hand has its own form (forwarding_context), not the list of steps.
    actions = [a for a in actions if a != Action.FORWARD]
    photos = list(complaint.photos.all())
    return render(
        request,
        "complaints/staff/detail.html",
        {
            **_forwarding_context(user, complaint),
            "complaint": complaint,
            "field": field_views.detail_context(complaint, actions),
            "staff_text": identity.staff_text(complaint, user),
            "identity": identity.identity_for(complaint, user),
            "may_reveal": complaint.hides_identity and roles.may_reveal_identity(user),
            "may_moderate": roles.may_moderate(user),
            "suggestions": _suggestions(complaint),
            "similar": duplicates.find_similar(
                category=complaint.category,
                lat=complaint.lat,
                lon=complaint.lon,
                text=complaint.text,
                exclude=complaint,
                public=False,
            )
            if Action.MARK_DUPLICATE in actions
            else [],
            "events": _timeline(complaint, staff=True),
            "answers": attributes.labelled(complaint.category, complaint.attributes),
            "before_photos": [p for p in photos if p.kind == "before"],
            "after_photos": [p for p in photos if p.kind == "after"],
            "actions": [a.value for a in actions],
            "now": timezone.now(),
            # The agency it is with, else the one the routing rules name for it.
            "assign_form": forms.AssignForm(
                initial={
                    "agency": complaint.agency
                    or routing.agency_for(complaint.category, complaint.region)
                }
            ),
            "correct_form": forms.CorrectForm(initial={"category": complaint.category}),
            "duplicate_form": forms.DuplicateForm(),
            "note_form": forms.NoteForm(),
            "photo_form": forms.PhotoNoteForm(),
            "reporter_reachable": services.reporter_reachable(complaint),
            **_conversation(complaint),
        },
    )


def _conversation(complaint: Complaint) -> dict[str, Any]:
    """The question the complaint waits on, and the answer the city has not acted on yet."""
    question = services.current_question(complaint)
    answer = None
    if complaint.reporter_answered_at is not None:
        answer = (
            complaint.events.filter(action=Action.ANSWER)
            .select_related("photo")
            .order_by("-created_at", "-id")
            .first()
        )
    return {
        "question": question,
        "answer": answer,
        "answer_by": deadlines.answer_due(complaint.clock_paused_at)
        if question and complaint.clock_paused_at
        else None,
    }


def _forwarding_context(user: User, complaint: Complaint) -> dict[str, Any]:
    """Where the complaint was sent on to and, for an operator, where it may be sent by hand.

    Read through open311 lazily: complaints does not depend on it (DESIGN.md, imports)."""
    from balaikota.open311 import forwarding

    return {
        "forwards": list(complaint.forwards.select_related("target")),
        "forward_targets": forwarding.targets_for_hand(complaint)
        if roles.is_operator(user)
        else [],
    }


def _suggestions(complaint: Complaint) -> list[dict[str, Any]]:
    """The routing model's ranking at intake, with the words behind its first choice."""
    if not complaint.suggestions:
        return []
    slugs = [s["category"] for s in complaint.suggestions]
    names = {c.slug: c.display_name for c in Category.objects.filter(slug__in=slugs)}
    rows = [
        {"name": names.get(s["category"], s["category"]), "score": round(100 * s["score"])}
        for s in complaint.suggestions
    ]
    rows[0]["words"] = router.current_router().explain(complaint.text, slugs[0])
    return rows


@login_required
@require_POST
def staff_action(request: HttpRequest, ticket: str, action: str) -> HttpResponse:
    user = _staff_only(request)
    if user is None:
        raise PermissionDenied(_("This page is for city staff."))
    complaint = selectors.complaint_for_staff(user, ticket)
    note = request.POST.get("note", "")
    try:
        _run_staff_action(request, user, complaint, action, note)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": ACTION_LABELS[Action(action)]}
        )
        if action == Action.RETURN or (
            action == Action.ASSIGN and not roles.reads_whole_city(user)
        ):
            return redirect("complaints:inbox")
    if not selectors.visible_to_staff(user).filter(pk=complaint.pk).exists():
        return redirect("complaints:staff_home")
    return redirect("complaints:staff_detail", ticket=complaint.ticket)


def _run_staff_action(
    request: HttpRequest, user: User, complaint: Complaint, action: str, note: str
) -> None:
    if action == Action.VERIFY:
        services.verify_complaint(complaint, user, note)
    elif action == Action.ASSIGN:
        form = forms.AssignForm(request.POST)
        if not form.is_valid():
            raise TransitionNotAllowed(_("Choose an agency."))
        services.assign_complaint(complaint, user, form.cleaned_data["agency"], note)
    elif action == Action.CORRECT:
        correct = forms.CorrectForm(request.POST)
        if not correct.is_valid():
            raise TransitionNotAllowed(_("Check the category and the coordinates."))
        services.correct_complaint(
            complaint,
            user,
            category=correct.cleaned_data["category"],
            lat=correct.cleaned_data["lat"],
            lon=correct.cleaned_data["lon"],
            note=note,
        )
    elif action == Action.REJECT:
        services.reject_complaint(complaint, user, note)
    elif action == Action.MARK_DUPLICATE:
        code = normalise_ticket(request.POST.get("original", ""))
        original = Complaint.objects.filter(ticket=code).first()
        if original is None:
            raise TransitionNotAllowed(
                _("No complaint has the tracking code %(ticket)s.") % {"ticket": code}
            )
        services.mark_duplicate(complaint, user, original, note)
    elif action == Action.ACCEPT:
        services.accept_complaint(complaint, user, note)
    elif action == Action.NOTE:
        services.add_progress_note(complaint, user, note, request.FILES.get("photo"))
    elif action == Action.RETURN:
        services.return_to_operator(complaint, user, note)
    elif action == Action.RESOLVE:
        services.resolve_complaint(complaint, user, note, request.FILES.get("photo"))
    elif action == Action.ASK:
        services.ask_reporter(complaint, user, note)
    elif action == Action.RESUME:
        services.continue_without_answer(complaint, user, note)
    elif action == Action.FORWARD:
        _forward_by_hand(request, user, complaint, note)
    else:
        raise TransitionNotAllowed(_("Unknown action."))


def _forward_by_hand(request: HttpRequest, user: User, complaint: Complaint, note: str) -> None:
    from balaikota.open311 import forwarding
    from balaikota.open311.models import ForwardingTarget

    if not roles.is_operator(user):
        raise TransitionNotAllowed(_("Only an operator can forward a complaint."))
    chosen = request.POST.get("target", "")
    target = (
        ForwardingTarget.objects.filter(pk=int(chosen), is_active=True).first()
        if chosen.isdigit()
        else None
    )
    if target is None:
        raise TransitionNotAllowed(_("Choose the system to forward it to."))
    forwarding.forward_by_hand(complaint, user, target, note)


@login_required
def my_notices(request: HttpRequest) -> HttpResponse:
    """A signed-in citizen's own notices: every step of their complaints. Opening the page
    marks them read."""
    from balaikota.notifications.models import Notice

    user = cast(User, request.user)
    page = Paginator(Notice.objects.filter(user=user), PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    unread = [n.pk for n in page if n.read_at is None]
    response = render(request, "complaints/my_notices.html", {"page": page})
    if unread:
        Notice.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return response


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    from balaikota.notifications.models import Notice

    user = cast(User, request.user)
    page = Paginator(Notice.objects.filter(user=user), PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    if request.method == "POST":
        Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("complaints:notices")
    return render(request, "complaints/staff/notices.html", {"page": page})


@csrf_exempt
@require_POST
def gateway_inbound(request: HttpRequest) -> HttpResponse:
    """The SMS/WhatsApp gateway's webhook: JSON or form fields, a shared secret."""
    secret = settings.GATEWAY_SECRET
    if not secret:
        raise Http404("the gateway is not configured")
    # Per address (wrong secrets included), then per sender below: each message is answered
    # by a text, so a flood from one number would cost the city one reply each.
    wait = ratelimit.check(request, "gateway", settings.RATE_LIMIT_GATEWAY)
    if wait:
        return endpoint_errors.error_response(
            request, 429, ratelimit.wait_message(wait), retry_after=wait
        )
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or (
        request.headers.get("X-Gateway-Secret", "")
    )
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"ok": False, "error": "wrong or missing secret"}, status=403)
    try:
        data = (
            json.loads(request.body)
            if request.content_type == "application/json"
            else request.POST.dict()
        )
        if not isinstance(data, dict):
            raise gateway.GatewayInvalid("send a JSON object")
        message = gateway.parse(data)
    except (ValueError, gateway.GatewayInvalid) as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    wait = ratelimit.hit(
        f"gateway:sender:{ratelimit.fingerprint(message.sender)}", settings.RATE_LIMIT_REPORTS
    )
    if wait:
        # The gateway delivers the message again later; nothing is texted now.
        return endpoint_errors.error_response(
            request, 429, ratelimit.wait_message(wait), retry_after=wait
        )
    return JsonResponse({"ok": True, "reply": gateway.handle(message)})
