"""Documents: the performance agreement (PK) as PDF, and the quarterly evaluation table
(TW I-IV) as Excel (openpyxl) and PDF (fpdf2). Documents are in the city's language."""

from __future__ import annotations

import functools
import importlib.util
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook

from balaikota.agencies.models import Agency
from balaikota.performance import periods, selectors, services
from balaikota.performance.models import BandChoice, Commitment, Offer, TrackStatus

QUARTER_LABELS = [periods.label(q) for q in (1, 2, 3, 4)]


def city_head() -> str:
    """The head of the city by title: "Wali Kota Malang" for Kota Malang, "Bupati Malang"
    for Kabupaten Malang (the city's name said once, not "Wali Kota Kota Malang")."""
    name = settings.CITY_NAME
    if name.startswith("Kota "):
        return _("Mayor of %(place)s") % {"place": name.removeprefix("Kota ")}
    if name.startswith("Kabupaten "):
        return _("Regent of %(place)s") % {"place": name.removeprefix("Kabupaten ")}
    return _("The head of %(city)s") % {"city": name}


# The documents' font: DejaVu Sans, which covers Indonesian names as written (’, é, ≥, …).
# It comes with matplotlib's data; found without importing matplotlib.
FONT_FAMILY = "DejaVuSans"
_FONT_STYLES = {"": "", "B": "-Bold", "I": "-Oblique", "BI": "-BoldOblique"}


# fontTools tells of every table it subsets, at INFO: not news for the application's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@functools.cache
def _font_dir() -> Path:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The PDFs' font comes with matplotlib, which is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _target_text(c: Commitment) -> str:
    if c.low is not None and c.high is not None:
        return f"{_num(c.low)} - {_num(c.high)}"
    return _num(c.value)


class _Document(FPDF):
    """A PDF whose DejaVu Sans styles are loaded when first used (each takes a moment)."""

    def set_font(self, family: str | None = None, style: Any = "", size: float = 0) -> None:
        if (family or self.font_family or FONT_FAMILY).lower() == FONT_FAMILY.lower():
            face = "".join(
                sorted(c for c in str(getattr(style, "style", style)).upper() if c in "BI")
            )
            if FONT_FAMILY.lower() + face not in self.fonts:
                self.add_font(
                    FONT_FAMILY, face, _font_dir() / f"DejaVuSans{_FONT_STYLES[face]}.ttf"
                )
        super().set_font(family, style, size)


def _pdf(title: str, when: object, orientation: str = "P") -> FPDF:
    """An A4 document with its title, in the Unicode font: `pdf.set_font(style=..., size=...)`
    without a family keeps that font."""
    pdf = _Document(orientation=orientation, format="A4")
    pdf.set_creation_date(when)  # type: ignore[arg-type]
    pdf.set_title(title)
    pdf.set_author(settings.CITY_NAME)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 13)
    pdf.multi_cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(style="", size=9)
    return pdf


@dataclass(frozen=True)
class Seal:
    """What the PK says about its own signature and where to verify it."""

    code: str
    signed_by: str
    is_demo: bool
    accepted_at: Any
    amends: str = ""


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("performance:verify_agreement", args=[code])


def _qr_png(text: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font(style="B", size=10)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=9)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")


def agreement_pdf(offer: Offer, items: Sequence[Commitment], seal: Seal | None = None) -> bytes:
    """The PK: parties, indicators with their quarterly targets, the action plan, the pact
    of integrity and the holder's pact hash, the mayor's acceptance and its date, and (once
    signed) the short code and QR code of its public verification page. All of it is in the
    content the city's signature covers."""
    with translation.override(settings.LANGUAGE_CODE):
        first = items[0]
        official = first.official
        title = _("PERFORMANCE AGREEMENT %(year)s") % {"year": offer.auction.year}
        pdf = _pdf(title, seal.accepted_at if seal else first.signed_at)
        if seal and seal.is_demo:
            pdf.set_text_color(176, 0, 32)
            pdf.set_font(style="B", size=10)
            _paragraph(
                pdf,
                _(
                    "DEMO SIGNATURE: signed with a demonstration certificate, not the "
                    "city's key. This document has no legal force."
                ),
            )
            pdf.set_text_color(0, 0, 0)
            pdf.set_font(style="", size=9)
            pdf.ln(1)
        _heading(pdf, _("First party"))
        acting = _(" (acting, Plt)") if first.is_acting else ""
        _paragraph(
            pdf,
            f"{official.name}{acting} - NIP {official.nip or '-'}\n{first.position.title}, "
            f"{offer.position.agency.name}",
        )
        _heading(pdf, _("Second party"))
        _paragraph(pdf, city_head())
        pdf.ln(2)
        headings = [_("Indicator"), _("Unit"), _("Year"), *QUARTER_LABELS]
        widths = [62, 22, 22, 21, 21, 21, 21]
        with pdf.table(col_widths=widths, text_align="LEFT") as table:
            table.row(headings)
            for c in items:
                table.row(
                    [c.indicator.name, c.indicator.unit, _target_text(c)]
                    + [_num(c.quarter_target(q)) for q in (1, 2, 3, 4)]
                )
        pdf.ln(3)
        plan = first.action_plan or {}
        if plan:
            _heading(pdf, _("Action plan"))
            for q in (1, 2, 3, 4):
                _paragraph(pdf, f"{periods.label(q)}: {plan.get(str(q), '')}")
        pdf.ln(2)
        _heading(pdf, _("Pact of integrity"))
        _paragraph(pdf, services.PACT_OF_INTEGRITY)
        pdf.ln(2)
        when = timezone.localtime(seal.accepted_at if seal else first.signed_at)
        _paragraph(
            pdf,
            _("The first party confirmed the pact of integrity. Pact hash (SHA-256): %(hash)s")
            % {"hash": offer.pact_hash or "-"},
        )
        _paragraph(
            pdf,
            _("Accepted by the second party on %(date)s.")
            % {"date": when.strftime("%d-%m-%Y %H:%M")},
        )
        if seal is None:
            return bytes(pdf.output())
        if seal.amends:
            _paragraph(
                pdf,
                _("This agreement amends agreement %(code)s.") % {"code": seal.amends},
            )
        pdf.ln(2)
        url = verification_url(seal.code)
        top = pdf.get_y()
        if top > pdf.h - 50:
            pdf.add_page()
            top = pdf.get_y()
        pdf.image(_qr_png(url), x=pdf.l_margin, y=top, w=32, h=32)
        pdf.set_xy(pdf.l_margin + 36, top)
        pdf.multi_cell(
            0,
            5,
            _(
                "Signed electronically (PAdES) with the certificate of %(signer)s.\n"
                "Code %(code)s. Check this document at %(url)s"
            )
            % {"signer": seal.signed_by, "code": seal.code, "url": url},
            new_x="LMARGIN",
            new_y="NEXT",
        )
        return bytes(pdf.output())


