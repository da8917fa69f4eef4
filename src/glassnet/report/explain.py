"""Explanations written down: the "Which inputs mattered" section of a run's report, and
the folder ``glassnet explain`` writes (contributions.csv, a waterfall per row,
importance when the rows have their targets, and about.txt saying how it was done).
"""

from __future__ import annotations

import os

from ..base.i18n import _
from ..explain import contributions, importance
from ..explain.players import players_of
from ..io.files import output_dialect, write_bytes, write_csv
from .html import save_figure

#: a run with more input columns (images, wide sheets) gets no importance section
MAX_COLUMNS = 200
#: fewer held-out rows than this: importance is measured on the training rows
MIN_TEST_ROWS = 10


def importance_section(report, model, train, test, out_dir, figures=True, seed=0) -> list:
    """Permutation importance on the test part (else the training rows), written as
    ``importance.csv`` and drawn; returns the paths written."""
    n_columns = len(players_of(model).names)
    report.heading(_("Which inputs mattered"))
    if train.info.get("image_shape") or n_columns > MAX_COLUMNS:
        report.paragraph(_("{n} input columns: too many to rank one by one here; the "
                           "coefficient figures show what the first layer looks at.").format(
            n=n_columns), css="note")
        return []
    held_out = len(test) >= MIN_TEST_ROWS
    data = test if held_out else train
    result = importance(model, data, seed=seed)
    path = os.path.join(out_dir, "importance.csv")
    result.write_csv(path, dialect=output_dialect(train.info))
    written = [path]
    where = (_("the {n} test rows").format(n=result.rows) if held_out else
             _("{n} training rows (there is no test part, so this shows what the model "
               "uses, not what carries over to new rows)").format(n=result.rows))
    report.paragraph(_("Each input column's cells were shuffled among {rows}, {repeats} "
                       "times, and the model scored again: the importance is the {measure} "
                       "(mean of the repeats, and their standard deviation). A text column "
                       "is shuffled as one column.").format(
        rows=where, repeats=result.drops.shape[1], measure=result.measure()))
    for sentence in result.summary():
        report.paragraph(sentence, css="note")
    if figures:
        from ..plotting.explain import importance_bars

        png = save_figure(importance_bars(result), os.path.join(out_dir, "importance"))
        report.figures([(png, _("Permutation importance: bars are the mean of the "
                                "shuffles, whiskers one standard deviation either side; "
                                "the longer the bar, the more the model relies on the "
                                "column."), "importance.png")])
        written += [os.path.join(out_dir, f"importance{ext}") for ext in (".png", ".svg")]
    header, rows = result.table()
    shown = [[row[1], row[2], row[3]] for row in rows[:15]]
    caption = _("Importance, most important first")
    if len(rows) > 15:
        caption += " — " + _("all of it is in {file}").format(file="importance.csv")
    report.table([_("column"), _("importance"), _("standard deviation")], shown,
                 caption=caption, spec=".3g")
    return written


def write_explanation(out_dir, model, sheet, picks, background=None, background_note=None,
                      class_name=None, seed=0, repeats=5, figures=True) -> dict:
    """Explain rows ``picks`` (0-based) of ``sheet`` (``explain.sheet.read_sheet``) into
    ``out_dir``; importance too when the sheet has the target. Returns what was done:
    ``contributions``, ``importance`` (or None) and ``paths``."""
    from ..plotting.style import save

    result = contributions(model, sheet.x[picks], background, class_name, seed=seed,
                           background_note=background_note)
    ids = [[int(sheet.numbers[i]), *(sheet.ids[i] if sheet.ids is not None else [])]
           for i in picks]
    header, rows = result.table(ids, ["row", *sheet.id_names])
    paths = {"contributions": os.path.join(out_dir, "contributions.csv"), "figures": []}
    dialect = output_dialect(sheet.detected)  # the file's delimiter and decimal mark
    write_csv(paths["contributions"], header, rows, dialect=dialect)
    if figures:
        from ..plotting.explain import waterfall

        width = len(str(sheet.total))
        for r, i in enumerate(picks):
            name = str(sheet.numbers[i])
            if sheet.ids is not None:  # row 3 (No. 17)
                name += " (" + ", ".join(f"{n} {v}" for n, v in zip(sheet.id_names,
                                                                    sheet.ids[i])) + ")"
            file = os.path.join(out_dir, f"waterfall-row-{sheet.numbers[i]:0{width}d}")
            save(waterfall(result, r, row_name=name), file, formats=("png",))
            paths["figures"].append(file + ".png")
    ranked = None
    labelled = sheet.labelled(model)
    if labelled is not None and len(labelled) >= 2:
        ranked = importance(model, labelled, n_repeats=repeats, seed=seed)
        paths["importance"] = os.path.join(out_dir, "importance.csv")
        ranked.write_csv(paths["importance"], dialect=dialect)
        if figures:
            from ..plotting.explain import importance_bars

            save(importance_bars(ranked), os.path.join(out_dir, "importance"),
                 formats=("png",))
            paths["figures"].append(os.path.join(out_dir, "importance.png"))
    about = [result.describe(),
             _("base: the average output over the background rows; each column's value is "
               "how much it moves this row's output away from the base; base + the sum of "
               "the columns = output.")]
    if result.classes:
        about.append(_("output: the probability of the explained class (the predicted class "
                       "unless --class names one)."))
    else:
        about.append(_("output: the predicted value, in the target's units."))
    if ranked is not None:
        about.append(_("importance.csv: permutation importance on the {n} rows of the file "
                       "with a target; {measure}.").format(n=ranked.rows,
                                                          measure=ranked.measure()))
        about += ranked.summary()
    if sheet.left_out:
        from ..data.columns import summarize

        about.append(_("Rows whose target is not one of the model's classes were left out "
                       "of the importance: {classes}.").format(
            classes=summarize(list(sheet.left_out), 8)))
    text = "\n".join(about) + "\n"
    paths["about"] = os.path.join(out_dir, "about.txt")
    write_bytes(paths["about"], text.encode("utf-8"))
    return {"contributions": result, "importance": ranked, "paths": paths, "about": about}
