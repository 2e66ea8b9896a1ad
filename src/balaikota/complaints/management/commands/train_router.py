from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from balaikota.complaints import learning


class Command(BaseCommand):
    help = (
        "Retrain the routing model on the project's examples and the operators' corrections; "
        "the new model is used only if it scores at least as well on the evaluation split."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = learning.retrain()
        before = (
            f"{outcome.previous_version} (accuracy {outcome.previous_accuracy:.3f})"
            if outcome.previous_version and outcome.previous_accuracy is not None
            else "none"
        )
        verdict = "now in use" if outcome.swapped else "kept aside: it scored worse"
        self.stdout.write(
            f"new model {outcome.version}: accuracy {outcome.accuracy:.3f}, {verdict}; "
            f"previous: {before}"
        )
