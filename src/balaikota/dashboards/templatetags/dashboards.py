from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """A share from 0 to 1 as a whole percentage; a dash when there is none."""
    if value is None or value == "":
        return "–"
    return f"{float(value) * 100:.0f} %"
