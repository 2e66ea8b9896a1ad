"""Small charts as inline SVG, drawn on the server: no chart library, no script.

Each chart is decoration beside its table (which carries the same figures for screen
readers and copying), so it is `aria-hidden` and needs no labels of its own beyond a title.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6feb", "#e36209", "#2da44e", "#a371f7", "#d1242f", "#bf8700", "#0a8d8d", "#6e7781")
BAR_HEIGHT = 18
LABEL_WIDTH = 150
CHART_WIDTH = 520


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bars(
    items: Sequence[tuple[str, float | None, str]], *, title: str, maximum: float | None = None
) -> SafeString:
    """Horizontal bars, one per (label, value, text shown at the bar's end)."""
    top = maximum or max((value or 0.0 for _label, value, _text in items), default=0.0) or 1.0
    span = CHART_WIDTH - LABEL_WIDTH - 60
    height = BAR_HEIGHT * len(items) + 4
    parts = []
    for index, (label, value, text) in enumerate(items):
        y = index * BAR_HEIGHT + 2
        width = max(0.0, (value or 0.0) / top * span)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}">{}</text>',
                LABEL_WIDTH - 4,
                y + 13,
                label[:24],
                LABEL_WIDTH,
                y + 2,
                _number(width),
                BAR_HEIGHT - 5,
                PALETTE[0],
                _number(LABEL_WIDTH + width + 4),
                y + 13,
                text,
            )
        )
    return _frame(title, CHART_WIDTH, height, "".join(parts))


def columns(
    periods: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, title: str
) -> SafeString:
    """Stacked columns: one column per period, one colour per series (the last is "other")."""
    totals = [sum(values[i] for _label, values in series) for i in range(len(periods))]
    top = max(totals, default=0) or 1
    plot_height, base = 140, 150
    step = (CHART_WIDTH - 40) / max(len(periods), 1)
    width = max(2.0, step * 0.7)
    parts = []
    for i, period in enumerate(periods):
        x = 30 + i * step
        y = float(base)
        for s, (_label, values) in enumerate(series):
            h = values[i] / top * plot_height
            if h <= 0:
                continue
            y -= h
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    _number(x),
                    _number(y),
                    _number(width),
                    _number(h),
                    PALETTE[s % len(PALETTE)],
                )
            )
        if len(periods) <= 12 or i % 3 == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                    _number(x + width / 2),
                    base + 14,
                    period[2:],
                )
            )
    parts.append(format_html('<text x="0" y="12">{}</text>', top))
    legend = "".join(
        format_html(
            '<rect x="{}" y="{}" width="10" height="10" fill="{}"></rect>'
            '<text x="{}" y="{}">{}</text>',
            10 + (s % 4) * 128,
            172 + (s // 4) * 14,
            PALETTE[s % len(PALETTE)],
            24 + (s % 4) * 128,
            181 + (s // 4) * 14,
            label[:18],
        )
        for s, (label, _values) in enumerate(series)
    )
    rows = (len(series) + 3) // 4
    return _frame(title, CHART_WIDTH, 176 + rows * 14, "".join(parts) + legend)


def _frame(title: str, width: int, height: int, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece is escaped by format_html  # nosec B308, B703
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-hidden="true" '
        f'focusable="false" font-size="11"><title>{escape(title)}</title>{body}</svg>'
    )
