"""`balaikota eval_router` (`make eval-router`): the routing model on the evaluation split,
next to the baseline it must beat: the first category keyword found in the text."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from balaikota.complaints import router
from balaikota.complaints.baseline import first_keyword


class Command(BaseCommand):
    help = "Accuracy, top-3 accuracy and macro-F1 of the routing model on the evaluation split."

    def handle(self, *args: Any, **options: Any) -> None:
        examples = router.packaged_examples("eval")
        train = router.packaged_examples("train")
        pipeline = router.build_pipeline()
        pipeline.fit([e.text for e in train], [e.category for e in train])
        scores = router.evaluate(pipeline, examples)
        baseline = sum(first_keyword(e.text) == e.category for e in examples) / len(examples)
        self.stdout.write(
            f"evaluation split: {len(examples)} texts never trained on "
            f"({len(train)} training examples)"
        )
        self.stdout.write(f"accuracy        {scores.accuracy:.3f}")
        self.stdout.write(f"top-3 accuracy  {scores.top3:.3f}")
        self.stdout.write(f"macro-F1        {scores.macro_f1:.3f}")
        self.stdout.write(f"time            {scores.per_complaint_ms:.2f} ms per complaint")
        self.stdout.write(f"baseline (first keyword) accuracy {baseline:.3f}")
        self.stdout.write("most frequent confusions (true -> predicted: count):")
        for actual, guess, count in scores.confusions[:12]:
            self.stdout.write(f"  {actual:<20} -> {guess:<20} {count}")
