"""The base of every PDF the service prints: Unicode fonts, escaping, styles, layout helpers, "Page X of Y".

ReportLab code only. Renderers receive values already formatted by a service and never query.
Fonts are registered once per process, on first use: DejaVu covers Latin, Greek and Cyrillic; the
Noto CJK fonts are used, run by run, for the characters DejaVu lacks (see `markup`).
"""

import io
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache, partial
from html import escape
from itertools import groupby
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
SANS_ITALIC = "DejaVuSans-Oblique"
SERIF = "DejaVuSerif"
SERIF_BOLD = "DejaVuSerif-Bold"
CJK_KR = "NotoSansKR"  # Hangul, common Hanja and kana
CJK_SC = "NotoSansSC"  # Chinese and Japanese beyond what the KR font holds

FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    CJK_KR: "NotoSansKR-Regular.ttf",
    CJK_SC: "NotoSansSC-Regular.ttf",
}
# Where a character missing from a paragraph's font is looked for, in order. The CJK fonts have
# one weight only, so a bold name in Korean prints in the regular weight.
_FALLBACKS = {
    SANS: (CJK_KR, CJK_SC),
    SANS_BOLD: (CJK_KR, CJK_SC),
    SANS_ITALIC: (SANS, CJK_KR, CJK_SC),
    SERIF: (SANS, CJK_KR, CJK_SC),
    SERIF_BOLD: (SANS_BOLD, CJK_KR, CJK_SC),
    CJK_KR: (SANS, CJK_SC),
    CJK_SC: (SANS, CJK_KR),
}

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT = colors.HexColor("#1d3557")
RULE = colors.HexColor("#9aa5b1")
ZEBRA = colors.HexColor("#f2f4f7")

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_registration_lock = threading.Lock()
_coverage: Mapping[str, Mapping[int, int]] | None = None  # font name -> its cmap, set once all are registered


