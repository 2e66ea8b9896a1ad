"""The annual performance report (LKjIP, Laporan Kinerja Instansi Pemerintah) of an agency
or of the city, as PDF and Excel, from verified check-ins and the cascade's budget.

What it holds follows the LKjIP's chapter on performance accountability (PermenPANRB
53/2014, Lampiran III, Bab III): each indicator's target against its realisation; the
comparison with last year and with the RPJMD's target for the end of its period; the
achievements and the obstacles met (from the check-ins' notes); and the budget, its
realisation and the efficiency of its use (see `budget` for the formula).
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from balaikota.agencies.models import Agency
from balaikota.core import plaintext
from balaikota.core.redaction import redact
from balaikota.performance import budget, cascade, exports, periods, scoring, selectors
from balaikota.performance.models import (
    Aggregation,
    BandChoice,
    Commitment,
    RenstraTarget,
    RpjmdIndicator,
)

# Number formats of the Excel cells: figures, percentages and rupiah.
VALUE_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00"
RUPIAH_FORMAT = "#,##0"


@dataclass
class Line:
    """One indicator of the report: a commitment of the year with all it is compared to."""

    row: selectors.CommitmentRow
    renstra: RenstraTarget | None
    last_year: scoring.Score | None
    money: cascade.Money | None

    @property
    def commitment(self) -> Commitment:
        return self.row.commitment

    @property
    def actual(self) -> float | None:
        return self.row.score.ytd_actual

    @property
    def achievement(self) -> float | None:
        return self.row.score.achievement

    @property
    def last_actual(self) -> float | None:
        return self.last_year.ytd_actual if self.last_year else None

    @property
    def last_achievement(self) -> float | None:
        return self.last_year.achievement if self.last_year else None

    @property
    def rpjmd(self) -> RpjmdIndicator | None:
        """The RPJMD indicator this one counts towards, if its RPJMD covers the report's
        year: once the indicator is tied to the next RPJMD, the years before are not set
        against that plan's targets."""
        found = self.commitment.indicator.rpjmd_indicator
        if found is None:
            return None
        goal = found.target.goal
        return found if goal.period_start <= self.commitment.year <= goal.period_end else None

    @property
    def end_target(self) -> float | None:
        return self.rpjmd.end_target if self.rpjmd else None

    @property
    def year_actual(self) -> float | None:
        """The realisation to set against a whole year's target (the RPJMD's): a cumulative
        sum only once all four quarters are verified. Before that it is part of a year read
        against all of it: too low where higher is better, and, where lower is better (a
        count of maternal deaths), an achievement far above 100% that means nothing."""
        partial = self.commitment.indicator.aggregation == Aggregation.SUM and len(
            self.row.check_ins
        ) < len(scoring.QUARTERS)
        return None if partial else self.actual

    @property
    def end_achievement(self) -> float | None:
        """This year's realisation against the RPJMD's target for the end of its period."""
        if self.rpjmd is None or self.end_target is None:
            return None
        return scoring.achievement(self.rpjmd.end_goal, self.year_actual)

    @property
    def absorption(self) -> Decimal | None:
        return self.money.absorption if self.money else None

    @property
    def efficiency(self) -> float | None:
        return budget.efficiency(self.achievement, self.absorption)

    @property
    def notes(self) -> list[tuple[str, str, str]]:
        """(quarter, obstacles, next steps) of each verified check-in with a note. The
        report is public: a phone number, an e-mail address, a NIK or a resident's name
        copied into a note from a complaint is hidden, as on the complaints' public pages."""
        return [
            (periods.label(q), redact(ci.obstacles.strip()), redact(ci.next_steps.strip()))
            for q, ci in sorted(self.row.check_ins.items())
            if ci.obstacles.strip() or ci.next_steps.strip()
        ]

    @property
    def sasaran(self) -> str:
        return self.renstra.name if self.renstra else ""


