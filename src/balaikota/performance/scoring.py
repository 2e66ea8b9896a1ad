"""Achievement (capaian), bands, status and forecasts: pure functions, no database.

The formulas follow the Permendagri 86/2017 evaluation practice:

- higher is better ("up"): actual / target × 100;
- lower is better ("down"), method "selisih" (the default): (2 × target − actual) / target
  × 100, never below 0; method "rasio": target / actual × 100;
- within a range [a, b]: 100 inside; below a, the higher-is-better formula against a;
  above b, the lower-is-better formula (with the indicator's method) against b.

Division by zero never raises; each case has a defined result:

- up, target 0: 100 when the actual is at least 0, else 0 (nothing was asked for);
- down (either method), target 0: 100 when the actual is 0 or less, else 0 (zero maternal
  deaths asked for: only zero meets it);
- rasio, actual 0 with a positive target: the selisih value, 200 (the ratio is undefined;
  a zero where a positive number was allowed is scored as the selisih method scores it).

Bands: each band starts at its lower bound and runs up to the next band's bound, so with
the default thresholds (91, 76, 66, 51) a value of 90.5 is "tinggi" and 50.5 "sangat
rendah": a fraction never lifts a value into the band above it.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

QUARTERS = (1, 2, 3, 4)


class Polarity(enum.StrEnum):
    UP = "up"
    DOWN = "down"
    RANGE = "range"


class Method(enum.StrEnum):
    SELISIH = "selisih"
    RASIO = "rasio"


class Aggregation(enum.StrEnum):
    SUM = "sum"
    LAST = "last"
    AVERAGE = "average"


class Band(enum.StrEnum):
    VERY_HIGH = "very_high"  # sangat tinggi
    HIGH = "high"  # tinggi
    MEDIUM = "medium"  # sedang
    LOW = "low"  # rendah
    VERY_LOW = "very_low"  # sangat rendah


class Status(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


# Lower bounds of sangat tinggi, tinggi, sedang and rendah (Permendagri 86/2017).
DEFAULT_THRESHOLDS: tuple[float, float, float, float] = (91.0, 76.0, 66.0, 51.0)


@dataclass(frozen=True)
class Goal:
    """What an indicator asks for in one period: a value, or a range for "range"."""

    polarity: Polarity
    method: Method = Method.SELISIH
    value: float | None = None
    low: float | None = None
    high: float | None = None


def _up(target: float, actual: float) -> float:
    if target == 0:
        return 100.0 if actual >= 0 else 0.0
    return actual / target * 100


def _down(target: float, actual: float, method: Method) -> float:
    if target == 0:
        return 100.0 if actual <= 0 else 0.0
    if method == Method.RASIO and actual != 0:
        return max(target / actual * 100, 0.0)
    return max((2 * target - actual) / target * 100, 0.0)


def achievement(goal: Goal, actual: float | None) -> float | None:
    """Capaian in percent, rounded to 2 decimals; None when there is no actual or target."""
    if actual is None:
        return None
    if goal.polarity == Polarity.RANGE:
        if goal.low is None or goal.high is None:
            return None
        if goal.low <= actual <= goal.high:
            value = 100.0
        elif actual < goal.low:
            value = _up(goal.low, actual)
        else:
            value = _down(goal.high, actual, goal.method)
    elif goal.value is None:
        return None
    elif goal.polarity == Polarity.UP:
        value = _up(goal.value, actual)
    else:
        value = _down(goal.value, actual, goal.method)
    return round(value, 2)


def band(value: float | None, thresholds: Sequence[float] = DEFAULT_THRESHOLDS) -> Band | None:
    if value is None:
        return None
    very_high, high, medium, low = thresholds
    if value >= very_high:
        return Band.VERY_HIGH
    if value >= high:
        return Band.HIGH
    if value >= medium:
        return Band.MEDIUM
    if value >= low:
        return Band.LOW
    return Band.VERY_LOW


def aggregate(values: Sequence[float], aggregation: Aggregation) -> float | None:
    """The year-to-date value of the quarters given (in order); None for none."""
    if not values:
        return None
    if aggregation == Aggregation.SUM:
        return round(sum(values), 6)
    if aggregation == Aggregation.LAST:
        return values[-1]
    return round(statistics.fmean(values), 6)


@dataclass(frozen=True)
class Quarter:
    number: int
    target: float | None  # None for range indicators, whose goal is the year's range
    actual: float | None


@dataclass(frozen=True)
class QuarterScore:
    number: int
    target: float | None
    actual: float | None
    achievement: float | None
    band: Band | None


@dataclass(frozen=True)
class Forecast:
    """A projection, always shown as such: the year-end value it expects, its achievement
    against the year's target, and the value per remaining quarter still needed."""

    value: float
    achievement: float | None
    method: str  # "linear" or "seasonal"
    needed_per_quarter: float | None


@dataclass(frozen=True)
class Score:
    quarters: list[QuarterScore]
    ytd_actual: float | None
    ytd_target: float | None
    achievement: float | None
    band: Band | None
    forecast: Forecast | None
    status: Status


def _goal_for(goal: Goal, value: float | None) -> Goal:
    return Goal(goal.polarity, goal.method, value, goal.low, goal.high)


