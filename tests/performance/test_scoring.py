"""The achievement formulas with hand-worked values (Permendagri 86/2017), bands at their
edges, aggregation, status and forecasts. No database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balaikota.performance.scoring import (
    Aggregation,
    Band,
    Goal,
    Method,
    Polarity,
    Quarter,
    Status,
    achievement,
    aggregate,
    band,
    forecast,
    score,
)

UP = Polarity.UP
DOWN = Polarity.DOWN


def up(target: float) -> Goal:
    return Goal(UP, value=target)


def down(target: float, method: Method = Method.SELISIH) -> Goal:
    return Goal(DOWN, method, target)


def within(low: float, high: float, method: Method = Method.SELISIH) -> Goal:
    return Goal(Polarity.RANGE, method, low=low, high=high)


# --- Higher is better ---------------------------------------------------------------------


def test_higher_is_better_divides_actual_by_target() -> None:
    # 78 of 80 km repaired: 78 / 80 × 100 = 97.5
    assert achievement(up(80), 78) == 97.5


def test_higher_is_better_may_exceed_a_hundred() -> None:
    assert achievement(up(75.0), 81.0) == 108.0


def test_higher_is_better_with_a_zero_target_is_met_by_any_non_negative_actual() -> None:
    assert achievement(up(0), 0) == 100.0
    assert achievement(up(0), 3) == 100.0
    assert achievement(up(0), -1) == 0.0


def test_higher_is_better_with_a_zero_actual_scores_zero() -> None:
    assert achievement(up(40), 0) == 0.0


# --- Lower is better, selisih ---------------------------------------------------------------


def test_selisih_below_target_scores_above_a_hundred() -> None:
    # poverty 3.8 % asked, 3.6 % reached: (2 × 3.8 − 3.6) / 3.8 × 100 = 105.26
    assert achievement(down(3.8), 3.6) == 105.26


def test_selisih_above_target_scores_below_a_hundred() -> None:
    # (2 × 10 − 12) / 10 × 100 = 80
    assert achievement(down(10), 12) == 80.0


def test_selisih_at_twice_the_target_scores_zero() -> None:
    assert achievement(down(10), 20) == 0.0


def test_selisih_above_twice_the_target_never_goes_below_zero() -> None:
    # (2 × 10 − 25) / 10 × 100 = −50, shown as 0
    assert achievement(down(10), 25) == 0.0


def test_selisih_with_a_zero_actual_scores_two_hundred() -> None:
    assert achievement(down(8), 0) == 200.0


def test_selisih_with_a_zero_target_is_met_only_by_zero() -> None:
    assert achievement(down(0), 0) == 100.0
    assert achievement(down(0), 1) == 0.0


# --- Lower is better, rasio ------------------------------------------------------------------


def test_rasio_divides_target_by_actual() -> None:
    # 8 maternal deaths allowed, 10 happened: 8 / 10 × 100 = 80
    assert achievement(down(8, Method.RASIO), 10) == 80.0
    assert achievement(down(8, Method.RASIO), 5) == 160.0


def test_rasio_with_a_zero_actual_falls_back_to_selisih() -> None:
    # 8 / 0 is undefined; scored as selisih scores it: (2 × 8 − 0) / 8 × 100 = 200
    assert achievement(down(8, Method.RASIO), 0) == 200.0


def test_rasio_with_zero_target_and_zero_actual_is_met() -> None:
    assert achievement(down(0, Method.RASIO), 0) == 100.0
    assert achievement(down(0, Method.RASIO), 2) == 0.0


# --- Within a range ---------------------------------------------------------------------------


@pytest.mark.parametrize("actual", [2.5, 3.0, 4.5])
def test_range_inside_or_on_a_bound_scores_a_hundred(actual: float) -> None:
    assert achievement(within(2.5, 4.5), actual) == 100.0


def test_range_below_uses_higher_is_better_against_the_lower_bound() -> None:
    # inflation 2.0 with a 2.5-4.5 band: 2.0 / 2.5 × 100 = 80
    assert achievement(within(2.5, 4.5), 2.0) == 80.0


def test_range_above_uses_lower_is_better_against_the_upper_bound() -> None:
    # inflation 5.4: (2 × 4.5 − 5.4) / 4.5 × 100 = 80
    assert achievement(within(2.5, 4.5), 5.4) == 80.0
    # with rasio: 4.5 / 5.4 × 100 = 83.33
    assert achievement(within(2.5, 4.5, Method.RASIO), 5.4) == 83.33


def test_range_far_above_never_goes_below_zero() -> None:
    assert achievement(within(2.5, 4.5), 12.0) == 0.0


def test_no_actual_or_no_target_gives_no_achievement() -> None:
    assert achievement(up(10), None) is None
    assert achievement(Goal(UP), 5) is None
    assert achievement(Goal(Polarity.RANGE, low=1.0), 5) is None


@given(
    target=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    actual=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    polarity=st.sampled_from(list(Polarity)),
    method=st.sampled_from(list(Method)),
)
def test_no_input_ever_raises_and_lower_is_better_is_never_negative(
    target: float, actual: float, polarity: Polarity, method: Method
) -> None:
    goal = Goal(polarity, method, target, min(target, actual), max(target, actual))
    value = achievement(goal, actual)
    assert value is not None
    if polarity == DOWN:
        assert value >= 0


# --- Bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (120.0, Band.VERY_HIGH),
        (91.0, Band.VERY_HIGH),
        (90.99, Band.HIGH),
        (90.5, Band.HIGH),
        (76.0, Band.HIGH),
        (75.99, Band.MEDIUM),
        (66.0, Band.MEDIUM),
        (65.5, Band.LOW),
        (51.0, Band.LOW),
        (50.99, Band.VERY_LOW),
        (50.0, Band.VERY_LOW),
        (0.0, Band.VERY_LOW),
    ],
)
def test_bands_start_at_their_lower_bound(value: float, expected: Band) -> None:
    assert band(value) == expected


def test_bands_follow_the_city_thresholds() -> None:
    assert band(85.0, (80, 60, 40, 20)) == Band.VERY_HIGH
    assert band(None) is None


# --- Aggregation and year to date ---------------------------------------------------------------


def test_aggregation_sum_last_and_average() -> None:
    assert aggregate([10, 12, 8], Aggregation.SUM) == 30
    assert aggregate([4.0, 3.9, 3.7], Aggregation.LAST) == 3.7
    assert aggregate([80, 90, 100], Aggregation.AVERAGE) == 90
    assert aggregate([], Aggregation.SUM) is None


def test_year_to_date_compares_the_same_quarters_aggregated() -> None:
    # roads: 10 km a quarter asked; 9 and 12 done: (9 + 12) / (10 + 10) = 105 %
    quarters = [Quarter(1, 10, 9), Quarter(2, 10, 12), Quarter(3, 10, None), Quarter(4, 10, None)]
    result = score(up(40), Aggregation.SUM, quarters)
    assert result.ytd_actual == 21
    assert result.ytd_target == 20
    assert result.achievement == 105.0
    assert [q.achievement for q in result.quarters] == [90.0, 120.0, None, None]
    assert result.band == Band.VERY_HIGH


def test_year_to_date_of_a_last_value_indicator_uses_the_latest_quarter() -> None:
    quarters = [
        Quarter(1, 4.0, 4.0),
        Quarter(2, 3.95, 3.9),
        Quarter(3, 3.9, None),
        Quarter(4, 3.8, None),
    ]
    result = score(down(3.8), Aggregation.LAST, quarters)
    # (2 × 3.95 − 3.9) / 3.95 × 100 = 101.27
    assert result.achievement == 101.27


def test_range_year_to_date_uses_the_years_range() -> None:
    quarters = [
        Quarter(1, None, 3.1),
        Quarter(2, None, 5.4),
        Quarter(3, None, None),
        Quarter(4, None, None),
    ]
    result = score(within(2.5, 4.5), Aggregation.LAST, quarters)
    assert [q.achievement for q in result.quarters][:2] == [100.0, 80.0]
    assert result.achievement == 80.0


# --- Status -------------------------------------------------------------------------------------


def test_no_actual_means_no_data() -> None:
    result = score(up(40), Aggregation.SUM, [Quarter(q, 10, None) for q in (1, 2, 3, 4)])
    assert result.status == Status.NO_DATA
    assert result.forecast is None


def test_well_ahead_is_on_track() -> None:
    quarters = [Quarter(1, 10, 11), Quarter(2, 10, 10), Quarter(3, 10, None), Quarter(4, 10, None)]
    assert score(up(40), Aggregation.SUM, quarters).status == Status.ON_TRACK


def test_low_confidence_puts_a_good_commitment_at_risk() -> None:
    quarters = [Quarter(1, 10, 11), Quarter(2, 10, 10), Quarter(3, 10, None), Quarter(4, 10, None)]
    result = score(up(40), Aggregation.SUM, quarters, low_confidence=True)
    assert result.status == Status.AT_RISK


def test_a_forecast_below_the_target_band_is_at_risk() -> None:
    # 8 and 8 of 10: year to date 80 % (tinggi), forecast 32 of 40 = 80 % (< 91)
    quarters = [Quarter(1, 10, 8), Quarter(2, 10, 8), Quarter(3, 10, None), Quarter(4, 10, None)]
    result = score(up(40), Aggregation.SUM, quarters)
    assert result.achievement == 80.0
    assert result.status == Status.AT_RISK


def test_year_to_date_below_tinggi_is_off_track() -> None:
    quarters = [Quarter(1, 10, 5), Quarter(2, 10, None), Quarter(3, 10, None), Quarter(4, 10, None)]
    assert score(up(40), Aggregation.SUM, quarters).status == Status.OFF_TRACK


# --- Forecasts ------------------------------------------------------------------------------------


def test_linear_forecast_of_a_sum_extends_the_run_rate() -> None:
    # 9 + 12 in two quarters: 42 by year end; 19 km still needed in two quarters: 9.5 each
    result = forecast(up(40), Aggregation.SUM, [(1, 9), (2, 12)])
    assert result is not None
    assert result.method == "linear"
    assert result.value == 42
    assert result.achievement == 105.0
    assert result.needed_per_quarter == 9.5


def test_seasonal_forecast_of_a_sum_uses_last_years_profile() -> None:
    # Last year 5, 10, 10, 15: the first half brought 15 of 40 (37.5 %). This year 6 + 12
    # = 18 so far, so 18 / 0.375 = 48 by year end.
    result = forecast(up(40), Aggregation.SUM, [(1, 6), (2, 12)], last_year=[5, 10, 10, 15])
    assert result is not None
    assert result.method == "seasonal"
    assert result.value == 48
    assert result.achievement == 120.0


def test_linear_forecast_of_a_last_value_follows_the_trend() -> None:
    # poverty 4.0, 3.9, 3.8 in TW I-III: the line reaches 3.7 in TW IV
    result = forecast(down(3.8), Aggregation.LAST, [(1, 4.0), (2, 3.9), (3, 3.8)])
    assert result is not None
    assert result.value == pytest.approx(3.7)
    assert result.needed_per_quarter == 3.8


def test_seasonal_forecast_of_a_last_value_scales_by_last_years_ending() -> None:
    # last year TW II was 4.0 and the year ended at 3.8; this year TW II is 3.9
    result = forecast(
        down(3.8), Aggregation.LAST, [(1, 4.0), (2, 3.9)], last_year=[4.1, 4.0, 3.9, 3.8]
    )
    assert result is not None
    assert result.value == pytest.approx(3.9 * 3.8 / 4.0, abs=1e-4)


def test_average_forecast_and_the_rate_needed() -> None:
    # citizen rating 4.0 and 4.2 against 4.5 a year: linear 4.4 and 4.6 follow, mean 4.3;
    # to still average 4.5 the two remaining quarters need (4.5 × 4 − 8.2) / 2 = 4.9
    result = forecast(up(4.5), Aggregation.AVERAGE, [(1, 4.0), (2, 4.2)])
    assert result is not None
    assert result.value == pytest.approx(4.3)
    assert result.needed_per_quarter == pytest.approx(4.9)


def test_a_range_forecast_has_no_rate_needed() -> None:
    result = forecast(within(2.5, 4.5), Aggregation.LAST, [(1, 3.0), (2, 3.2)])
    assert result is not None
    assert result.needed_per_quarter is None
    assert result.achievement == 100.0


def test_no_rate_is_needed_after_the_last_quarter() -> None:
    result = forecast(up(40), Aggregation.SUM, [(1, 10), (2, 10), (3, 10), (4, 10)])
    assert result is not None
    assert result.value == 40
    assert result.needed_per_quarter is None