@dataclass
class RpjmdLine:
    """An RPJMD indicator in the city's report: this year's RPJMD target and the end one
    against the realisation of the one commitment that counts towards it."""

    indicator: RpjmdIndicator
    year_target: float | None
    actual: float | None
    # The realisation that can be set against a year's target (see `Line.year_actual`).
    year_actual: float | None = None

    def _against(self, value: float | None) -> float | None:
        if value is None:
            return None
        goal = scoring.Goal(
            scoring.Polarity(self.indicator.polarity), scoring.Method(self.indicator.method), value
        )
        return scoring.achievement(goal, self.year_actual)

    @property
    def achievement(self) -> float | None:
        return self._against(self.year_target)

    @property
    def end_achievement(self) -> float | None:
        return self._against(self.indicator.end_target)


@dataclass
class Report:
    year: int
    agency: Agency | None
    lines: list[Line]
    budget: budget.Node
    rpjmd: list[RpjmdLine] = field(default_factory=list)

    @property
    def reported_upto(self) -> int:
        """The last quarter with a verified figure in the report (0 for none)."""
        return max((q for line in self.lines for q in line.row.check_ins), default=0)

    @property
    def achievement(self) -> float | None:
        values = [line.achievement for line in self.lines if line.achievement is not None]
        return round(statistics.fmean(values), 2) if values else None

    @property
    def band(self) -> scoring.Band | None:
        return scoring.band(self.achievement, selectors.thresholds())

    @property
    def efficiency(self) -> float | None:
        return budget.efficiency(self.achievement, self.budget.absorption)

    @property
    def title(self) -> str:
        scope = self.agency.name if self.agency else settings.CITY_NAME
        return _("Performance report (LKjIP) %(year)s: %(scope)s") % {
            "year": self.year,
            "scope": scope,
        }


def report(year: int, agency: Agency | None = None) -> Report:
    """The year's LKjIP from verified check-ins only: a document fit for publication."""
    rows = selectors.commitment_rows(year, agency, verified_only=True)
    # Each line compares with its RPJMD indicator: one query for all of them.
    prefetch_related_objects(
        [row.commitment.indicator for row in rows], "rpjmd_indicator__target__goal"
    )
    previous = {
        (r.commitment.indicator_id, r.commitment.agency_id): r.score
        for r in selectors.commitment_rows(year - 1, agency, verified_only=True)
    }
    found = cascade.efficiencies(rows, year)
    lines = [
        Line(
            row,
            found[row.commitment.pk].renstra,
            previous.get((row.commitment.indicator_id, row.commitment.agency_id)),
            found[row.commitment.pk].money,
        )
        for row in rows
    ]
    lines.sort(key=lambda line: (line.commitment.agency.short_name, line.sasaran))
    data = Report(year, agency, lines, cascade.budget_tree(year, agency))
    if agency is None:
        data.rpjmd = rpjmd_lines(year, lines)
    return data


def rpjmd_lines(year: int, lines: Sequence[Line]) -> list[RpjmdLine]:
    """The RPJMD's indicators of the period covering `year`. The realisation is that of the
    commitment counting towards it; with none, or with several (one per agency, which the
    RPJMD's single figure cannot be read from), it is left empty."""
    counting: dict[int, list[Line]] = {}
    for line in lines:
        rpjmd_id = line.commitment.indicator.rpjmd_indicator_id
        if rpjmd_id is not None:
            counting.setdefault(rpjmd_id, []).append(line)
    result = []
    for goal in cascade.goals(year):
        for target in goal.targets.all():
            for indicator in target.indicators.all():
                yearly = [y.value for y in indicator.yearly.all() if y.year == year]
                found = counting.get(indicator.pk, [])
                one = found[0] if len(found) == 1 else None
                result.append(
                    RpjmdLine(
                        indicator,
                        yearly[0] if yearly else None,
                        one.actual if one else None,
                        one.year_actual if one else None,
                    )
                )
    return result


# --- Excel ------------------------------------------------------------------------------


