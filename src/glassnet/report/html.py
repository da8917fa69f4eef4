"""A self-contained HTML report: text, tables and figures (embedded PNGs) in one file."""

from __future__ import annotations

import base64
import html
import io

CSS = """
body{font-family:"glassnet-ja","DejaVu Sans","Hiragino Sans","Yu Gothic","Noto Sans CJK JP",
sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #0072B2;padding-bottom:.2em}
h2{font-size:1.25em;margin-top:1.8em;color:#0072B2}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f0f4f8}td.text,th.text{text-align:left}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.9em;color:#555}.note{color:#555;font-size:.9em}
.verdict{font-weight:bold}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dl{grid-template-columns:repeat(3,max-content minmax(6em,auto))}dt{color:#555}dd{margin:0}
.row{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}
"""


def _cell(value, spec=".4g"):
    if isinstance(value, float):
        text = format(value, spec) if abs(value) < 1e6 else f"{value:.3e}"
        return f"<td>{text}</td>"
    if isinstance(value, int):
        return f"<td>{value}</td>"
    return f'<td class="text">{html.escape(str(value))}</td>'


class Report:
    def __init__(self, title: str):
        self.title = title
        self.parts: list[str] = []

    def heading(self, text):
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def paragraph(self, text, css=None):
        cls = f' class="{css}"' if css else ""
        self.parts.append(f"<p{cls}>{html.escape(text)}</p>")

    def items(self, pairs: dict):
        rows = "".join(f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(str(v))}</dd>"
                       for k, v in pairs.items())
        self.parts.append(f"<dl>{rows}</dl>")

    def side_by_side(self, tables, spec=".4g"):
        """Several (header, rows, caption) tables in one row, like seed 000's Table 66."""
        start = len(self.parts)
        for header, rows, caption in tables:
            self.table(header, rows, caption, spec)
        inner = "".join(self.parts[start:])
        del self.parts[start:]
        self.parts.append(f'<div class="row">{inner}</div>')

    def table(self, header, rows, caption=None, spec=".4g"):
        """A table; ``spec`` formats floats (".4g" four significant digits, ".4f" ...)."""
        head = "".join(f'<th class="text">{html.escape(str(h))}</th>' if i == 0 else
                       f"<th>{html.escape(str(h))}</th>" for i, h in enumerate(header))
        body = "".join("<tr>" + "".join(_cell(v, spec) for v in row) + "</tr>" for row in rows)
        cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
        self.parts.append(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
                          "</table>")

    def figure(self, png: bytes, caption: str):
        data = base64.b64encode(png).decode("ascii")
        self.parts.append(f'<figure><img src="data:image/png;base64,{data}" '
                          f'alt="{html.escape(caption)}"><figcaption>{html.escape(caption)}'
                          "</figcaption></figure>")

    def text_block(self, text):
        self.parts.append(f"<pre>{html.escape(text)}</pre>")

    def render(self) -> str:
        body = f"<h1>{html.escape(self.title)}</h1>{''.join(self.parts)}"
        return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(self.title)}</title><style>{_font_face(body)}{CSS}"
                f"</style></head><body>{body}</body></html>")

    def write(self, path):
        from ..files import write_bytes

        write_bytes(path, self.render().encode("utf-8"))


def _font_face(text: str) -> str:
    """An embedded font with just the Japanese characters the report uses.

    The report must show 体長 or 鯛 on any machine, including one without Japanese
    fonts; the bundled IPAexGothic is cut down (fontTools ships with matplotlib) to
    the characters present, which keeps the file small.
    """
    wide = sorted({ch for ch in text if ord(ch) >= 0x2E80})
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
            "unicode-range:U+2E80-FFFF;"
            f'src:url(data:font/ttf;base64,{data}) format("truetype")}}')


def png_bytes(fig) -> bytes:
    from ..plotting.style import safe_text

    safe_text(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
