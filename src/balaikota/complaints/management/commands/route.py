"""`balaikota route`: JSON lines in, one ranking per line out (the contract in DESIGN.md).

In:  {"text": "...", "lat": -7.96, "lon": 112.61}   (lat/lon optional)
Out: {"category": slug, "agency": code, "region": kelurahan code or null,
      "candidates": [{"category": slug, "score": float}, ...]}   (best first, at least 3)
A line that cannot be read gets {"error": "..."} and the rest go on.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from balaikota.complaints import router
from balaikota.complaints.models import Category
from balaikota.complaints.routing import agency_for
from balaikota.regions import selectors as regions

BATCH = 256


class Command(BaseCommand):
    help = "Rank the categories of complaint texts read as JSON lines on standard input."

    def handle(self, *args: Any, **options: Any) -> None:
        categories = {c.slug: c for c in Category.objects.all()}
        batch: list[tuple[int, dict[str, Any]]] = []
        answers: dict[int, dict[str, Any]] = {}
        number = 0
        for number, line in enumerate(sys.stdin):
            if not line.strip():
                answers[number] = {"error": "empty line"}
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError('expected an object with a "text" string')
            except ValueError as exc:
                answers[number] = {"error": f"line {number + 1}: {exc}"}
                continue
            batch.append((number, item))
            if len(batch) >= BATCH:
                self._flush(batch, answers, categories)
                batch = []
        self._flush(batch, answers, categories)
        for index in sorted(answers):
            self.stdout.write(json.dumps(answers[index], ensure_ascii=False))

    def _flush(
        self,
        batch: list[tuple[int, dict[str, Any]]],
        answers: dict[int, dict[str, Any]],
        categories: dict[str, Category],
    ) -> None:
        if not batch:
            return
        rankings = router.rank_texts(item["text"] for _, item in batch)
        for (number, item), ranking in zip(batch, rankings, strict=True):
            answers[number] = _answer(item, ranking, categories)


def _answer(
    item: dict[str, Any], ranking: list[router.Candidate], categories: dict[str, Category]
) -> dict[str, Any]:
    village = None
    lat, lon = item.get("lat"), item.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        village = regions.locate(float(lat), float(lon)).village
    best = ranking[0].category
    agency = agency_for(categories.get(best), village)
    return {
        "category": best,
        "agency": agency.code if agency else None,
        "region": village.code if village else None,
        "candidates": [
            {"category": c.category, "score": c.score}
            for c in ranking[: max(router.MIN_CANDIDATES, 5)]
        ],
    }
