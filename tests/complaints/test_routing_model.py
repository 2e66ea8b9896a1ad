"""The routing model: its ranking, the `balaikota route` contract, the submission flow,
and learning from operators' corrections."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import override_settings

from balaikota.complaints import learning, router, services
from balaikota.complaints.baseline import first_keyword
from balaikota.complaints.models import Category, RoutingExample, RoutingModel, Status
from tests.conftest import KLOJEN, SUMBERSARI, Cast, submit


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("motor saya jatuh gara2 lubang di depan pasar", "jalan-rusak"),
        ("air nggak ngalir 3 hari, mandi aja susah", "air-bersih"),
        ("bangjo perempatan mati sejak pagi, semrawut", "lampu-lalu-lintas"),
        ("sampah numpuk di TPS sudah seminggu ga diangkut, bau", "sampah"),
        ("KTP el saya belum jadi sudah 3 bulan", "adminduk"),
    ],
)
def test_plain_complaints_rank_their_category_first(db: None, text: str, category: str) -> None:
    ranking = router.current_router().rank(text)
    assert ranking[0].category == category
    assert len(ranking) == 19
    assert sum(c.score for c in ranking) == pytest.approx(1.0, abs=0.01)
    assert [c.score for c in ranking] == sorted((c.score for c in ranking), reverse=True)


def test_the_model_beats_the_first_keyword_rule_on_unseen_text(db: None) -> None:
    examples = router.packaged_examples("eval")
    scores = router.evaluate(router.current_router().pipeline, examples)
    baseline = sum(first_keyword(e.text) == e.category for e in examples) / len(examples)
    assert scores.accuracy >= baseline + 0.15
    assert scores.top3 >= 0.9


def test_training_and_evaluation_texts_never_overlap() -> None:
    train = {e.text.strip().lower() for e in router.packaged_examples("train")}
    evaluation = {e.text.strip().lower() for e in router.packaged_examples("eval")}
    assert train.isdisjoint(evaluation)
    counts: dict[str, int] = {}
    for example in router.packaged_examples("train"):
        counts[example.category] = counts.get(example.category, 0) + 1
    assert len(counts) == 19
    assert min(counts.values()) >= 100


def test_explanation_names_the_words_that_decided(db: None) -> None:
    words = router.current_router().explain(
        "lampu PJU mati di gang, gelap sekali", "penerangan-jalan"
    )
    assert any(word in {"pju", "lampu", "gelap", "mati"} for word in words)


def run_route(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> list[dict[str, Any]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    call_command("route", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_route_command_answers_one_json_line_per_input_line(
    city: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = run_route(
        monkeypatch,
        [
            json.dumps(
                {
                    "text": "jalan berlubang dalam, motor jatuh",
                    "lat": SUMBERSARI[0],
                    "lon": SUMBERSARI[1],
                }
            ),
            json.dumps({"text": "air PDAM mati sejak kemarin"}),
            "this is not json",
        ],
    )
    assert len(answers) == 3
    road, water, broken = answers
    assert road["category"] == "jalan-rusak"
    assert road["agency"] == "dpupr"
    assert road["region"] == "35.73.05.1005"
    assert len(road["candidates"]) >= 3
    assert road["candidates"][0] == {
        "category": "jalan-rusak",
        "score": road["candidates"][0]["score"],
    }
    assert water["category"] == "air-bersih"
    assert water["region"] is None
    assert "error" in broken


def test_the_place_decides_the_agency_for_area_based_categories(city: None) -> None:
    from balaikota.complaints.management.commands.route import _answer

    ranking = [
        router.Candidate("lainnya", 0.8),
        router.Candidate("sampah", 0.1),
        router.Candidate("taman-rth", 0.05),
    ]
    categories = {c.slug: c for c in Category.objects.all()}
    in_klojen = _answer({"text": "x", "lat": KLOJEN[0], "lon": KLOJEN[1]}, ranking, categories)
    in_sumbersari = _answer(
        {"text": "x", "lat": SUMBERSARI[0], "lon": SUMBERSARI[1]}, ranking, categories
    )
    assert in_klojen["agency"] == "kec-klojen"
    assert in_sumbersari["agency"] == "kec-lowokwaru"


def test_a_clear_text_without_a_category_goes_to_the_agency_as_suggested(cast: Cast) -> None:
    complaint = submit(text="Air PDAM tidak mengalir sudah tiga hari di RT 04.", category=None)
    assert complaint.category is not None
    assert complaint.category.slug == "air-bersih"
    assert complaint.category_source == "suggested"
    assert complaint.status == Status.ASSIGNED
    assert complaint.agency is not None
    assert complaint.agency.code == "tugutirta"
    assert complaint.suggestions[0]["category"] == "air-bersih"
    assert len(complaint.suggestions) == 3


def test_an_unclear_text_waits_for_the_operator_with_the_suggestions(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(learning, "SUGGEST_THRESHOLD", 1.01)  # nothing is ever sure enough
    complaint = submit(text="Air PDAM tidak mengalir sudah tiga hari di RT 04.", category=None)
    assert complaint.category is None
    assert complaint.status == Status.SUBMITTED
    assert complaint.agency is None
    assert complaint.suggestions[0]["category"] == "air-bersih"


def test_a_citizens_own_choice_is_kept(cast: Cast) -> None:
    complaint = submit(text="Air PDAM tidak mengalir sudah tiga hari di RT 04.", category="lainnya")
    assert complaint.category is not None
    assert complaint.category.slug == "lainnya"
    assert complaint.category_source == "citizen"


def test_a_correction_becomes_an_example_and_a_retraining_learns_it(
    cast: Cast, unsure_router: None
) -> None:
    complaint = submit(
        text="Kucing liar beranak di gudang kelurahan, banyak sekali.", category=None
    )
    services.correct_complaint(
        complaint, cast.operator, category=Category.objects.get(slug="lainnya")
    )
    example = RoutingExample.objects.get()
    assert example.category.slug == "lainnya"
    assert example.text == complaint.text
    assert example.created_by == cast.operator
    examples, corrections = learning.training_examples()
    assert corrections == 1
    assert router.Example(complaint.text, "lainnya") in examples
    outcome = learning.retrain()
    assert outcome.swapped
    assert router.current_router().corrections == 1
    assert router.current_version() == outcome.version


def test_a_model_that_scores_worse_is_not_swapped_in(db: None) -> None:
    bundle = router.train(router.packaged_examples("train"))
    bundle["scores"]["accuracy"] = 1.01  # a model in use that no retraining can match
    router.save(bundle, make_current=True)
    outcome = learning.retrain()
    assert not outcome.swapped
    assert router.current_version() == bundle["version"]
    kept = RoutingModel.objects.get(version=outcome.version)
    assert not kept.in_use
    assert storages["private"].exists(f"models/router/{outcome.version}.joblib")


def test_a_model_retrained_on_one_host_routes_on_every_host(
    cast: Cast, unsure_router: None, tmp_path: Path
) -> None:
    # a worker host retrains with an operator's correction
    complaint = submit(text="Kucing liar beranak di gudang kelurahan.", category=None)
    services.correct_complaint(
        complaint, cast.operator, category=Category.objects.get(slug="lainnya")
    )
    outcome = learning.retrain()
    assert outcome.swapped
    # a web host with an empty model folder of its own (another disk), the same database
    # and the same private storage
    router._load.cache_clear()
    with override_settings(VAR_DIR=tmp_path):
        assert not router.is_local(outcome.version)
        model = router.current_router()
        assert model.version == outcome.version
        assert model.corrections == 1
        assert (tmp_path / "models" / "router" / f"{outcome.version}.joblib").exists()
    router._load.cache_clear()


def test_a_host_without_a_retrained_model_uses_the_baseline_every_host_shares(
    db: None,
) -> None:
    assert not RoutingModel.objects.exists()
    version = router.current_version()
    assert version == router.baseline_version()
    assert router.current_router().version == version
    assert router.current_router().corrections == 0


def test_a_host_that_starts_later_copies_the_baseline_instead_of_training(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = router.baseline_version()
    first_host_file = router._local_bundle(version)
    router._store(first_host_file, version)  # as the first host to train it does
    router._load.cache_clear()

    def no_training(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the baseline was trained again")

    monkeypatch.setattr(router, "train", no_training)
    with override_settings(VAR_DIR=tmp_path):
        assert router.current_router().version == version
        assert router.is_local(version)
    router._load.cache_clear()


def test_staff_see_the_suggestions_and_the_words_behind_them(cast: Cast) -> None:
    from django.test import Client
    from django.urls import reverse

    complaint = submit(text="Air PDAM tidak mengalir sudah tiga hari di RT 04.", category=None)
    client = Client()
    client.force_login(cast.operator)
    page = client.get(reverse("complaints:staff_detail", args=[complaint.ticket]))
    assert page.context["suggestions"][0]["words"]
    assert 'id="suggestions"' in page.content.decode()


def test_the_admin_page_names_the_model_in_use(cast: Cast) -> None:
    from django.test import Client

    version = router.current_router().version
    client = Client()
    client.force_login(cast.admin)
    page = client.get("/admin/").content.decode()
    assert 'id="router-version"' in page
    assert version in page