def _headings() -> list[str]:
    return [
        _("Agency"),
        _("Renstra target (sasaran)"),
        _("Indicator"),
        _("Unit"),
        _("Target"),
        _("Range from"),
        _("Range to"),
        _("Realisation"),
        _("Achievement (%)"),
        _("Last year's realisation"),
        _("Last year's achievement (%)"),
        _("RPJMD end-of-period target"),
        _("Achievement against the RPJMD end target (%)"),
        _("Budget ceiling (Rp)"),
        _("Budget realised (Rp)"),
        _("Budget absorption (%)"),
        _("Efficiency"),
    ]


# The number format of each column of the performance sheet (None: text).
_FORMATS: list[str | None] = [
    None,
    None,
    None,
    None,
    VALUE_FORMAT,
    VALUE_FORMAT,
    VALUE_FORMAT,
    VALUE_FORMAT,
    PERCENT_FORMAT,
    VALUE_FORMAT,
    PERCENT_FORMAT,
    VALUE_FORMAT,
    PERCENT_FORMAT,
    RUPIAH_FORMAT,
    RUPIAH_FORMAT,
    PERCENT_FORMAT,
    PERCENT_FORMAT,
]


def _line_values(line: Line) -> list[object]:
    c = line.commitment
    money = line.money
    return [
        c.agency.short_name,
        line.sasaran,
        c.indicator.name,
        c.indicator.unit,
        c.value,
        c.low,
        c.high,
        line.actual,
        line.achievement,
        line.last_actual,
        line.last_achievement,
        line.end_target,
        line.end_achievement,
        money.ceiling if money else None,
        money.realised if money else None,
        line.absorption,
        line.efficiency,
    ]


def _append(sheet: Worksheet, values: Sequence[object], formats: Sequence[str | None]) -> None:
    sheet.append([plaintext.clean(v) if isinstance(v, str) else v for v in values])
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text: a note's "=HYPERLINK(...)" is no formula
    for cell, number_format in zip(sheet[sheet.max_row], formats, strict=False):
        if number_format and cell.value is not None:
            cell.number_format = number_format


def _heading_row(sheet: Worksheet, headings: Sequence[str]) -> None:
    sheet.append(list(headings))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _summary(sheet: Worksheet, data: Report) -> None:
    _append(sheet, [data.title], [None])
    sheet["A1"].font = Font(bold=True, size=13)
    label = periods.label(data.reported_upto) if data.reported_upto else "-"
    sheet.append([_("Verified figures up to"), label])
    rows: list[tuple[str, object, str]] = [
        (_("Mean achievement (%)"), data.achievement, PERCENT_FORMAT),
        (_("Budget ceiling (Rp)"), data.budget.ceiling, RUPIAH_FORMAT),
        (_("Budget realised (Rp)"), data.budget.realised, RUPIAH_FORMAT),
        (_("Budget absorption (%)"), data.budget.absorption, PERCENT_FORMAT),
        (_("Efficiency"), data.efficiency, PERCENT_FORMAT),
    ]
    for name, value, number_format in rows:
        _append(sheet, [name, value], [None, number_format])
    sheet.append([])


def xlsx(data: Report) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = _("Performance")
        _summary(sheet, data)
        _heading_row(sheet, _headings())
        for line in data.lines:
            _append(sheet, _line_values(line), _FORMATS)
        if data.agency is None:
            _rpjmd_sheet(workbook.create_sheet(_("RPJMD")), data)
        _budget_sheet(workbook.create_sheet(_("Budget")), data)
        _notes_sheet(workbook.create_sheet(_("Achievements and obstacles")), data)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _rpjmd_headings() -> list[str]:
    return [
        _("RPJMD target (sasaran)"),
        _("Indicator"),
        _("Unit"),
        _("RPJMD target for the year"),
        _("Realisation"),
        _("Achievement (%)"),
        _("RPJMD end-of-period target"),
        _("Achievement against the RPJMD end target (%)"),
    ]


def _rpjmd_sheet(sheet: Worksheet, data: Report) -> None:
    _heading_row(sheet, _rpjmd_headings())
    formats = [None, None, None, VALUE_FORMAT, VALUE_FORMAT, PERCENT_FORMAT]
    formats += [VALUE_FORMAT, PERCENT_FORMAT]
    for line in data.rpjmd:
        i = line.indicator
        values = [f"{i.target.code} {i.target.name}", i.name, i.unit, line.year_target]
        values += [line.actual, line.achievement, i.end_target, line.end_achievement]
        _append(sheet, values, formats)


