"""The sweep's console: one line per finished trial, in the user's language."""

from __future__ import annotations

from ..base.i18n import N_, _
from .reading import fit_reading
from .trial import score


def describe(status) -> str:
    """A console line: counts, the trial that finished, its settings and score, the best
    so far and the ETA."""
    counts = _("[{done}/{total} done, {running} running, {left} left]").format(**status)
    r = status["result"]
    parts = [counts]
    if r is not None:
        searched = ", ".join(f"{SHORT.get(k, k)} {v:.3g}" for k, v in
                             r["spec"].get("search", {}).items())
        label = fit_reading(r)["label"]  # the word the report will use
        label = (_("stopped by the median rule at epoch {epoch}").format(
            epoch=len(r["history"]["loss"])) if label == "pruned" else _(LABELS.get(label, label)))
        parts.append(_("{name}: {searched}score {score}, {label}, {seconds} s").format(
            name=r["name"], searched=searched + ", " if searched else "",
            score=f"{score(r):.4g}", label=label, seconds=f"{r['seconds']:.1f}"))
    if status["best"]:
        parts.append(_("best {name} ({score})").format(name=status["best"]["name"],
                                                      score=f"{status['best']['score']:.4g}"))
    eta = status["eta"]
    parts.append(_("ETA {time}").format(time="--" if eta is None else _clock(eta)))
    return " | ".join(parts)


#: a trial's verdict in the console, in the user's language
LABELS = {"good": N_("good"), "over-fits": N_("over-fits"), "under-fits": N_("under-fits"),
          "diverged": N_("diverged"), "unsettled": N_("unsettled"),
          "no validation data": N_("no validation data")}


SHORT = {"learning_rate": "lr"}  # searched settings in a console line and table heading


def _clock(seconds) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else \
        f"{rest // 60}:{rest % 60:02d}"
