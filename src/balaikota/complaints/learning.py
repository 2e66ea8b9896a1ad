"""How the routing model learns from operators, and when a retrained model is put in use."""

from __future__ import annotations

from dataclasses import dataclass

from balaikota.complaints import router
from balaikota.complaints.models import Category, Complaint, RoutingExample
from balaikota.core.models import User

# Below this score the top category is only a suggestion for the operator; the complaint
# waits in the operator queue instead of going straight to an agency.
SUGGEST_THRESHOLD = 0.5


def suggest(text: str) -> tuple[list[router.Candidate], str | None]:
    """The ranking for `text`, and the category to use without asking, if it is sure enough."""
    ranking = router.rank_texts([text])[0]
    best = ranking[0]
    return ranking, best.category if best.score >= SUGGEST_THRESHOLD else None


def record_correction(complaint: Complaint, category: Category, user: User | None) -> None:
    """An operator set the category: the complaint's text becomes a labelled example.

    The public version of the text: a training example outlives the reporter's data, so it
    must hold none (and the model has nothing to learn from phone numbers)."""
    suggested = complaint.suggestions[0]["category"] if complaint.suggestions else ""
    RoutingExample.objects.create(
        text=complaint.public_text or complaint.text,
        category=category,
        complaint=complaint,
        suggested=suggested,
        created_by=user,
    )


def training_examples() -> tuple[list[router.Example], int]:
    """The project's training split plus every operator correction."""
    corrections = [
        router.Example(text, slug)
        for text, slug in RoutingExample.objects.values_list("text", "category__slug")
    ]
    return router.packaged_examples("train") + corrections, len(corrections)


@dataclass(frozen=True)
class Retraining:
    version: str
    accuracy: float
    previous_version: str | None
    previous_accuracy: float | None
    swapped: bool


def retrain() -> Retraining:
    """Train on the examples and corrections; put the new model in use only if it scores at
    least as well on the evaluation split as the one in use. The old file is kept."""
    examples, corrections = training_examples()
    bundle = router.train(examples, corrections)
    previous: str | None = router.current_version()
    previous_accuracy = None
    try:
        previous_accuracy = router.current_router().scores["accuracy"]
    except FileNotFoundError:  # its file is gone from storage: any new model is better
        previous = None
    swapped = previous_accuracy is None or bundle["scores"]["accuracy"] >= previous_accuracy
    router.save(bundle, make_current=swapped)
    return Retraining(
        version=bundle["version"],
        accuracy=bundle["scores"]["accuracy"],
        previous_version=previous,
        previous_accuracy=previous_accuracy,
        swapped=swapped,
    )