def _level(kind: str) -> str:
    return {
        "city": _("City"),
        "agency": _("Agency"),
        "target": _("Renstra target (sasaran)"),
        "programme": _("Programme"),
        "activity": _("Activity"),
    }[kind]


def _budget_sheet(sheet: Worksheet, data: Report) -> None:
    _heading_row(
        sheet,
        [
            _("Level"),
            _("Code"),
            _("Name"),
            _("Budget ceiling (Rp)"),
            _("Budget realised (Rp)"),
            _("Budget absorption (%)"),
        ],
    )
    top = data.budget.children[0] if data.agency and data.budget.children else data.budget
    for _depth, node in top.walk():
        _append(
            sheet,
            [_level(node.kind), node.code, node.name, node.ceiling, node.realised, node.absorption],
            [None, None, None, RUPIAH_FORMAT, RUPIAH_FORMAT, PERCENT_FORMAT],
        )


def _band_label(value: float | None) -> str:
    found = scoring.band(value, selectors.thresholds())
    return str(dict(BandChoice.choices)[found.value]) if found else ""


def _notes_sheet(sheet: Worksheet, data: Report) -> None:
    _heading_row(
        sheet,
        [
            _("Agency"),
            _("Indicator"),
            _("Achievement (%)"),
            _("Band"),
            _("Quarter"),
            _("Obstacles"),
            _("Next steps"),
        ],
    )
    for line in data.lines:
        c = line.commitment
        band = _band_label(line.achievement)
        first = [c.agency.short_name, c.indicator.name, line.achievement, band]
        for quarter, obstacles, steps in line.notes or [("", "", "")]:
            _append(sheet, [*first, quarter, obstacles, steps], [None, None, PERCENT_FORMAT])


# --- PDF --------------------------------------------------------------------------------


def _text(text: object) -> str:
    """A cell's text: the document's font (DejaVu, from `exports._pdf`) prints any of it."""
    return "" if text is None else str(text)


def _pct(value: float | Decimal | None) -> str:
    return exports._num(None if value is None else float(value))


def _rupiah(value: Decimal) -> str:
    """Whole rupiah, half a rupiah up: as the Excel sheet and the cascade's page round it
    (Python's own format would round 0.50 to the even rupiah, one off from them)."""
    whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole:,.0f}".replace(",", ".")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(style="B", size=10)
    pdf.multi_cell(0, 6, _text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=9)


def pdf(data: Report) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        doc = exports._pdf(data.title, timezone.now(), "L")
        _pdf_summary(doc, data)
        if data.agency is None:
            _pdf_rpjmd(doc, data)
        _pdf_performance(doc, data)
        _pdf_budget(doc, data)
        _pdf_notes(doc, data)
        return bytes(doc.output())


def _pdf_summary(doc: FPDF, data: Report) -> None:
    doc.set_font(size=9)
    label = periods.label(data.reported_upto) if data.reported_upto else "-"
    text = _(
        "Verified figures up to %(quarter)s. Mean achievement %(achievement)s%% "
        "(%(band)s). Budget: ceiling Rp %(ceiling)s, realised Rp %(realised)s, absorption "
        "%(absorption)s%%. Efficiency (achievement ÷ absorption): %(efficiency)s."
    ) % {
        "quarter": label,
        "achievement": _pct(data.achievement),
        "band": _band_label(data.achievement) or "-",
        "ceiling": _rupiah(data.budget.ceiling),
        "realised": _rupiah(data.budget.realised),
        "absorption": _pct(data.budget.absorption),
        "efficiency": _pct(data.efficiency),
    }
    doc.multi_cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")


def _target_text(c: Commitment) -> str:
    if c.low is not None and c.high is not None:
        return f"{exports._num(c.low)} - {exports._num(c.high)}"
    return exports._num(c.value)


