"""The performance auction's section of the public city dashboard (`/dasbor`).

Registered with `panels` in `DashboardsConfig.ready()` (the dashboards read the
performance module through its selectors, never the other way). It shows what the
public target board (`/kinerja`) shows, summed up: the current year's agencies ranked by
the mean achievement of their commitments, on verified figures only. A handful of
queries whatever the number of agencies (`selectors.agency_ranking` prefetches).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from balaikota.dashboards import svg
from balaikota.performance import selectors
from balaikota.performance.models import BandChoice

# Achievement can pass 100 %; the bars are drawn against this, so one agency far above
# its targets does not flatten the others.
CHART_MAXIMUM = 120.0


def context(request: HttpRequest) -> dict[str, Any]:
    year = timezone.localdate().year
    rows = selectors.ranking_rows(year)
    scored = [row for row in rows if row["achievement"] is not None]
    chart = (
        svg.bars(
            [
                (
                    row["agency"],
                    min(row["achievement"], CHART_MAXIMUM),
                    f"{row['achievement']:.1f}% {row['band_label']}".strip(),
                )
                for row in scored
            ],
            title=_("Agencies ranked by achievement, %(year)s") % {"year": year},
            maximum=CHART_MAXIMUM,
        )
        if scored
        else None
    )
    return {"year": year, "rows": rows, "chart": chart, "band_labels": dict(BandChoice.choices)}
