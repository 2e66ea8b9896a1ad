"""Budget absorption (penyerapan anggaran) and efficiency: pure functions, no database.

Absorption is the budget realised so far against the year's ceiling (pagu), in percent:
realised ÷ pagu × 100. A ceiling of 0 has no absorption (None), never a division error.

Efficiency sets the achievement (capaian kinerja) against the absorption, as the LKjIP's
"analisis efisiensi penggunaan sumber daya" asks (PermenPANRB 53/2014, Lampiran III,
Bab III): efficiency = achievement % ÷ absorption %. Above 1, the target was reached
further than the budget was spent. We could not confirm a formula fixed by the regulation
itself (it asks for the analysis, not a formula; evaluators and LKjIPs use several), so this
is the plain ratio; it is None without an achievement or without any absorption.

During the year absorption counts against the whole year's pagu, so efficiency is final
only once TW IV is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def absorption(ceiling: Decimal, realised: Decimal) -> Decimal | None:
    """Realised ÷ ceiling × 100, to two decimals; None for a ceiling of 0."""
    if ceiling <= 0:
        return None
    return (realised / ceiling * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def efficiency(achievement: float | None, absorbed: Decimal | None) -> float | None:
    """Achievement % ÷ absorption %, to two decimals (see the module's note)."""
    if achievement is None or absorbed is None or absorbed <= 0:
        return None
    return round(achievement / float(absorbed), 2)


@dataclass
class Node:
    """One level of the cascade with its budget summed from the activities below it."""

    kind: str  # "city", "agency", "target", "programme", "activity"
    code: str
    name: str
    ceiling: Decimal = Decimal(0)
    realised: Decimal = Decimal(0)
    children: list[Node] = field(default_factory=list)

    @property
    def absorption(self) -> Decimal | None:
        return absorption(self.ceiling, self.realised)

    def add(self, ceiling: Decimal, realised: Decimal) -> None:
        self.ceiling += ceiling
        self.realised += realised

    def child(self, kind: str, code: str, name: str) -> Node:
        for node in self.children:
            if node.kind == kind and node.code == code:
                return node
        node = Node(kind, code, name)
        self.children.append(node)
        return node

    def walk(self, depth: int = 0) -> list[tuple[int, Node]]:
        """This node and all below it, in order, with their depth."""
        rows = [(depth, self)]
        for node in self.children:
            rows += node.walk(depth + 1)
        return rows
