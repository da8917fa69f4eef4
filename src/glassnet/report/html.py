"""A self-contained HTML report: text, tables and figures (embedded PNGs) in one file.

The page reads on a phone (390 px) as on a desktop (1600 px): figures sit in columns
filled evenly (one on a phone), tables scroll inside their own box instead of widening
the page, label/value lists are cards that reflow, and every figure links to its
full-size file.
"""

from __future__ import annotations

import base64
import html
import io

from ..base.i18n import _, display_width, get_language, ngettext

CSS = """
*,*::before,*::after{box-sizing:border-box}
body{font-family:"glassnet-ja","DejaVu Sans","Hiragino Sans","Yu Gothic","Noto Sans CJK JP",
sans-serif;max-width:1240px;margin:0 auto;padding:1rem clamp(.6rem,3vw,2rem);color:#222;
line-height:1.5;overflow-wrap:break-word}
h1{font-size:clamp(1.25rem,4.5vw,1.8rem);border-bottom:2px solid #0072B2;
padding-bottom:.2em;margin:.2em 0 .5em;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:1.8em 0 .5em;color:#0072B2}
.verdict{font-weight:bold;border-left:5px solid #009E73;background:#eef8f4;
padding:.6em .9em;margin:.5em 0 1em}
.verdict.over-fits,.verdict.under-fits{border-color:#E69F00;background:#fdf5e6}
.verdict.diverged{border-color:#D55E00;background:#fcebe6}
.figures{display:flex;flex-wrap:wrap;gap:1rem;margin:.5em 0;align-items:flex-start}
.figcol{flex:1 1 26rem;min-width:0;max-width:44rem;display:flex;flex-direction:column;gap:1rem}
.small>.figcol{flex-basis:20rem}
@media (max-width:40rem){.figures{flex-direction:column;align-items:stretch}
.figcol{display:contents}}
figure{margin:0;min-width:0}figure img{display:block;width:100%;height:auto;
border:1px solid #e4e4e4;background:#fff}
figcaption{font-size:.88em;color:#555;margin-top:.3em}
div.table{margin:.8em 0;max-width:100%;min-width:0}
.scroll{overflow-x:auto;max-width:100%}
.tables{display:flex;flex-wrap:wrap;gap:0 1.5em;align-items:flex-start}
.tables>div.table{flex:0 1 auto}
table{border-collapse:collapse;font-size:.88em}
p.caption{color:#555;font-size:.88em;margin:0 0 .25em}
.item{white-space:nowrap}
td,th{border:1px solid #ccc;padding:.2em .55em;text-align:right;white-space:nowrap;
font-variant-numeric:tabular-nums}
th{background:#f0f4f8}td.text,th.text{text-align:left}
dl.cards{display:grid;gap:.5em 1.5em;margin:.5em 0;
grid-template-columns:repeat(auto-fill,minmax(min(100%,10.5rem),1fr))}
dl.cards>div{min-width:0}dl.cards>div.wide{grid-column:1/-1}dt{color:#555;font-size:.85em}dd{margin:0}
details summary{cursor:pointer}
pre{overflow-x:auto;background:#f7f7f7;padding:.6em;font-size:.85em}
.note{color:#555;font-size:.9em}
"""

#: characters from here up are served from the embedded font (Greek onwards): a reader
#: without Japanese fonts may lack γ or ㎡ too
FONT_FROM = 0x0370
LIST_LIMIT = 12  # longer lists (784 pixel names) fold into a <details> with a count


def _cell(value, spec=".4g"):
    if getattr(value, "dtype", None) is not None and value.dtype.kind in "fiu":
        value = value.item()  # a NumPy number (a float32 weight) as Python's
    if isinstance(value, float):
        text = format(value, spec) if abs(value) < 1e6 else f"{value:.3e}"
        return f"<td>{text}</td>"
    if isinstance(value, int):
        return f"<td>{value}</td>"
    return f'<td class="text">{html.escape(str(value))}</td>'