def quarter_scores(
    goal: Goal, quarters: Sequence[Quarter], thresholds: Sequence[float] = DEFAULT_THRESHOLDS
) -> list[QuarterScore]:
    """Each quarter's actual against the quarter's own target."""
    scores = []
    for quarter in quarters:
        value = achievement(_goal_for(goal, quarter.target), quarter.actual)
        scores.append(
            QuarterScore(
                quarter.number, quarter.target, quarter.actual, value, band(value, thresholds)
            )
        )
    return scores


def _linear(points: Sequence[tuple[int, float]], at: int) -> float:
    """Least-squares line through (quarter, value) points, read at quarter `at`."""
    if len(points) == 1:
        return points[0][1]
    xs = [float(x) for x, _ in points]
    ys = [y for _, y in points]
    fit = statistics.linear_regression(xs, ys)
    return fit.slope * at + fit.intercept


def forecast(
    goal: Goal,
    aggregation: Aggregation,
    actuals: Sequence[tuple[int, float]],
    last_year: Sequence[float] | None = None,
) -> Forecast | None:
    """The year-end value expected from the quarters so far (`actuals`: (quarter, value)).

    With last year's four quarterly actuals, their seasonal profile is used: for a sum,
    the share of the year each quarter brought; for last and average values, how the
    year ended relative to the same quarter. Otherwise the projection is linear.
    """
    if not actuals:
        return None
    actuals = sorted(actuals)
    done = [q for q, _ in actuals]
    values = [v for _, v in actuals]
    remaining = 4 - done[-1]
    seasonal = last_year is not None and len(last_year) == 4
    method = "seasonal" if seasonal else "linear"
    if aggregation == Aggregation.SUM:
        if seasonal and last_year and sum(last_year) != 0:
            share = sum(last_year[q - 1] for q in done) / sum(last_year)
            value = sum(values) / share if share > 0 else sum(values) / len(done) * 4
        else:
            method = "linear"
            value = sum(values) / len(done) * 4
    elif aggregation == Aggregation.LAST:
        last_q = done[-1]
        if seasonal and last_year and last_year[last_q - 1] != 0:
            value = values[-1] * last_year[3] / last_year[last_q - 1]
        else:
            method = "linear"
            value = _linear(actuals, 4)
    else:
        if seasonal and last_year:
            ratio = statistics.fmean(last_year) / statistics.fmean(last_year[: done[-1]])
            value = statistics.fmean(values) * ratio if statistics.fmean(last_year) else 0.0
        else:
            method = "linear"
            projected = list(values) + [_linear(actuals, q) for q in range(done[-1] + 1, 5)]
            value = statistics.fmean(projected)
    value = round(value, 4)
    return Forecast(
        value=value,
        achievement=achievement(goal, value),
        method=method,
        needed_per_quarter=_needed(goal, aggregation, values, remaining),
    )


def _needed(
    goal: Goal, aggregation: Aggregation, values: Sequence[float], remaining: int
) -> float | None:
    """The value each remaining quarter must bring to still reach the year's target."""
    if remaining <= 0 or goal.polarity == Polarity.RANGE or goal.value is None:
        return None
    if aggregation == Aggregation.SUM:
        return round((goal.value - sum(values)) / remaining, 4)
    if aggregation == Aggregation.AVERAGE:
        return round((goal.value * 4 - sum(values)) / remaining, 4)
    return goal.value


def _ytd_target(
    goal: Goal, aggregation: Aggregation, targets: Sequence[float | None]
) -> float | None:
    known = [t for t in targets if t is not None]
    if len(known) != len(targets):
        return goal.value
    return aggregate(known, aggregation)


def score(
    goal: Goal,
    aggregation: Aggregation,
    quarters: Sequence[Quarter],
    *,
    low_confidence: bool = False,
    last_year: Sequence[float] | None = None,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
) -> Score:
    """Everything shown for a commitment: per quarter, year to date, forecast and status.

    Year to date aggregates the quarters with an actual and compares them with the same
    quarters' targets aggregated the same way (or the year's range).

    Status: "no data" without any actual; "off track" when the year-to-date achievement is
    below the "tinggi" band; "at risk" when the forecast's achievement is below the
    "sangat tinggi" band (the one the target itself sits in) or the holder's confidence
    is low; otherwise "on track".
    """
    per_quarter = quarter_scores(goal, quarters, thresholds)
    reported = [q for q in quarters if q.actual is not None]
    if not reported:
        return Score(per_quarter, None, None, None, None, None, Status.NO_DATA)
    actual_values = [q.actual for q in reported if q.actual is not None]
    ytd_actual = aggregate(actual_values, aggregation)
    ytd_target = _ytd_target(goal, aggregation, [q.target for q in reported])
    value = achievement(_goal_for(goal, ytd_target), ytd_actual)
    expected = forecast(
        goal,
        aggregation,
        [(q.number, q.actual) for q in reported if q.actual is not None],
        last_year,
    )
    status = classify(value, expected, low_confidence, thresholds)
    return Score(
        per_quarter, ytd_actual, ytd_target, value, band(value, thresholds), expected, status
    )


def classify(
    ytd_achievement: float | None,
    expected: Forecast | None,
    low_confidence: bool,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
) -> Status:
    if ytd_achievement is None:
        return Status.NO_DATA
    very_high, high, _medium, _low = thresholds
    if ytd_achievement < high:
        return Status.OFF_TRACK
    forecast_value = expected.achievement if expected else None
    if low_confidence or (forecast_value is not None and forecast_value < very_high):
        return Status.AT_RISK
    return Status.ON_TRACK