def _pdf_rpjmd(doc: FPDF, data: Report) -> None:
    _heading(doc, _("The RPJMD's targets"))
    doc.set_font(size=7)
    with doc.table(col_widths=[60, 60, 18, 24, 24, 24, 24, 30], text_align="LEFT") as table:
        table.row([_text(h) for h in _rpjmd_headings()])
        for line in data.rpjmd:
            i = line.indicator
            table.row(
                [
                    _text(f"{i.target.code} {i.target.name}"),
                    _text(i.name),
                    _text(i.unit),
                    exports._num(line.year_target),
                    exports._num(line.actual),
                    _pct(line.achievement),
                    exports._num(i.end_target),
                    _pct(line.end_achievement),
                ]
            )
    doc.set_font(size=9)


def _pdf_performance(doc: FPDF, data: Report) -> None:
    _heading(doc, _("Targets and realisation"))
    headings = [
        _("Renstra target (sasaran)"),
        _("Indicator"),
        _("Unit"),
        _("Target"),
        _("Realisation"),
        _("Achievement (%)"),
        _("Last year"),
        _("Last year (%)"),
        _("RPJMD end target"),
        _("Against the end target (%)"),
        _("Absorption (%)"),
        _("Efficiency"),
    ]
    widths = [40, 48, 15, 20, 19, 19, 18, 18, 19, 20, 19, 18]
    doc.set_font(size=7)
    with doc.table(col_widths=widths, text_align="LEFT") as table:
        table.row([_text(h) for h in headings])
        for line in data.lines:
            c = line.commitment
            sasaran = line.sasaran or "-"
            if data.agency is None:
                sasaran = f"{c.agency.short_name}: {sasaran}"
            table.row(
                [
                    _text(sasaran),
                    _text(c.indicator.name),
                    _text(c.indicator.unit),
                    _target_text(c),
                    exports._num(line.actual),
                    _pct(line.achievement),
                    exports._num(line.last_actual),
                    _pct(line.last_achievement),
                    exports._num(line.end_target),
                    _pct(line.end_achievement),
                    _pct(line.absorption),
                    _pct(line.efficiency),
                ]
            )
    doc.set_font(size=9)


def _pdf_budget(doc: FPDF, data: Report) -> None:
    _heading(doc, _("Budget and its realisation"))
    top = data.budget.children[0] if data.agency and data.budget.children else data.budget
    doc.set_font(size=7)
    with doc.table(col_widths=[150, 42, 42, 28], text_align="LEFT") as table:
        table.row(
            [
                _text(_("Agency, target, programme, activity")),
                _text(_("Budget ceiling (Rp)")),
                _text(_("Budget realised (Rp)")),
                _text(_("Absorption (%)")),
            ]
        )
        for depth, node in top.walk():
            shown_code = node.kind not in {"city", "agency"}
            name = f"{node.code} {node.name}" if shown_code else node.name
            table.row(
                [
                    _text("    " * depth + name),
                    _rupiah(node.ceiling),
                    _rupiah(node.realised),
                    _pct(node.absorption),
                ]
            )
    doc.set_font(size=9)


def _pdf_notes(doc: FPDF, data: Report) -> None:
    _heading(doc, _("Achievements and obstacles"))
    for line in data.lines:
        c = line.commitment
        doc.set_font(style="B", size=9)
        title = _("%(agency)s: %(indicator)s, achievement %(achievement)s%% (%(band)s)") % {
            "agency": c.agency.short_name,
            "indicator": c.indicator.name,
            "achievement": _pct(line.achievement),
            "band": _band_label(line.achievement) or "-",
        }
        doc.multi_cell(0, 5, _text(title), new_x="LMARGIN", new_y="NEXT")
        doc.set_font(size=9)
        for quarter, obstacles, steps in line.notes:
            text = _("%(quarter)s. Obstacles: %(obstacles)s Next steps: %(steps)s") % {
                "quarter": quarter,
                "obstacles": obstacles or "-",
                "steps": steps or "-",
            }
            doc.multi_cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")
