"""The routing model: which category a complaint's own words describe.

TF-IDF over words and character n-grams of the normalised text (see `textnorm`), and a
linear model, trained on the project's labelled examples (`routing_data/*.jsonl`, split
into "train" and an "eval" split that is never trained on) plus every category correction
operators make. A retrained model replaces the one in use only when it scores at least as
well; see "Model files" below for where models are kept on several hosts.
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
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import FeatureUnion, Pipeline

from balaikota.complaints.textnorm import normalise
from balaikota.core.refcache import Reference

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
#
# Two kinds of model. The baseline is trained on the packaged examples only: every host
# trains the same one from the same code, so nothing needs to be shared; its version is a
# digest of those examples. A retrained model (the operators' corrections too) is made by
# one worker: its file goes to private storage, the object store on several hosts, and a
# `RoutingModel` row puts it in use. Each host keeps a local copy under
# VAR_DIR/models/router/, fetched once, and sees a new model in use within a minute.

STORED_UNDER = "models/router"


def model_dir() -> Path:
    path = Path(settings.VAR_DIR) / "models" / "router"
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=1)
def baseline_version() -> str:
    import sklearn

    digest = hashlib.sha256(sklearn.__version__.encode())
    for example in packaged_examples("train"):
        digest.update(f"{example.category}\t{example.text}\n".encode())
    return f"baseline-{digest.hexdigest()[:12]}"


def _version_in_use() -> str | None:
    from balaikota.complaints.models import RoutingModel

    return RoutingModel.objects.filter(in_use=True).values_list("version", flat=True).first()


_in_use: Reference[str | None] | None = None


def current_version() -> str:
    """The retrained model in use (read again every minute), or the baseline."""
    global _in_use
    if _in_use is None:
        from balaikota.complaints.models import RoutingModel

        _in_use = Reference(_version_in_use, RoutingModel)
    return _in_use.get() or baseline_version()


def _bundle_path(version: str) -> Path:
    return model_dir() / f"{version}.joblib"


def _stored_name(version: str) -> str:
    return f"{STORED_UNDER}/{version}.joblib"


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


def _write_local(bundle: dict[str, Any]) -> Path:
    path = _bundle_path(bundle["version"])
    temporary = path.with_suffix(f".{threading.get_ident()}.tmp")
    joblib.dump(bundle, temporary)
    temporary.replace(path)
    return path


def save(bundle: dict[str, Any], *, make_current: bool) -> Path:
    """Store a retrained model where every host finds it, and put it in use if asked."""
    from balaikota.complaints.models import RoutingModel

    path = _write_local(bundle)
    _store(path, bundle["version"])
    with transaction.atomic():
        if make_current:
            RoutingModel.objects.filter(in_use=True).update(in_use=False)
        RoutingModel.objects.create(
            version=bundle["version"],
            trained_at=dt.datetime.fromisoformat(bundle["trained_at"]),
            accuracy=bundle["scores"]["accuracy"],
            examples=bundle["examples"],
            corrections=bundle["corrections"],
            in_use=make_current,
        )
    return path


_fetching = threading.Lock()


def _local_bundle(version: str) -> Path:
    """The model's file on this host, copied from private storage; only the first host to
    need the baseline of a release trains it (seconds) and stores it for the others."""
    path = _bundle_path(version)
    if path.exists():
        return path
    private = storages["private"]
    with _fetching:
        if path.exists():
            return path
        if version == baseline_version() and not private.exists(_stored_name(version)):
            bundle = train(packaged_examples("train"))
            bundle["version"] = version
            _write_local(bundle)
            _store(path, version)  # the next host to start copies it instead
            return path
        temporary = path.with_suffix(f".{threading.get_ident()}.tmp")
        with private.open(_stored_name(version), "rb") as stored:
            temporary.write_bytes(stored.read())
        temporary.replace(path)
        return path


def _store(path: Path, version: str) -> None:
    private = storages["private"]
    name = _stored_name(version)
    if not private.exists(name):
        with path.open("rb") as handle:
            private.save(name, File(handle))


def is_local(version: str) -> bool:
    return _bundle_path(version).exists()


@lru_cache(maxsize=4)
def _load(version: str) -> Router:
    return Router(joblib.load(_local_bundle(version)))


def current_router() -> Router:
    """The model in use; a host without its file trains the baseline or fetches it first."""
    return _load(current_version())


def rank_texts(texts: Iterable[str]) -> list[list[Candidate]]:
    return current_router().rank_many(list(texts))
