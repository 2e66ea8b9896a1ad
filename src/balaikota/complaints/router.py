"""The routing model: which category a complaint's own words describe.

TF-IDF over words and character n-grams of the normalised text (see `textnorm`), and a
linear model, trained on the project's labelled examples (`routing_data/*.jsonl`, split
into "train" and an "eval" split that is never trained on) plus every category correction
operators make. Models are files under VAR_DIR/models/router/; `current` names the one in
use, so a retrained model replaces the old one only when it scores at least as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from django.conf import settings
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import FeatureUnion, Pipeline

from balaikota.complaints.textnorm import normalise

DATA_DIR = Path(__file__).resolve().parent / "routing_data"
MIN_CANDIDATES = 3


@dataclass(frozen=True)
class Example:
    text: str
    category: str


@dataclass(frozen=True)
class Candidate:
    category: str
    score: float


@dataclass
class Scores:
    accuracy: float
    top3: float
    macro_f1: float
    per_complaint_ms: float = 0.0
    confusions: list[tuple[str, str, int]] = field(default_factory=list)


def packaged_examples(split: str) -> list[Example]:
    """The project's own labelled examples of one split ("train" or "eval")."""
    examples = []
    for path in sorted(DATA_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["split"] == split:
                    examples.append(Example(row["text"], path.stem))
    return examples


def build_pipeline() -> Pipeline:
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    preprocessor=normalise, ngram_range=(1, 2), sublinear_tf=True, min_df=1
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    preprocessor=normalise,
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    min_df=2,
                ),
            ),
        ]
    )
    return Pipeline([("features", features), ("model", LogisticRegression(C=20.0, max_iter=3000))])


class Router:
    """A trained model with its version and the scores it had on the evaluation split."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.version: str = bundle["version"]
        self.pipeline: Pipeline = bundle["pipeline"]
        self.scores: dict[str, Any] = bundle["scores"]
        self.trained_at: str = bundle["trained_at"]
        self.examples: int = bundle["examples"]
        self.corrections: int = bundle["corrections"]
        self.labels: list[str] = list(self.pipeline.classes_)

    def rank_many(self, texts: Sequence[str]) -> list[list[Candidate]]:
        probabilities = self.pipeline.predict_proba(list(texts))
        ranked = []
        for row in probabilities:
            order = np.argsort(row)[::-1]
            ranked.append([Candidate(self.labels[i], round(float(row[i]), 4)) for i in order])
        return ranked

    def rank(self, text: str) -> list[Candidate]:
        return self.rank_many([text])[0]

    def explain(self, text: str, category: str, count: int = 5) -> list[str]:
        """The words of `text` that pushed most towards `category` (for staff)."""
        if category not in self.labels:
            return []
        union: FeatureUnion = self.pipeline.named_steps["features"]
        words: TfidfVectorizer = dict(union.transformer_list)["words"]
        weights = self.pipeline.named_steps["model"].coef_[self.labels.index(category)]
        vector = words.transform([text])
        names = words.get_feature_names_out()
        contributions = [(vector[0, j] * weights[j], names[j]) for j in vector.nonzero()[1]]
        return [name for value, name in sorted(contributions, reverse=True)[:count] if value > 0]


def evaluate(pipeline: Pipeline, examples: Sequence[Example]) -> Scores:
    texts = [e.text for e in examples]
    truth = [e.category for e in examples]
    started = time.perf_counter()
    probabilities = pipeline.predict_proba(texts)
    elapsed = time.perf_counter() - started
    labels = list(pipeline.classes_)
    top = np.argsort(probabilities, axis=1)[:, ::-1]
    predicted = [labels[row[0]] for row in top]
    top3 = [truth[i] in {labels[j] for j in top[i, :3]} for i in range(len(truth))]
    confusions: dict[tuple[str, str], int] = {}
    for actual, guess in zip(truth, predicted, strict=True):
        if actual != guess:
            confusions[(actual, guess)] = confusions.get((actual, guess), 0) + 1
    return Scores(
        accuracy=round(float(np.mean([p == t for p, t in zip(predicted, truth, strict=True)])), 4),
        top3=round(float(np.mean(top3)), 4),
        macro_f1=round(float(f1_score(truth, predicted, average="macro")), 4),
        per_complaint_ms=round(1000 * elapsed / max(1, len(texts)), 3),
        confusions=sorted(((a, g, n) for (a, g), n in confusions.items()), key=lambda c: -c[2]),
    )


# --- Model files -----------------------------------------------------------------------------


def model_dir() -> Path:
    path = Path(settings.VAR_DIR) / "models" / "router"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pointer() -> Path:
    return model_dir() / "current"


def current_version() -> str | None:
    pointer = _pointer()
    return pointer.read_text().strip() if pointer.exists() else None


def _bundle_path(version: str) -> Path:
    return model_dir() / f"{version}.joblib"


def train(examples: Sequence[Example], corrections: int = 0) -> dict[str, Any]:
    """A fitted model bundle, scored on the evaluation split."""
    pipeline = build_pipeline()
    pipeline.fit([e.text for e in examples], [e.category for e in examples])
    scores = evaluate(pipeline, packaged_examples("eval"))
    digest = hashlib.sha256(
        "\n".join(f"{e.category}\t{e.text}" for e in examples).encode()
    ).hexdigest()[:8]
    now = dt.datetime.now(dt.UTC)
    return {
        "version": f"{now:%Y%m%d-%H%M%S}-{digest}",
        "pipeline": pipeline,
        "scores": {"accuracy": scores.accuracy, "top3": scores.top3, "macro_f1": scores.macro_f1},
        "trained_at": now.isoformat(),
        "examples": len(examples),
        "corrections": corrections,
    }


def save(bundle: dict[str, Any], *, make_current: bool) -> Path:
    path = _bundle_path(bundle["version"])
    temporary = path.with_suffix(".tmp")
    joblib.dump(bundle, temporary)
    temporary.replace(path)
    if make_current:
        pointer = _pointer().with_suffix(".tmp")
        pointer.write_text(bundle["version"])
        pointer.replace(_pointer())
    return path


@lru_cache(maxsize=4)
def _load(version: str) -> Router:
    return Router(joblib.load(_bundle_path(version)))


_first_training = threading.Lock()


def current_router() -> Router:
    """The model in use; the first call on a new installation trains one (a few seconds)."""
    version = current_version()
    if version is None or not _bundle_path(version).exists():
        with _first_training:
            version = current_version()
            if version is None or not _bundle_path(version).exists():
                bundle = train(packaged_examples("train"))
                save(bundle, make_current=True)
                version = bundle["version"]
    return _load(version)


def rank_texts(texts: Iterable[str]) -> list[list[Candidate]]:
    return current_router().rank_many(list(texts))
