"""Server-rendered SVG charts: no JavaScript, readable on a phone, with a text alternative.

Every chart is drawn beside a table holding the same numbers; the SVG carries a title and
description for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR_COLOUR = "#1f5fbf"
AXIS_COLOUR = "#98a2b3"


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str,
              value_format: str = "{:g}", width: int = 560, chart_id: str = "") -> Markup:
    """Horizontal bars, one per label, longest on the scale of the largest value."""
    row, label_width, pad = 26, 180, 8
    height = max(1, len(labels)) * row + pad * 2
    top = max(values, default=0) or 1
    bar_room = width - label_width - 70
    parts = [_open(width, height, title, chart_id)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = pad + i * row
        length = max(1.0, bar_room * value / top) if value else 0
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" font-size="12">'
            f'{escape(_shorten(label, 26))}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}"'
            f' fill="{BAR_COLOUR}"><title>{escape(label)}: {escape(value_format.format(value))}'
            f'</title></rect>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + 17}" font-size="12">'
            f'{escape(value_format.format(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(labels: Sequence[str], values: Sequence[float], *, title: str,
                 width: int = 560, height: int = 220, chart_id: str = "") -> Markup:
    """Vertical columns over time (labels are dates), with the first and last date shown."""
    left, bottom, top_pad = 36, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = max(values, default=0) or 1
    step = min(plot_w / max(1, len(values)), 48.0)  # a lone day is a column, not a wall
    parts = [_open(width, height, title, chart_id),
             f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 8}" y2="{top_pad + plot_h}"'
             f' stroke="{AXIS_COLOUR}"/>',
             f'<text x="{left - 4}" y="{top_pad + 10}" text-anchor="end" font-size="11">'
             f'{top:g}</text>',
             f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end" font-size="11">0</text>']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        x = left + i * step + step * 0.15
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" '
                     f'width="{max(1.0, step * 0.7):.1f}" height="{h:.1f}" fill="{BAR_COLOUR}">'
                     f'<title>{escape(label)}: {value:g}</title></rect>')
    if labels:
        parts.append(f'<text x="{left}" y="{height - 8}" font-size="11">{escape(labels[0])}</text>'
                     f'<text x="{width - 8}" y="{height - 8}" font-size="11" text-anchor="end">'
                     f'{escape(labels[-1])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(width: int, height: int, title: str, chart_id: str) -> str:
    ident = escape(chart_id or "chart")
    return (f'<svg class="chart" id="{ident}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{ident}-title" preserveAspectRatio="xMinYMin meet" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}-title">{escape(title)}</title>')


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
