"""The performance pages: thin; permission through `access`, changes through services."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from balaikota.agencies.models import Agency, Official, Position
from balaikota.core import endpoint_errors, ratelimit
from balaikota.core.models import User
from balaikota.performance import (
    access,
    agreements,
    cascade,
    exports,
    forms,
    lkjip,
    monitoring,
    periods,
    selectors,
    services,
)
from balaikota.performance.access import NotAllowed
from balaikota.performance.models import (
    Agreement,
    Auction,
    BandChoice,
    CheckIn,
    CheckInStatus,
    Indicator,
    Offer,
    OfferStatus,
    Reassignment,
    Review,
    Target,
    TrackStatus,
)
from balaikota.performance.services import InvalidInput

PAGE_SIZE = 50
# Reports on posts the user held before, on "Kinerja saya".
PAST_PER_PAGE = 20


def _page(request: HttpRequest, qs: QuerySet[Any], size: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(qs, size).get_page(request.GET.get("halaman"))


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("tahun", ""))
    except ValueError:
        return timezone.localdate().year


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _attempt(request: HttpRequest, step: Callable[[], object], done: str) -> bool:
    """Run a service; report success, or the reason it was refused, as a message."""
    try:
        step()
    except InvalidInput as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
        return False
    except NotAllowed as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


def _form_errors(request: HttpRequest, form: Any) -> None:
    for error in _errors_of(form):
        messages.error(request, error)


def _labels() -> dict[str, Any]:
    return {"band_labels": dict(BandChoice.choices), "status_labels": dict(TrackStatus.choices)}


# --- Public -------------------------------------------------------------------------------


def board(request: HttpRequest) -> HttpResponse:
    """The public target board (/kinerja): who committed to what, verified figures only."""
    year = _year(request)
    page = _page(request, selectors.commitments(year))
    rows = selectors.rows_for(page.object_list, verified_only=True)
    # Beside each achievement, the budget of the programmes behind its Renstra target.
    found = cascade.efficiencies(rows, year)
    return render(
        request,
        "performance/board.html",
        {
            "year": year,
            "years": selectors.years(),
            "page": page,
            "rows": rows,
            "lines": [(row, found[row.commitment.pk]) for row in rows],
            "agencies": _reporting_agencies(year),
            "query": f"tahun={year}",
            **_labels(),
        },
    )


def _reporting_agencies(year: int) -> QuerySet[Agency]:
    """The agencies with a commitment in `year`: those with an LKjIP to download."""
    agency_ids = selectors.commitments(year).values("agency_id")
    return Agency.objects.filter(pk__in=agency_ids).order_by("short_name")


@require_GET
def ranking_csv(request: HttpRequest) -> HttpResponse:
    """The city dashboard's ranking of agencies as CSV (public, verified figures only)."""
    year = _year(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kinerja-peringkat-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Rank"),
            _("Agency code"),
            _("Agency"),
            _("Achievement (%)"),
            _("Band"),
            _("Commitments"),
        ]
    )
    for row in selectors.ranking_rows(year):
        writer.writerow(
            [
                row["rank"],
                row["code"],
                row["agency"],
                "" if row["achievement"] is None else row["achievement"],
                row["band_label"],
                row["commitments"],
            ]
        )
    return response


# --- Heads of agency ----------------------------------------------------------------------


def _with_history(
    rows: list[selectors.CommitmentRow], year: int, quarter: int
) -> list[tuple[selectors.CommitmentRow, list[CheckIn], bool]]:
    """Each commitment with all its check-ins, and whether the quarter due is reported."""
    result = []
    for row in rows:
        history = list(row.commitment.check_ins.all())
        reported = row.commitment.year != year or any(
            c.quarter == quarter and c.status != CheckInStatus.DRAFT for c in history
        )
        result.append((row, history, reported))
    return result