def _value(value) -> str:
    """A card's value: text, or a list (folded with a count when long); a list's items
    never break inside (a class name stays on one line)."""
    if not isinstance(value, (list, tuple)):
        return html.escape(str(value))
    items = [f'<span class="item">{html.escape(str(v))}</span>' for v in value]
    if len(items) <= LIST_LIMIT:
        return ", ".join(items)
    head = ", ".join(items[:LIST_LIMIT // 2])
    summary = ngettext("{n} item", "{n} items", len(items)).format(n=len(items))
    return (f"<details><summary>{html.escape(summary)}: {head}, …</summary>"
            f"{', '.join(items)}</details>")


def _wide(value) -> str:
    """Long values take a whole row of cards instead of wrapping in a narrow one."""
    text = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return ' class="wide"' if display_width(text) > 22 else ""


class Report:
    """An HTML page built part by part; ``render`` returns it, ``write`` saves it."""

    def __init__(self, title: str, lang: str | None = None):
        self.title = title
        self.lang = lang or get_language()
        self.parts: list[str] = []

    def heading(self, text):
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def paragraph(self, text, css=None):
        cls = f' class="{css}"' if css else ""
        self.parts.append(f"<p{cls}>{html.escape(text)}</p>")

    def verdict(self, text, kind=""):
        """The one-sentence judgement of the run, at the top of the page."""
        self.paragraph(text, css=f"verdict {kind.replace(' ', '-')}".strip())

    def items(self, pairs: dict):
        """Label/value cards that reflow with the width; list values fold when long."""
        rows = "".join(f"<div{_wide(v)}><dt>{html.escape(str(k))}</dt><dd>{_value(v)}</dd>"
                       "</div>" for k, v in pairs.items())
        self.parts.append(f'<dl class="cards">{rows}</dl>')

    def side_by_side(self, tables, spec=".4g"):
        """Several (header, rows, caption) tables in one row that wraps on narrow screens."""
        start = len(self.parts)
        for header, rows, caption in tables:
            self.table(header, rows, caption, spec)
        inner = "".join(self.parts[start:])
        del self.parts[start:]
        self.parts.append(f'<div class="tables">{inner}</div>')

    def table(self, header, rows, caption=None, spec=".4g"):
        """A table in its own scrolling box; ``spec`` formats floats (".4g", ".4f" ...)."""
        head = "".join(f'<th class="text">{html.escape(str(h))}</th>' if i == 0 else
                       f"<th>{html.escape(str(h))}</th>" for i, h in enumerate(header))
        body = "".join("<tr>" + "".join(_cell(v, spec) for v in row) + "</tr>" for row in rows)
        # the caption sits above the scrolling box, so it wraps in the page's width
        cap = f'<p class="caption">{html.escape(caption)}</p>' if caption else ""
        self.parts.append(f'<div class="table">{cap}<div class="scroll"><table><thead><tr>'
                          f"{head}</tr></thead><tbody>{body}</tbody></table></div></div>")

    def figure(self, png: bytes, caption: str, href: str | None = None):
        self.figures([(png, caption, href)])

    def figures(self, items, small=False):
        """Figures (png bytes, caption, link to the full-size file or None) in columns
        (two, three when ``small``), each dealt to the shortest column so far, so that a
        short figure never sits beside a blank; a phone shows one column, in order."""
        items = list(items)
        columns = [[] for column in range(min(len(items), 3 if small else 2))]
        heights = [0.0] * len(columns)
        for order, item in enumerate(items):
            shortest = heights.index(min(heights))
            columns[shortest].append((order, item))
            heights[shortest] += _height(*item[:2])
        css = "figures small" if small else "figures"
        self.parts.append(f'<div class="{css}">' + "".join(
            f'<div class="figcol">{self._figure_cells(column)}</div>' for column in columns)
            + "</div>")

    @staticmethod
    def _figure_cells(column) -> str:
        cells = []
        for order, (png, caption, href) in column:
            data = base64.b64encode(png).decode("ascii")
            img = f'<img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
            link = ""
            if href:
                img = f'<a href="{html.escape(href)}">{img}</a>'
                link = f' <a href="{html.escape(href)}">{html.escape(_("full size"))}</a>'
            cells.append(f'<figure style="order:{order}">{img}<figcaption>'
                         f"{html.escape(caption)}{link}</figcaption></figure>")
        return "".join(cells)

    def text_block(self, text):
        self.parts.append(f"<pre>{html.escape(text)}</pre>")

    def render(self) -> str:
        body = f"<h1>{html.escape(self.title)}</h1>{''.join(self.parts)}"
        return (f'<!DOCTYPE html><html lang="{self.lang}"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{html.escape(self.title)}</title><style>{_font_face(body)}{CSS}"
                f"</style></head><body>{body}</body></html>")

    def write(self, path):
        from ..io.files import write_bytes

        write_bytes(path, self.render().encode("utf-8"))


def _font_face(text: str) -> str:
    """An embedded font with just the Japanese characters (and Greek letters, arrows,
    maths signs and squared units such as γ, ∝ and ㎡: everything from ``FONT_FROM`` up)
    the report uses.

    The report must show 体長 or 鯛 on any machine, including one without Japanese
    fonts; the bundled IPAexGothic is cut down (fontTools ships with matplotlib) to
    the characters present, which keeps the file small.
    """
    wide = sorted({ch for ch in text if ord(ch) >= FONT_FROM})
    if not wide:
        return ""
    try:
        import importlib.util
        import os

        from fontTools import subset

        spec = importlib.util.find_spec("matplotlib_fontja")
        path = os.path.join(os.path.dirname(spec.origin), "fonts", "ipaexg.ttf")
        options = subset.Options()
        font = subset.load_font(path, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(wide))
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    except (ImportError, AttributeError, OSError):
        return ""  # the reader's own Japanese fonts will have to do
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    # unicode-range: the embedded face serves only the wide characters; Latin text
    # keeps the reader's usual font.
    return ('@font-face{font-family:"glassnet-ja";font-display:block;'
            "unicode-range:U+0370-FFFF;"
            f'src:url(data:font/ttf;base64,{data}) format("truetype")}}')


def png_bytes(fig) -> bytes:
    from ..plotting.style import safe_text

    safe_text(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _height(png: bytes, caption: str) -> float:
    """A figure's height in widths of its column: the PNG's aspect ratio (from its
    header) and about 55 characters of caption a line (a kanji counts two)."""
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    chars = sum(2 if ord(ch) > 0x2E80 else 1 for ch in caption)
    return height / max(width, 1) + 0.055 * (chars // 55 + 1) + 0.04


def save_figure(fig, path_without_extension: str) -> bytes:
    """Write ``fig`` as PNG and SVG beside the report; return the PNG bytes to embed."""
    from ..io.files import atomic_write
    from ..plotting.style import save

    png = png_bytes(fig)
    atomic_write(f"{path_without_extension}.png", lambda f: f.write(png))
    save(fig, path_without_extension, formats=("svg",))
    return png
