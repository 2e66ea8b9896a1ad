"""Absorption and efficiency: pure arithmetic, no database."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from balaikota.performance import budget

money = st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False)


def test_absorption_is_realised_over_ceiling_in_percent() -> None:
    assert budget.absorption(Decimal("40000000"), Decimal("10000000")) == Decimal("25.00")
    assert budget.absorption(Decimal("3"), Decimal("1")) == Decimal("33.33")
    assert budget.absorption(Decimal("3"), Decimal("2")) == Decimal("66.67")


def test_no_ceiling_has_no_absorption_and_no_efficiency() -> None:
    assert budget.absorption(Decimal(0), Decimal(500)) is None
    assert budget.efficiency(95.0, None) is None
    assert budget.efficiency(95.0, Decimal(0)) is None
    assert budget.efficiency(None, Decimal(50)) is None


def test_efficiency_is_achievement_over_absorption() -> None:
    # a target fully met with 80 % of the budget spent
    assert budget.efficiency(100.0, Decimal("80.00")) == 1.25
    assert budget.efficiency(45.0, Decimal("90.00")) == 0.5


@given(ceiling=money, realised=money)
def test_absorption_never_raises_and_matches_the_exact_ratio(
    ceiling: Decimal, realised: Decimal
) -> None:
    value = budget.absorption(ceiling, realised)
    if ceiling == 0:
        assert value is None
    else:
        assert value is not None
        assert abs(value - realised / ceiling * 100) <= Decimal("0.005")


def test_a_node_sums_what_is_added_to_it_exactly() -> None:
    node = budget.Node("programme", "1.03.10", "Program Penyelenggaraan Jalan")
    for _ in range(10):
        node.add(Decimal("0.10"), Decimal("0.01"))
    assert node.ceiling == Decimal("1.00")
    assert node.realised == Decimal("0.10")
    assert node.absorption == Decimal("10.00")
