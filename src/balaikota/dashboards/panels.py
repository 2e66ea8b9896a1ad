"""Sections other apps add to the public dashboard (the performance module's figures).

A panel is registered in `DashboardsConfig.ready()` (it reads the other app through that
app's selectors):

    panels.register(Panel("performance", "performance/dashboard_panel.html", context_fn))

and the dashboard renders each panel's template with what `context(request)` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any]]


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.name] = panel


def rendered_context(request: HttpRequest) -> list[tuple[Panel, dict[str, Any]]]:
    return [(panel, panel.context(request)) for panel in _panels.values()]
