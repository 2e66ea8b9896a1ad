"""Documents: the performance agreement (PK) as PDF, and the quarterly evaluation table
(TW I-IV) as Excel (openpyxl) and PDF (fpdf2). Documents are in the city's language."""

from __future__ import annotations

import functools
import importlib.util
import io
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
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


def _pdf(title: str, when: object, orientation: str = "P") -> FPDF:
    """An A4 document with its title, in the Unicode font: `pdf.set_font(style=..., size=...)`
    without a family keeps that font."""
    pdf = FPDF(orientation=orientation, format="A4")
    for style, suffix in _FONT_STYLES.items():
        pdf.add_font(FONT_FAMILY, style, _font_dir() / f"DejaVuSans{suffix}.ttf")
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


def agreement_pdf(offer: Offer, items: Sequence[Commitment]) -> bytes:
    """The PK: parties, indicators with their quarterly targets, the pact of integrity and
    its hash. The same agreement always gives the same bytes (its hash is recorded)."""
    with translation.override(settings.LANGUAGE_CODE):
        first = items[0]
        official = first.official
        title = _("PERFORMANCE AGREEMENT %(year)s") % {"year": offer.auction.year}
        pdf = _pdf(title, first.signed_at)
        pdf.set_font(style="B", size=10)
        pdf.cell(0, 6, str(_("First party")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(style="", size=9)
        acting = _(" (acting, Plt)") if first.is_acting else ""
        pdf.multi_cell(
            0,
            5,
            str(
                f"{official.name}{acting} - NIP {official.nip or '-'}\n{first.position.title}, "
                f"{offer.position.agency.name}"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font(style="B", size=10)
        pdf.cell(0, 6, str(_("Second party")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(style="", size=9)
        pdf.multi_cell(
            0,
            5,
            str(city_head()),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(2)
        headings = [_("Indicator"), _("Unit"), _("Year"), *QUARTER_LABELS]
        widths = [62, 22, 22, 21, 21, 21, 21]
        with pdf.table(col_widths=widths, text_align="LEFT") as table:
            table.row([str(h) for h in headings])
            for c in items:
                table.row(
                    [str(c.indicator.name), str(c.indicator.unit), _target_text(c)]
                    + [_num(c.quarter_target(q)) for q in (1, 2, 3, 4)]
                )
        pdf.ln(3)
        plan = first.action_plan or {}
        if plan:
            pdf.set_font(style="B", size=10)
            pdf.cell(0, 6, str(_("Action plan")), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(style="", size=9)
            for q in (1, 2, 3, 4):
                text = plan.get(str(q), "")
                pdf.multi_cell(
                    0, 5, str(f"{periods.label(q)}: {text}"), new_x="LMARGIN", new_y="NEXT"
                )
        pdf.ln(2)
        pdf.set_font(style="B", size=10)
        pdf.cell(0, 6, str(_("Pact of integrity")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(style="", size=9)
        pdf.multi_cell(0, 5, str(services.PACT_OF_INTEGRITY), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        signed = timezone.localtime(first.signed_at).strftime("%d-%m-%Y %H:%M")
        pdf.multi_cell(
            0,
            5,
            str(
                _("Signed electronically on %(date)s. Pact hash (SHA-256): %(hash)s")
                % {"date": signed, "hash": offer.pact_hash or "-"}
            ),
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