def _due_notice(
    rows: list[tuple[selectors.CommitmentRow, list[CheckIn], bool]],
    year: int,
    quarter: int,
    today: dt.date,
) -> dict[str, Any] | None:
    """What the head is reminded of: the last quarter, while a commitment of its year has not
    reported it (late once its deadline passed), else the next quarter; nothing without a
    commitment of that year."""
    days = monitoring.check_in_days()
    of_year = [reported for row, _history, reported in rows if row.commitment.year == year]
    missing = of_year.count(False)
    if missing:
        deadline = periods.check_in_deadline(year, quarter, days)
        kind = "late" if today > deadline else "due"
        return {
            "kind": kind,
            "label": periods.label(quarter),
            "year": year,
            "date": deadline,
            "missing": missing,
        }
    next_year, next_quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    if not any(row.commitment.year == next_year for row, _history, _reported in rows):
        return None
    return {
        "kind": "next",
        "label": periods.label(next_quarter),
        "year": next_year,
        "date": periods.check_in_deadline(next_year, next_quarter, days),
    }


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Kinerja saya: offers to answer and commitments to report on."""
    user = _user(request)
    offers = selectors.offers_for_holder(user)
    commitments = list(selectors.commitments_for_holder(user))
    rows = selectors.rows_for(commitments, verified_only=False)
    today = timezone.localdate()
    for offer in offers:
        # Shown beside the deadline, as the reminders count it (silence is a decline).
        offer.days_left = (timezone.localtime(offer.auction.deadline).date() - today).days  # type: ignore[attr-defined]
        if offer.status == OfferStatus.APPOINTED:
            # An appointee starts from the post's last action plan.
            plan = services.previous_plan(offer)
            offer.plan_fields = [  # type: ignore[attr-defined]
                (f"plan_{q}", forms.CommitForm.base_fields[f"plan_{q}"].label, plan.get(str(q), ""))
                for q in (1, 2, 3, 4)
            ]
    year, quarter = periods.last_ended_quarter(today)
    with_history = _with_history(rows, year, quarter)
    past = Paginator(selectors.past_check_ins_for(user), PAST_PER_PAGE).get_page(
        request.GET.get("lama")
    )
    return render(
        request,
        "performance/mine.html",
        {
            "offers": offers,
            "past_check_ins": past,
            "rows": with_history,
            "due_year": year,
            "due_quarter": quarter,
            "due_label": periods.label(quarter),
            "due": _due_notice(with_history, year, quarter, today),
            "commit_form": forms.CommitForm(),
            "check_in_form": forms.CheckInForm(initial={"quarter": quarter}),
            "pact": services.PACT_OF_INTEGRITY,
            **_labels(),
        },
    )


@login_required
@require_POST
def answer(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = _user(request)
    offer = access.get_offer_for_holder(user, pk)
    if kind == "commit":
        form = forms.CommitForm(request.POST)
        done = (
            _("You confirmed your pact: the post's targets are now yours.")
            if offer.status == OfferStatus.APPOINTED
            else _("You committed to the targets; the mayor's office will sign the agreement.")
        )
        if form.is_valid():
            _attempt(
                request,
                lambda: services.commit(
                    user, offer, action_plan=form.plan(), pact_confirmed=form.cleaned_data["pact"]
                ),
                done,
            )
        else:
            _form_errors(request, form)
    elif kind == "counter":
        proposal, errors = forms.item_values(request.POST, offer.items.all())
        if errors:
            messages.error(request, _("Some proposed values are not numbers."))
        else:
            _attempt(
                request,
                lambda: services.counter(
                    user, offer, proposal=proposal, reason=request.POST.get("reason", "")
                ),
                _("Your counter-proposal was sent to the mayor's office."),
            )
    elif kind == "decline":
        _attempt(
            request,
            lambda: services.decline(user, offer, reason=request.POST.get("reason", "")),
            _("You declined the offer."),
        )
    else:
        raise Http404
    return redirect("performance:mine")


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a check-in. Through htmx a refused one is answered next to the form, which stays
    as it was typed, the chosen evidence files included; without JavaScript, as a message."""
    user = _user(request)
    commitment = access.get_commitment_for_holder(user, pk)
    form = forms.CheckInForm(request.POST)
    done = _("Your check-in was sent for verification.")
    errors = _errors_of(form)
    if not errors:
        data = monitoring.CheckInInput(files=request.FILES.getlist("evidence"), **form.cleaned_data)
        try:
            monitoring.submit_check_in(user, commitment, data)
        except InvalidInput as exc:
            errors = [error for group in exc.errors.values() for error in group]
        except NotAllowed as exc:
            errors = [str(exc)]
    if not getattr(request, "htmx", False):
        for error in errors:
            messages.error(request, error)
        if not errors:
            messages.success(request, done)
        return redirect("performance:mine")
    if errors:
        return render(request, "performance/_check_in_refused.html", {"errors": errors})
    messages.success(request, done)
    return HttpResponseClientRedirect(reverse("performance:mine"))


