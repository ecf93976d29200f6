"""Bar charts of the quantitative answers: static SVG made at build time.

matplotlib's SVG backend, with text kept as text (`svg.fonttype: none`, so
that a screen reader and a search reads it), a fixed hash salt for the ids
it generates and no date in the metadata: the same rows give the same bytes.
Each bar is a group with the id `bar-N`; the SVG opens with a <title> and a
<desc> that say what it shows.
"""

from __future__ import annotations

import html
import io
import re

_STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "packt-an",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _short(text: str, n: int = 56) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def bar_chart(labels: list[str], values: list[float], title: str, desc: str, value_text: list[str], chart_id: str) -> str:
    """A horizontal bar chart as an SVG element (no XML prolog) for inline use."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    with matplotlib.rc_context(_STYLE):
        shown = [_short(l) for l in labels]
        height = 0.7 + 0.3 * len(labels)
        fig = Figure(figsize=(8.0, height))
        # fixed margins from the longest label (8 pt text is about 0.065 in per character)
        left = min(0.55, (0.2 + 0.065 * max((len(l) for l in shown), default=4)) / 8.0)
        fig.subplots_adjust(left=left, right=0.97, top=1 - 0.2 / height, bottom=0.45 / height)
        ax = fig.subplots()
        ys = list(range(len(labels)))
        bars = ax.barh(ys, values, color="#1f5f99", height=0.7)
        for i, (bar, text) in enumerate(zip(bars, value_text)):
            bar.set_gid(f"bar-{i}")
            ax.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=8, color="#1b1b1b")
        ax.set_yticks(ys, shown, fontsize=8)
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:,.0f}".replace(",", " ")))
        top = max(values) if values and max(values) > 0 else 1
        ax.set_xlim(0, top * 1.22)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    # ids unique in the page (several charts in one page), bars marked for tests and styles
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', svg)
    svg = re.sub(r'(url\(#|href="#)([^)"]+)', lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", svg)
    svg = re.sub(r'<g id="(' + re.escape(chart_id) + r'-bar-\d+)">', r'<g id="\1" class="bar">', svg)
    head = (f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" '
            f'data-bars="{len(labels)}" ')
    svg = svg.replace("<svg ", head, 1)
    close = svg.index(">") + 1
    svg = (svg[:close] + f'<title id="{chart_id}-title">{html.escape(title)}</title>'
           f'<desc id="{chart_id}-desc">{html.escape(desc)}</desc>' + svg[close:])
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return svg
