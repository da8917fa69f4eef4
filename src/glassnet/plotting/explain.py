"""Figures of ``glassnet.explain``: which columns mattered, and why one row got its answer.

- ``importance_bars``: each column's permutation importance, most important on top,
  with a whisker of ± one standard deviation of the repeats;
- ``waterfall``: one row's explanation, from the base (the average output over the
  background rows) through each column's contribution to the row's output.
"""

from __future__ import annotations

import numpy as np

from ..base.i18n import _
from ..base.sanitize import label
from ..explain.importance import readable
from .style import PALETTE, pyplot

#: columns drawn in one figure; the rest are summed (waterfall) or left to the CSV
MAX_BARS = 30
MAX_STEPS = 12
UP, DOWN = PALETTE[5], PALETTE[0]  # vermilion raises the output, blue lowers it


def importance_bars(result, title=None, limit=MAX_BARS):
    """Horizontal bars of ``result`` (an ``explain.Importance``), most important on top."""
    plt = pyplot()
    order = result.order[:limit]
    n = len(order)
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.32 * n))
    y = np.arange(n)[::-1]
    mean, std = result.mean[order], result.std[order]
    ax.barh(y, mean, xerr=std, color=PALETTE[0], alpha=0.85, height=0.6,
            error_kw={"ecolor": "#333333", "capsize": 3, "elinewidth": 1})
    ax.set_yticks(y, [label(result.names[i], 40) for i in order])
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(result.measure() + "\n" + _(
        "mean of {repeats} shuffles of {rows} rows; whiskers: ± one standard deviation").format(
        repeats=result.drops.shape[1], rows=result.rows), fontsize=9)
    shown = "" if n == len(result.names) else " " + _(
        "(the {n} most important of {all} columns)").format(n=n, all=len(result.names))
    ax.set_title(title or _("Which inputs mattered") + shown, loc="left")
    fig.tight_layout()
    return fig


def waterfall(result, r, row_name=None, limit=MAX_STEPS, unit=None):
    """Row ``r`` of ``result`` (an ``explain.Contributions``): base, then each column's
    contribution (largest first; beyond ``limit`` the rest as one step), then output."""
    plt = pyplot()
    values = result.values[r]
    order = np.argsort(-np.abs(values), kind="stable")
    steps = [(label(result.names[i], 40), float(values[i])) for i in order[:limit]]
    if len(order) > limit:
        rest = float(values[order[limit:]].sum())
        steps.append((_("{n} other columns").format(n=len(order) - limit), rest))
    base, output = float(result.base[r]), float(result.output[r])
    n = len(steps)
    fig, ax = plt.subplots(figsize=(7.5, 1.6 + 0.36 * (n + 2)))
    y = np.arange(n + 2)[::-1]
    ax.barh(y[0], base, color="#999999", height=0.6)
    running = base
    span = max(abs(base), abs(output), *(abs(base) + np.cumsum(np.abs(values))[-1:]))
    for k, (_name, value) in enumerate(steps):
        ax.barh(y[k + 1], value, left=running, color=UP if value >= 0 else DOWN, height=0.6)
        ax.text(max(running, running + value) + 0.01 * span, y[k + 1],
                ("+" if value > 0 else "") + readable(value), va="center", fontsize=8)
        ax.plot([running + value] * 2, [y[k + 1] - 0.3, y[k + 1] - 0.7], color="#777777",
                linewidth=0.6)
        running += value
    ax.barh(y[-1], output, color="#333333", height=0.6)
    for position, value in ((y[0], base), (y[-1], output)):
        ax.text(value + 0.01 * span if value >= 0 else 0.01 * span, position,
                readable(value, 4), va="center", fontsize=8)
    ax.set_yticks(y, [_("base (average over the background)"), *[s[0] for s in steps],
                      _("output for this row")])
    ax.axvline(0, color="#555555", linewidth=0.8)
    what = label(result.explained[r], 40)
    if unit is None:
        ax.set_xlabel(_("probability of {what}").format(what=what) if result.classes
                      else what)
    else:
        ax.set_xlabel(unit)
    name = label(str(row_name), 40) if row_name is not None else str(r + 1)
    title = (_("Why row {row} got {what}: probability {p}") if result.classes else
             _("Why row {row} got {what} = {p}")).format(row=name, what=what,
                                                         p=readable(output, 4))
    ax.set_title(title, loc="left")
    ax.margins(x=0.12)
    if result.classes:  # a probability: the whole of [0, 1], room for the labels
        low = min(0.0, *(base + np.cumsum([v for _name, v in steps])))
        ax.set_xlim(low - 0.02, 1.12)
    fig.tight_layout()
    return fig