def qr_dark_runs(text: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR code of `text` (error correction M, the smallest version, segno's best mask) as
    (modules per side, [(row, first column, length) of each horizontal run of dark modules])."""
    matrix = segno.make_qr(text, error="m", boost_error=False).matrix
    runs = []
    for row, cells in enumerate(matrix):
        column = 0
        for dark, group in groupby(cells):
            length = sum(1 for _ in group)
            if dark:
                runs.append((row, column, length))
            column += length
    return len(matrix), runs


def draw_qr_code(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code of `text`, `size` points square with its lower-left corner at (x, y), no quiet zone
    (the caller leaves white around it): one filled path, a rectangle per run of dark modules."""
    count, runs = qr_dark_runs(text)
    module = size / count
    canvas.saveState()
    canvas.translate(x, y)
    path = canvas.beginPath()
    for row, column, length in runs:
        path.rect(column * module, size - (row + 1) * module, length * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class FontsMissingError(ImproperlyConfigured):
    """The Unicode fonts certificates embed are not installed in FONT_DIR."""


def _load_fonts(font_dir: Path) -> dict[str, TTFont]:
    missing = sorted(file for file in FONT_FILES.values() if not (font_dir / file).is_file())
    if missing:
        raise FontsMissingError(
            f"PDF fonts missing from FONT_DIR ({font_dir}): {', '.join(missing)}. "
            "Install them with `python scripts/assets.py fonts` (or point FONT_DIR at them)."
        )
    return {name: TTFont(name, str(font_dir / file)) for name, file in FONT_FILES.items()}


def register_fonts() -> Mapping[str, Mapping[int, int]]:
    """Register the project's fonts with ReportLab once per process; return each font's character map."""
    global _coverage
    if _coverage is not None:
        return _coverage
    with _registration_lock:
        if _coverage is None:
            fonts = _load_fonts(Path(settings.FONT_DIR))
            for font in fonts.values():
                pdfmetrics.registerFont(font)
            pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD)
            pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF, boldItalic=SERIF_BOLD)
            for name in (CJK_KR, CJK_SC):
                pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
            # Binary streams (images) stay binary: ASCII85 makes them a quarter larger and, without
            # the rl_accel extension, costs milliseconds per certificate.
            rl_config.useA85 = 0
            _coverage = {name: font.face.charToGlyph for name, font in fonts.items()}
    return _coverage


def markup(text: str, font: str = SANS) -> str:
    """Escape user text for paragraph markup and switch fonts for the characters `font` cannot print.

    `font` is the font the text will be set in. Each run of characters it lacks is wrapped in
    `<font name="...">` with the first fallback that covers the whole run (DejaVu Sans, then Noto
    Sans KR, then Noto Sans SC), else character by character; a character no font has stays in `font`.
    """
    coverage = register_fonts()
    text = _CONTROL_CHARACTERS.sub(" ", text)
    own = coverage[font]
    if all(ord(character) in own for character in text):
        return escape(text, quote=False)
    parts = []
    for name, run in _font_runs(text, own, [(name, coverage[name]) for name in _FALLBACKS[font]]):
        escaped = escape(run, quote=False)
        parts.append(f'<font name="{name}">{escaped}</font>' if name else escaped)
    return "".join(parts)


def _font_runs(text: str, own: Mapping[int, int], fallbacks: list[tuple[str, Mapping[int, int]]]):
    """Yield (fallback font name or None for the paragraph's own font, run of text)."""

    def covering(characters: str) -> str | None:
        return next((name for name, cmap in fallbacks if all(ord(c) in cmap for c in characters)), None)

    for printable, characters in groupby(text, key=lambda character: ord(character) in own):
        run = "".join(characters)
        if printable:
            yield None, run
        elif whole := covering(run):
            # One font for a whole name keeps its characters in one design (a Chinese name with
            # one simplified character is set entirely in the SC font, not split with KR).
            yield whole, run
        else:
            for name, part in groupby(run, key=covering):
                yield name, "".join(part)


@lru_cache(maxsize=16)
def _reduced_image(path: str, modified: int) -> ImageReader:
    # Printed about 3 inches wide, a signature needs 1,000 pixels at most. The file is flattened on
    # white and kept as a JPEG once per process, which ReportLab copies into each PDF as it is,
    # instead of decoding, compressing and masking the image again for every certificate.
    with PILImage.open(path) as original:
        if original.format == "JPEG" and original.mode in ("RGB", "L") and max(original.size) <= 1000:
            return ImageReader(path)
        image = original.convert("RGBA")
    image.thumbnail((1000, 1000))
    flat = PILImage.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    buffer = io.BytesIO()
    flat.save(buffer, format="JPEG", quality=92)
    buffer.seek(0)
    return ImageReader(buffer)


class _PageCountingCanvas(Canvas):
    """Keeps each finished page until `save()`, when the page count is known, then stamps every page."""

    def __init__(self, *args, stamp: Callable[[Canvas, int, int], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._finished_pages: list[dict] = []
        self._stamp = stamp

    def showPage(self):
        self._finished_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._finished_pages)
        for number, page_state in enumerate(self._finished_pages, start=1):
            self.__dict__.update(page_state)
            self._stamp(self, number, total)
            super().showPage()
        super().save()


class Renderer:
    """Base of the PDF renderers: page size, margins, fonts, paragraph styles, tables and page numbers.

    A flowing document (transcript, report) builds a story of flowables with the helpers below and
    passes it to `build_story`, which numbers the pages "Page X of Y". A fixed single page
    (certificate, poster) draws on the canvas in `build_page`. Both return the PDF as bytes.
    """

    pagesize = letter
    margin = 0.75 * inch
    bottom_margin = 0.9 * inch  # leaves room for the footer line
    document_title = ""
    document_author = ""

    def __init__(self):
        register_fonts()
        self.styles = self.make_styles()

    @property
    def page_width(self) -> float:
        return self.pagesize[0]

    @property
    def page_height(self) -> float:
        return self.pagesize[1]

    @property
    def frame_width(self) -> float:
        return self.page_width - 2 * self.margin

    def make_styles(self) -> dict[str, ParagraphStyle]:
        """The named paragraph styles; subclasses extend the dict."""
        body = ParagraphStyle("body", fontName=SANS, fontSize=9.5, leading=13, textColor=INK)
        return {
            "body": body,
            "small": ParagraphStyle("small", body, fontSize=8, leading=10.5, textColor=MUTED),
            "title": ParagraphStyle("title", body, fontName=SERIF_BOLD, fontSize=18, leading=23, textColor=ACCENT),
            "subtitle": ParagraphStyle("subtitle", body, fontSize=10.5, leading=14, textColor=MUTED, spaceAfter=10),
            "heading": ParagraphStyle(
                "heading",
                body,
                fontName=SANS_BOLD,
                fontSize=11.5,
                leading=15,
                textColor=ACCENT,
                spaceBefore=14,
                spaceAfter=4,
            ),
            "cell": ParagraphStyle("cell", body, fontSize=8, leading=10),
            "cell_right": ParagraphStyle("cell_right", body, fontSize=8, leading=10, alignment=TA_RIGHT),
            "cell_header": ParagraphStyle("cell_header", body, fontName=SANS_BOLD, fontSize=8, leading=10),
            "key": ParagraphStyle("key", body, fontName=SANS_BOLD, fontSize=9, leading=12, textColor=MUTED),
            "value": ParagraphStyle("value", body, fontSize=9, leading=12),
            "footer": ParagraphStyle("footer", body, fontSize=7.5, leading=9, textColor=MUTED),
            "center": ParagraphStyle("center", body, alignment=TA_CENTER),
        }

    # --- Flowables -----------------------------------------------------------------------------

    def paragraph(self, text: str, style: str | ParagraphStyle = "body") -> Paragraph:
        """A paragraph of user text: escaped, with fallback fonts where the style's font lacks characters."""
        style = self.styles[style] if isinstance(style, str) else style
        return Paragraph(markup(text, style.fontName), style)

    def title(self, text: str) -> Paragraph:
        return self.paragraph(text, "title")

    def heading(self, text: str) -> Paragraph:
        return self.paragraph(text, "heading")

    def section(self, text: str, room: float = 1.5 * inch) -> list[Flowable]:
        """A heading that starts a new page unless `room` is left below it (for a long table).

        A short section is better kept whole: `KeepTogether([self.heading(...), table])`.
        """
        return [CondPageBreak(room), self.heading(text)]

    def spacer(self, height: float) -> Spacer:
        return Spacer(1, height)

    def key_value_table(self, rows: Iterable[tuple[str, str]], key_width: float = 1.6 * inch) -> Table:
        """Two columns of label and value, without rules, for the facts at the top of a document."""
        cells = [[self.paragraph(key, "key"), self.paragraph(value, "value")] for key, value in rows]
        table = Table(cells, colWidths=[key_width, self.frame_width - key_width], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return table

    def data_table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str | Flowable]],
        widths: Sequence[float],
        *,
        right: Iterable[int] = (),
        muted_rows: Iterable[int] = (),
    ) -> Table:
        """A table whose header row repeats on every page it splits across.

        Text cells are user text, escaped and wrapped in their column; a cell may also be a flowable
        built by the caller (a coloured paragraph). `right` lists the columns aligned right (numbers);
        `muted_rows` the body rows printed in grey (e.g. revoked certificates).
        """
        right, muted_rows = set(right), set(muted_rows)
        plain = [self.styles["cell_right" if i in right else "cell"] for i in range(len(header))]
        muted = [ParagraphStyle(f"{s.name}-muted", s, textColor=MUTED) for s in plain]
        bold = [ParagraphStyle(f"{s.name}-header", self.styles["cell_header"], alignment=s.alignment) for s in plain]

        def row_cells(row: Sequence[str | Flowable], styles: list[ParagraphStyle]) -> list[Flowable]:
            cells = zip(row, styles, strict=True)
            return [self.paragraph(cell, style) if isinstance(cell, str) else cell for cell, style in cells]

        cells = [row_cells(header, bold)]
        cells += [row_cells(row, muted if index in muted_rows else plain) for index, row in enumerate(rows)]
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        table = Table(cells, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        return table

    # --- Building --------------------------------------------------------------------------------

    def footer_text(self) -> str:
        """Left part of the footer of a flowing document (plain text, escaped here)."""
        return self.document_title

    def draw_footer(self, canvas: Canvas, number: int, total: int) -> None:
        """Stamp the footer rule, `footer_text()` and "Page X of Y" on one page."""
        y = self.bottom_margin - 0.45 * inch
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(self.margin, y + 12, self.page_width - self.margin, y + 12)
        canvas.setFont(SANS, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(self.page_width - self.margin, y, f"Page {number} of {total}")
        canvas.restoreState()
        footer = self.paragraph(self.footer_text(), "footer")
        footer.wrapOn(canvas, self.frame_width - 1.2 * inch, 20)
        footer.drawOn(canvas, self.margin, y)

    def build_story(self, story: list[Flowable]) -> bytes:
        """Lay a flowing story out on as many pages as it needs, numbered "Page X of Y"."""
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=self.margin,
            rightMargin=self.margin,
            topMargin=self.margin,
            bottomMargin=self.bottom_margin,
            title=self.document_title,
            author=self.document_author,
            creator="CME credit service",
        )
        document.build(story, canvasmaker=partial(_PageCountingCanvas, stamp=self.draw_footer))
        return buffer.getvalue()

    def build_page(self, draw: Callable[[Canvas], None]) -> bytes:
        """One fixed page drawn by `draw(canvas)`, without page numbers."""
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=self.pagesize)
        canvas.setTitle(self.document_title)
        canvas.setAuthor(self.document_author)
        canvas.setCreator("CME credit service")
        draw(canvas)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    # --- Fixed-page layout -----------------------------------------------------------------------

    def fitted(self, text: str, style: ParagraphStyle, width: float, max_height: float, min_size: float) -> Paragraph:
        """`text` in `style`, its size stepped down (to `min_size` at least) until it fits the box."""
        size = style.fontSize
        while True:
            scaled = ParagraphStyle(style.name, style, fontSize=size, leading=size * style.leading / style.fontSize)
            paragraph = Paragraph(markup(text, style.fontName), scaled)
            _, height = paragraph.wrap(width, max_height)
            if height <= max_height or size <= min_size:
                return paragraph
            size = max(min_size, size * 0.9)

    @staticmethod
    def image(path: str) -> ImageReader:
        """An image file, read once per process and version, reduced to what print needs."""
        file = Path(path)
        try:
            modified = file.stat().st_mtime_ns
        except FileNotFoundError:
            raise FileNotFoundError(f"Image for the PDF not found: {path}") from None
        return _reduced_image(str(file), modified)

    @staticmethod
    def draw_below(canvas: Canvas, flowable: Flowable, x: float, top: float, width: float) -> float:
        """Draw `flowable` with its top edge at `top`; return the height it took."""
        _, height = flowable.wrapOn(canvas, width, 10_000)
        flowable.drawOn(canvas, x, top - height)
        return height


def text_style(name: str, font: str, size: float, *, color=INK, align=TA_LEFT, leading: float = 1.22) -> ParagraphStyle:
    """A one-off paragraph style; `leading` is relative to the size."""
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * leading, textColor=color, alignment=align)