def _evaluation_rows(rows: Sequence[selectors.CommitmentRow]) -> list[list[object]]:
    bands = dict(BandChoice.choices)
    statuses = dict(TrackStatus.choices)
    table: list[list[object]] = []
    for row in rows:
        c = row.commitment
        line: list[object] = [
            c.agency.short_name,
            c.indicator.name,
            c.indicator.unit,
            # A number stays a number in Excel; only a range (two numbers) is text.
            c.value if c.low is None or c.high is None else _target_text(c),
        ]
        for quarter in row.quarters:
            line += [quarter.target, quarter.actual, quarter.achievement]
        line += [
            row.score.achievement,
            str(bands[row.score.band.value]) if row.score.band else "",
            str(statuses[row.score.status.value]),
        ]
        table.append(line)
    return table


def _evaluation_headings() -> list[str]:
    headings = [_("Agency"), _("Indicator"), _("Unit"), _("Year's target")]
    for label in QUARTER_LABELS:
        headings += [
            _("%(quarter)s target") % {"quarter": label},
            _("%(quarter)s actual") % {"quarter": label},
            _("%(quarter)s achievement (%%)") % {"quarter": label},
        ]
    return [*headings, _("Achievement to date (%)"), _("Band"), _("Status")]


def _evaluation_title(year: int, agency: Agency | None) -> str:
    if agency is None:
        return _("Quarterly performance evaluation %(year)s: %(city)s") % {
            "year": year,
            "city": settings.CITY_NAME,
        }
    return _("Quarterly performance evaluation %(year)s: %(agency)s") % {
        "year": year,
        "agency": agency.name,
    }


def evaluation_xlsx(
    rows: Sequence[selectors.CommitmentRow], year: int, agency: Agency | None
) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Evaluation"))
        sheet.append([_evaluation_title(year, agency)])
        sheet.append([])
        headings = _evaluation_headings()
        sheet.append(headings)
        for line in _evaluation_rows(rows):
            sheet.append(line)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def evaluation_pdf(
    rows: Sequence[selectors.CommitmentRow], year: int, agency: Agency | None
) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        pdf = _pdf(_evaluation_title(year, agency), timezone.now(), orientation="L")
        pdf.set_font(style="", size=7)
        headings = [_("Agency"), _("Indicator"), _("Year's target")]
        for label in QUARTER_LABELS:
            headings += [f"{label} T", f"{label} R", f"{label} %"]
        headings += [_("Achievement to date (%)"), _("Band")]
        widths = [22, 50, 16] + [14] * 12 + [16, 18]
        with pdf.table(col_widths=widths, text_align="LEFT") as table:
            table.row([str(h) for h in headings])
            for line in _evaluation_rows(rows):
                agency_name, name, _unit, target, *quarters, ytd, band_label, _status = line
                shown = _num(target) if isinstance(target, float) or target is None else target
                cells = [str(agency_name), str(name), str(shown)]
                cells += [
                    _num(v) if isinstance(v, float) or v is None else str(v) for v in quarters
                ]
                cells += [
                    _num(ytd) if isinstance(ytd, float) or ytd is None else str(ytd),
                    str(band_label),
                ]
                table.row(cells)
        pdf.ln(2)
        pdf.multi_cell(
            0,
            4,
            str(_("T: target, R: actual (realisasi), %: achievement (capaian).")),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        return bytes(pdf.output())
