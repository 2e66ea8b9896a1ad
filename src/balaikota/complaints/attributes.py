"""Answers to a category's extra questions (Open311 service attributes), checked by type."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from balaikota.complaints.models import AttributeType, Category, CategoryAttribute
from balaikota.core import plaintext

MAX_ANSWER = 1000


def clean_answers(
    category: Category | None,
    given: Mapping[str, Sequence[str]],
    errors: dict[str, list[str]],
    questions: Sequence[CategoryAttribute] | None = None,
    *,
    enforce_required: bool = True,
) -> dict[str, Any]:
    """The answers to keep, by code; problems go into `errors` under `attribute[code]`.

    `given` maps a code to the values received (several only for multi-value lists).
    Codes the category does not ask about are refused, so that a typo is not lost silently.
    """
    if category is None:
        if given:
            errors.setdefault("attribute", []).append(
                _("Answers to a category's questions need a category.")
            )
        return {}
    asked = {q.code: q for q in (questions if questions is not None else category.attributes.all())}
    for code in given:
        if code not in asked:
            errors.setdefault(f"attribute[{code}]", []).append(
                _("This category has no question %(code)s.") % {"code": code}
            )
    answers: dict[str, Any] = {}
    for code, question in asked.items():
        values = [plaintext.clean(v).strip() for v in given.get(code, []) if v and v.strip()]
        if not values:
            if question.required and enforce_required:
                errors.setdefault(f"attribute[{code}]", []).append(
                    _("Answer this question: %(question)s")
                    % {"question": question.display_description}
                )
            continue
        try:
            answers[code] = _typed(question, values)
        except ValueError as exc:
            errors.setdefault(f"attribute[{code}]", []).append(str(exc))
    return answers


def _typed(question: CategoryAttribute, values: list[str]) -> Any:
    kind = question.datatype
    if kind == AttributeType.MULTI:
        unknown = [v for v in values if v not in question.choice_keys()]
        if unknown:
            raise ValueError(_("Not one of the choices: %(value)s.") % {"value": unknown[0]})
        return sorted(set(values))
    if len(values) > 1:
        raise ValueError(_("Give one answer only."))
    value = values[0]
    if len(value) > MAX_ANSWER:
        raise ValueError(_("The answer is too long."))
    if kind == AttributeType.SINGLE:
        if value not in question.choice_keys():
            raise ValueError(_("Not one of the choices: %(value)s.") % {"value": value})
        return value
    if kind == AttributeType.NUMBER:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(_("Not a number.")) from None
        if not math.isfinite(number):
            raise ValueError(_("Not a number."))
        return int(number) if number.is_integer() else number
    if kind == AttributeType.DATETIME:
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise ValueError(_("Not a date and time (ISO 8601)."))
        # Without an offset, the time is the city's.
        return (moment if moment.tzinfo else timezone.make_aware(moment)).isoformat()
    return value


def labelled(category: Category | None, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Question and answer pairs for pages, in the category's order, choices by their names."""
    if category is None or not answers:
        return []
    pairs = []
    for question in category.attributes.all():
        if question.code not in answers:
            continue
        names = {
            str(v.get("key")): str(v.get("name")) for v in question.values if isinstance(v, dict)
        }
        value = answers[question.code]
        chosen = value if isinstance(value, list) else [value]
        pairs.append(
            (question.display_description, ", ".join(names.get(str(v), str(v)) for v in chosen))
        )
    return pairs