def _errors_of(form: Any) -> list[str]:
    """A form's errors, each named by its field's label."""
    if form.is_valid():
        return []
    labels = {name: field.label for name, field in form.fields.items()}
    return [
        f"{labels[name]}: {error}" if labels.get(name) else str(error)
        for name, errors in form.errors.items()
        for error in errors
    ]


# --- Verifiers ------------------------------------------------------------------------------


@login_required
def verify_queue(request: HttpRequest) -> HttpResponse:
    if not access.is_verifier(request.user):
        raise Http404
    page = _page(request, selectors.verification_queue(), 25)
    return render(
        request,
        "performance/verify.html",
        {"page": page, "query": "", "note_form": forms.NoteForm(), **_labels()},
    )


@login_required
@require_POST
def review_check_in(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Verify or return; with htmx the queue's card is swapped for the result in place."""
    user = _user(request)
    item = access.get_check_in_for_verifier(user, pk)
    note = request.POST.get("note", "")
    steps: dict[str, tuple[Callable[[], CheckIn], str]] = {
        "verify": (lambda: monitoring.verify_check_in(user, item, note), _("Verified.")),
        "return": (
            lambda: monitoring.return_check_in(user, item, note),
            _("Returned to the holder for correction."),
        ),
    }
    if kind not in steps:
        raise Http404
    step, done = steps[kind]
    if not getattr(request, "htmx", False):
        _attempt(request, step, done)
        return redirect("performance:verify_queue")
    try:
        result = step()
    except (InvalidInput, NotAllowed) as exc:
        errors = exc.errors.values() if isinstance(exc, InvalidInput) else [[str(exc)]]
        item.refresh_from_db()
        return render(
            request,
            "performance/_verify_item.html",
            {"ci": item, "error": " ".join(e for group in errors for e in group), **_labels()},
        )
    return render(request, "performance/_verify_done.html", {"check_in": result})


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    item = access.get_evidence_for_reader(request.user, pk)
    handle = storages["private"].open(item.file, "rb")
    return FileResponse(handle, as_attachment=True, filename=item.name)


# --- The mayor's office --------------------------------------------------------------------


def _panel_only(request: HttpRequest) -> User:
    user = _user(request)
    if not access.is_panel(user):
        raise Http404
    return user


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """Indicators and targets of a year, and the auction rounds."""
    _panel_only(request)
    year = _year(request)
    targets = Target.objects.filter(year=year).select_related("indicator")
    positions = Position.objects.filter(is_head=True, agency__is_active=True).select_related(
        "agency"
    )
    return render(
        request,
        "performance/plan.html",
        {
            "year": year,
            "indicators": _page(
                request, Indicator.objects.select_related("rpjmd_indicator__target__goal")
            ),
            "targets": targets,
            "positions": positions,
            "auctions": selectors.auctions()[:20],
            "reviews": selectors.open_reviews(),
            "indicator_form": forms.IndicatorForm(),
            "target_form": forms.TargetForm(initial={"year": year}),
            "auction_form": forms.AuctionForm(),
            "review_form": forms.ReviewForm(),
            "query": f"tahun={year}",
        },
    )


@login_required
@require_POST
def plan_action(request: HttpRequest, kind: str) -> HttpResponse:
    user = _panel_only(request)
    year = _year(request)
    if kind == "indicator":
        form: Any = forms.IndicatorForm(request.POST)
        if form.is_valid():
            data = services.IndicatorInput(**form.cleaned_data)
            _attempt(request, lambda: services.create_indicator(user, data), _("Indicator saved."))
        else:
            _form_errors(request, form)
    elif kind == "target":
        form = forms.TargetForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            indicator = form.cleaned_data["indicator"]
            _attempt(
                request,
                lambda: services.set_target(user, indicator, year, form.values()),
                _("Target saved."),
            )
        else:
            _form_errors(request, form)
    elif kind == "copy":
        _attempt(
            request,
            lambda: services.copy_targets_forward(user, year),
            _("The targets were copied to the next year."),
        )
        year += 1
    elif kind == "auction":
        return _open_auction(request, user, year)
    else:
        raise Http404
    return redirect(f"{reverse('performance:plan')}?tahun={year}")


def _open_auction(request: HttpRequest, user: User, year: int) -> HttpResponse:
    form = forms.AuctionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(f"{reverse('performance:plan')}?tahun={year}")
    targets = {t.pk: t for t in Target.objects.filter(year=year)}
    packages = {}
    for position in Position.objects.filter(is_head=True).select_related("agency"):
        chosen = [
            targets[int(v)]
            for v in request.POST.getlist(f"targets-{position.pk}")
            if v.isdigit() and int(v) in targets
        ]
        if chosen:
            packages[position] = chosen
    result: dict[str, Auction] = {}

    def run() -> None:
        result["auction"] = services.open_auction(
            user,
            year=year,
            title=form.cleaned_data["title"],
            deadline=form.cleaned_data["deadline"],
            packages=packages,
        )

    if _attempt(request, run, _("The auction round is open; the holders were notified.")):
        return redirect("performance:auction", pk=result["auction"].pk)
    return redirect(f"{reverse('performance:plan')}?tahun={year}")


@login_required
def auction(request: HttpRequest, pk: int) -> HttpResponse:
    _panel_only(request)
    item = get_object_or_404(Auction, pk=pk)
    offers = selectors.auction_offers(item)
    return render(
        request,
        "performance/auction.html",
        {
            "auction": item,
            "offers": offers,
            "officials": Official.objects.order_by("name"),
            "statuses": OfferStatus,
        },
    )


@login_required
@require_POST
def offer_action(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = _panel_only(request)
    offer = access.get_offer_for_panel(user, pk)
    if kind == "accept":
        _attempt(request, lambda: services.accept(user, offer), _("The agreement is signed."))
    elif kind == "revise":
        values, errors = forms.item_values(request.POST, offer.items.all())
        if errors:
            messages.error(request, _("Some proposed values are not numbers."))
        else:
            _attempt(
                request,
                lambda: services.revise_offer(
                    user, offer, values=values, note=request.POST.get("note", "")
                ),
                _("The revised offer was sent to the holder."),
            )
    elif kind == "reassign":
        form: Any = forms.ReassignmentForm(request.POST)
        if form.is_valid():
            _attempt(
                request,
                lambda: services.open_reassignment(
                    user,
                    offer,
                    candidates=form.cleaned_data["candidates"],
                    reason=form.cleaned_data["reason"],
                ),
                _("The reassignment is open for the mayor's decision."),
            )
        else:
            _form_errors(request, form)
    elif kind == "decide":
        reassignment = get_object_or_404(Reassignment, offer=offer, state="open")
        form = forms.DecisionForm(request.POST, candidates=reassignment.candidates.all())
        if form.is_valid():
            _attempt(
                request,
                lambda: services.decide_reassignment(
                    user,
                    reassignment,
                    official=form.cleaned_data["official"],
                    is_acting=form.cleaned_data["is_acting"],
                    note=form.cleaned_data["note"],
                ),
                _(
                    "The mayor's decision is recorded; the targets pass to the new holder "
                    "when they confirm their own pact."
                ),
            )
        else:
            _form_errors(request, form)
    else:
        raise Http404
    return redirect("performance:auction", pk=offer.auction_id)


@login_required
@require_POST
def review_action(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = _panel_only(request)
    review = get_object_or_404(Review, pk=pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    elif kind == "recommend":
        _attempt(
            request,
            lambda: monitoring.recommend(
                user, review, form.cleaned_data["choice"], form.cleaned_data["note"]
            ),
            _("The recommendation is recorded."),
        )
    elif kind == "decide":
        _attempt(
            request,
            lambda: monitoring.decide_review(
                user,
                review,
                form.cleaned_data["choice"],
                form.cleaned_data["note"],
                list(form.cleaned_data["candidates"]),
            ),
            _("The mayor's decision is recorded."),
        )
    else:
        raise Http404
    return redirect("performance:plan")


# --- Dashboard, drill-down and exports -------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The mayor's dashboard: agencies ranked, traffic lights, trend, drill-down."""
    if not access.sees_dashboard(request.user):
        raise Http404
    year = _year(request)
    rows = selectors.commitment_rows(year)
    return render(
        request,
        "performance/dashboard.html",
        {
            "year": year,
            "years": selectors.years(),
            "ranking": selectors.rank_agencies(rows),
            "rows": rows,
            "trend": list(
                zip(["TW I", "TW II", "TW III", "TW IV"], selectors.trend(rows), strict=True)
            ),
            **_labels(),
        },
    )


@login_required
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = access.get_commitment_for_reader(user, pk)
    sees_all = access.sees_all_of(user, item)
    reports = CheckIn.objects.filter(commitment=item)
    events = item.events.select_related("actor").order_by("created_at", "id")
    if not sees_all:
        # A former holder: their own reports and what happened to them, nothing else.
        reports = reports.filter(submitted_by=user)
        events = events.filter(subject="checkin", subject_id__in=reports.values("pk"))
    check_ins = list(
        reports.select_related("submitted_by", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("quarter", "revision")
    )
    row = selectors.rows_for([item], verified_only=False)[0]
    # The budget behind the commitment's Renstra target, quarter by quarter.
    eff = cascade.efficiencies([row], item.year)[item.pk]
    money = cascade.quarter_budgets(item.year, eff.renstra) if eff.renstra else []
    return render(
        request,
        "performance/commitment.html",
        {
            "c": item,
            "row": row,
            "eff": eff,
            "budget_quarters": list(zip(row.quarters, money, strict=False)),
            "check_ins": check_ins,
            "events": events,
            "former_holder": not sees_all,
            **_labels(),
        },
    )


def _agreement_reader(request: HttpRequest, offer: Offer) -> None:
    user = request.user
    if not (access.sees_dashboard(user) or access.holds(user, offer.position_id)):
        raise Http404


@login_required
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The post's current signed agreement, for its holder and the mayor's office."""
    offer = get_object_or_404(
        Offer.objects.select_related("auction", "position__agency", "official"), pk=pk
    )
    _agreement_reader(request, offer)
    found = agreements.for_offer(offer)
    if found is None:
        raise Http404
    return _signed_pdf(found)


def _signed_pdf(found: Agreement) -> HttpResponse:
    response = HttpResponse(agreements.document(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="PK-{found.code}.pdf"'
    return response


# Larger than any agreement we sign; an upload is read into memory to be checked.
VERIFY_MAX_BYTES = 5 * 1024 * 1024
# Checks of uploaded copies per client address: validating a signature costs some work.
VERIFY_RATE = (30, 3600)


def _public_agreement(code: str) -> Agreement:
    return get_object_or_404(
        Agreement.objects.select_related(
            "offer__auction", "offer__position__agency", "official", "superseded_by"
        ),
        code=agreements.normalise_code(code),
    )


@require_http_methods(["GET", "POST"])
def verify_agreement(request: HttpRequest, code: str) -> HttpResponse:
    """Public: a signed agreement (PK) by its short code, its versions, and a form to check
    that a PDF is this agreement as the city signed it."""
    found = _public_agreement(code)
    result = None
    if request.method == "POST":
        upload = request.FILES.get("document")
        wait = ratelimit.check(request, "pk-verify", VERIFY_RATE)
        if wait:
            messages.error(request, ratelimit.wait_message(wait))
        elif upload is None:
            messages.error(request, _("Choose the PDF file to check."))
        elif upload.size is not None and upload.size > VERIFY_MAX_BYTES:
            messages.error(request, _("This file is too large to be a performance agreement."))
        else:
            result = agreements.check(found, upload.read())
    return render(
        request,
        "performance/agreement.html",
        {
            "agreement": found,
            "versions": agreements.chain(found),
            "committed_at": agreements.committed_at(found),
            "result": result,
            "head": exports.city_head(),
        },
        status=200 if result is None or result.genuine else 422,
    )


@require_GET
def agreement_download(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the signed PDF, as the city signed it."""
    return _signed_pdf(_public_agreement(code))


def _evaluation_scope(request: HttpRequest) -> Agency | None:
    code = request.GET.get("opd", "")
    agency = get_object_or_404(Agency, code=code) if code else None
    user = request.user
    if access.sees_dashboard(user):
        return agency
    held = Position.objects.filter(pk__in=access.held_positions(user)).values_list(
        "agency_id", flat=True
    )
    if agency is None or agency.pk not in set(held):
        raise Http404
    return agency


@login_required
def evaluation_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The quarterly evaluation table (TW I-IV) of an agency (?opd=code) or the city."""
    agency = _evaluation_scope(request)
    year = _year(request)
    rows = selectors.commitment_rows(year, agency)
    name = f"evaluasi-kinerja-{year}-{agency.code if agency else 'kota'}"
    if fmt == "xlsx":
        body = exports.evaluation_xlsx(rows, year, agency)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        body, kind = exports.evaluation_pdf(rows, year, agency), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- The cascade and the annual report (LKjIP) ---------------------------------------------


def cascade_page(request: HttpRequest) -> HttpResponse:
    """From the RPJMD to the budget (public): goals, targets and their indicators, the
    agencies' Renstra targets, and the budget of the programmes behind them."""
    year = _year(request)
    tree = cascade.budget_tree(year)
    goals = list(cascade.goals(year))
    cascade.annotate(goals, tree, year)
    return render(
        request,
        "performance/cascade.html",
        {"year": year, "years": selectors.years(), "goals": goals, "budget": tree},
    )


# Each download builds the report anew (a second or more of CPU): enough for anyone reading
# it, too few to keep the server busy with it.
LKJIP_RATE = (60, 3600)


@require_GET
def lkjip_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The year's LKjIP of an agency (?opd=code) or of the city, from verified figures:
    public, as the annual performance report is published."""
    wait = ratelimit.check(request, "lkjip", LKJIP_RATE)
    if wait:
        return endpoint_errors.error_response(
            request, 429, ratelimit.wait_message(wait), retry_after=wait
        )
    year = _year(request)
    code = request.GET.get("opd", "")
    agency = get_object_or_404(Agency, code=code) if code else None
    data = lkjip.report(year, agency)
    name = f"lkjip-{year}-{agency.code if agency else 'kota'}"
    if fmt == "xlsx":
        body = lkjip.xlsx(data)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        body, kind = lkjip.pdf(data), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
