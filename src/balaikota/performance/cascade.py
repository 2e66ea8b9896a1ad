"""Reading the cascade: RPJMD goals and targets, the agencies' Renstra targets, the PK's
indicators, and the programmes and activities with their budget.

Budget sums are made in the database for one level and rolled up in `budget.Node`:
activity -> programme -> Renstra target -> agency -> city.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from balaikota.agencies.models import Agency
from balaikota.performance import budget, selectors
from balaikota.performance.models import (
    ActivityBudget,
    Commitment,
    RenstraTarget,
    RpjmdGoal,
    RpjmdTarget,
)

QUARTERS = (1, 2, 3, 4)


def budgets(year: int, agency: Agency | None = None) -> QuerySet[ActivityBudget]:
    qs = ActivityBudget.objects.filter(year=year).select_related(
        "activity__programme__renstra_target__agency"
    )
    if agency is not None:
        qs = qs.filter(activity__programme__renstra_target__agency=agency)
    return qs.order_by(
        "activity__programme__renstra_target__agency__short_name",
        "activity__programme__renstra_target__code",
        "activity__programme__code",
        "activity__code",
    )


def budget_tree(year: int, agency: Agency | None = None, *, upto: int = 4) -> budget.Node:
    """The city's budget for `year` as a tree, each level the sum of the activities below
    it; realisation counts the quarters up to `upto`. One query."""
    city = budget.Node("city", "", settings.CITY_NAME)
    for row in budgets(year, agency):
        activity = row.activity
        programme = activity.programme
        target = programme.renstra_target
        ceiling, realised = row.ceiling, row.realised(upto)
        path = [
            city,
            city.child("agency", target.agency.code, target.agency.name),
        ]
        path.append(path[-1].child("target", target.code, target.name))
        path.append(path[-1].child("programme", programme.code, programme.name))
        path.append(path[-1].child("activity", activity.code, activity.name))
        for node in path:
            node.add(ceiling, realised)
    return city


@dataclass(frozen=True)
class Money:
    ceiling: Decimal
    realised: Decimal

    @property
    def absorption(self) -> Decimal | None:
        return budget.absorption(self.ceiling, self.realised)


def target_budgets(year: int, target_ids: Iterable[int], *, upto: int = 4) -> dict[int, Money]:
    """Each Renstra target's pagu and realisation for `year` (one query)."""
    sums: dict[int, list[Decimal]] = {}
    rows = ActivityBudget.objects.filter(
        year=year, activity__programme__renstra_target_id__in=set(target_ids)
    ).select_related("activity__programme")
    for row in rows:
        entry = sums.setdefault(row.activity.programme.renstra_target_id, [Decimal(0), Decimal(0)])
        entry[0] += row.ceiling
        entry[1] += row.realised(upto)
    return {pk: Money(ceiling, realised) for pk, (ceiling, realised) in sums.items()}


@dataclass(frozen=True)
class QuarterMoney:
    quarter: int
    realised: Decimal  # in this quarter
    to_date: Decimal  # up to the end of this quarter
    absorption: Decimal | None  # to date, against the year's pagu


def quarter_budgets(year: int, target: RenstraTarget) -> list[QuarterMoney]:
    """A Renstra target's realisation per quarter, beside its pagu for the year (one
    query): what a check-in's quarter spent, and the absorption up to it."""
    rows = list(
        ActivityBudget.objects.filter(year=year, activity__programme__renstra_target=target)
    )
    ceiling = sum((row.ceiling for row in rows), Decimal(0))
    result, to_date = [], Decimal(0)
    for quarter in QUARTERS:
        realised = sum((getattr(row, f"realised_q{quarter}") for row in rows), Decimal(0))
        to_date += realised
        result.append(QuarterMoney(quarter, realised, to_date, budget.absorption(ceiling, to_date)))
    return result


def renstra_of(commitment: Commitment) -> RenstraTarget | None:
    """The Renstra target a commitment reports on: its indicator's, of its own agency."""
    for target in commitment.indicator.renstra_targets.all():
        if target.agency_id == commitment.agency_id:
            return target
    return None


@dataclass(frozen=True)
class Efficiency:
    """A commitment's achievement beside the budget of the programmes behind its target."""

    renstra: RenstraTarget | None
    money: Money | None
    achievement: float | None

    @property
    def absorption(self) -> Decimal | None:
        return self.money.absorption if self.money else None

    @property
    def efficiency(self) -> float | None:
        return budget.efficiency(self.achievement, self.absorption)


def with_renstra(commitments: Iterable[Commitment]) -> list[Commitment]:
    """Load the Renstra targets of the commitments' indicators (one query)."""
    items = list(commitments)
    prefetch_related_objects(
        items,
        Prefetch(
            "indicator__renstra_targets",
            queryset=RenstraTarget.objects.select_related("rpjmd_target__goal"),
        ),
    )
    return items


def efficiencies(
    rows: Iterable[selectors.CommitmentRow], year: int, *, upto: int = 4
) -> dict[int, Efficiency]:
    """Per commitment id: its Renstra target, that target's budget and the efficiency."""
    rows = list(rows)
    with_renstra([row.commitment for row in rows])
    targets = {row.commitment.pk: renstra_of(row.commitment) for row in rows}
    money = target_budgets(year, [t.pk for t in targets.values() if t is not None], upto=upto)
    result = {}
    for row in rows:
        target = targets[row.commitment.pk]
        found = money.get(target.pk) if target is not None else None
        result[row.commitment.pk] = Efficiency(target, found, row.score.achievement)
    return result


def goals(period_year: int | None = None) -> QuerySet[RpjmdGoal]:
    """The RPJMD's goals with their targets, indicators and the Renstra targets under them."""
    qs = RpjmdGoal.objects.prefetch_related(
        Prefetch(
            "targets",
            queryset=RpjmdTarget.objects.prefetch_related(
                "indicators__yearly",
                Prefetch(
                    "renstra_targets",
                    queryset=RenstraTarget.objects.select_related("agency").prefetch_related(
                        "indicators"
                    ),
                ),
            ),
        )
    )
    if period_year is not None:
        qs = qs.filter(period_start__lte=period_year, period_end__gte=period_year)
    return qs.order_by("period_start", "code")


def annotate(goals: Iterable[RpjmdGoal], tree: budget.Node, year: int) -> None:
    """Give each RPJMD indicator its target for `year` (`year_target`) and each Renstra
    target its budget node (`budget`, None without a budget), for the cascade's page."""
    nodes = {
        (agency.code, target.code): target for agency in tree.children for target in agency.children
    }
    for goal in goals:
        for target in goal.targets.all():
            for indicator in target.indicators.all():
                found = [y.value for y in indicator.yearly.all() if y.year == year]
                indicator.year_target = found[0] if found else None  # type: ignore[attr-defined]
            for renstra in target.renstra_targets.all():
                renstra.budget = nodes.get((renstra.agency.code, renstra.code))  # type: ignore[attr-defined]
