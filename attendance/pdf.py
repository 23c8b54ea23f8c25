"""The check-in poster for a session's door (ReportLab code only).

The service formats every value (the session's time in the activity's time zone) into
`PosterDocument`; the renderer lays it out on one portrait letter page.
"""

from dataclasses import asdict, dataclass, fields
from urllib.parse import urlsplit

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from cme.pdf import (
    ACCENT,
    INK,
    MUTED,
    RULE,
    SANS,
    SANS_BOLD,
    SERIF_BOLD,
    ZEBRA,
    Renderer,
    draw_qr_code,
    markup,
    text_style,
)


@dataclass(frozen=True)
class PosterDocument:
    provider_name: str
    activity_title: str
    session_title: str
    session_when: str  # e.g. "Tuesday, March 3, 2026, 12:00 to 1:00 PM EST" (formatted by the service)
    location: str
    checkin_code: str
    checkin_url: str  # https://cme.example.org/checkin/ABC234/

    @classmethod
    def from_dict(cls, data: dict) -> "PosterDocument":
        return cls(**{field.name: data[field.name] for field in fields(cls)})

    def to_dict(self) -> dict:
        return asdict(self)


def checkin_page(checkin_url: str, code: str) -> str:
    """ "cme.example.org/checkin" from "https://cme.example.org/checkin/ABC234/": where to type the code."""
    parts = urlsplit(checkin_url)
    path = parts.path.rstrip("/")
    if code and path.endswith(f"/{code}"):
        path = path[: -len(code) - 1]
    return f"{parts.netloc}{path}"


class PosterRenderer(Renderer):
    """A portrait letter poster: the session, its check-in code in very large type and a QR code of the check-in URL."""

    side = 54.0
    band_height = 64.0
    qr_size = 250.0
    qr_gap = 32.0  # the quiet zone a scanner needs: four modules of a 33-module code
    bottom_margin = 54.0

    def __init__(self, doc: PosterDocument):
        self.doc = doc
        self.document_title = f"Check-in: {doc.activity_title}"
        self.document_author = doc.provider_name
        super().__init__()

    def render(self) -> bytes:
        return self.build_page(self.draw)

    def draw(self, canvas: Canvas) -> None:
        width, height = self.pagesize
        canvas.setFillColor(ACCENT)
        canvas.rect(0, height - self.band_height, width, self.band_height, stroke=0, fill=1)
        provider_style = self.centred("provider", SANS_BOLD, 15, colors.white)
        provider = self.fitted(self.doc.provider_name, provider_style, width - 2 * self.side, 20, 9)
        self.draw_below(canvas, provider, self.side, height - 22, width - 2 * self.side)
        bottom = self.draw_session(canvas, height - self.band_height - 34)
        bottom = self.draw_code(canvas, bottom - 24)
        self.draw_qr_and_instructions(canvas, bottom)

    def centred(self, name: str, font: str, size: float, color=INK):
        return text_style(name, font, size, color=color, align=TA_CENTER)

    def draw_session(self, canvas: Canvas, top: float) -> float:
        """Heading, activity, session, time and place, centred from `top` down; return where they end."""
        doc, width = self.doc, self.page_width - 2 * self.side
        title_style = self.centred("activity", SANS_BOLD, 21)
        blocks: list[tuple[float, Flowable]] = [
            (0, Paragraph("Check in for CME credit", self.centred("heading", SERIF_BOLD, 34, ACCENT))),
            (14, self.fitted(doc.activity_title, title_style, width, title_style.leading * 3.05, 12)),
        ]
        if doc.session_title and doc.session_title != doc.activity_title:
            blocks.append((4, Paragraph(markup(doc.session_title), self.centred("session", SANS, 14))))
        blocks.append((10, Paragraph(markup(doc.session_when, SANS_BOLD), self.centred("when", SANS_BOLD, 14))))
        blocks.append((3, Paragraph(markup(doc.location), self.centred("where", SANS, 14, MUTED))))
        for gap, flowable in blocks:
            top -= gap
            top -= self.draw_below(canvas, flowable, self.side, top, width)
        return top

    def draw_code(self, canvas: Canvas, top: float) -> float:
        """The code, one character per box so that every character takes the same width."""
        code = self.doc.checkin_code
        label = Paragraph("Session code", self.centred("label", SANS, 13, MUTED))
        top -= self.draw_below(canvas, label, self.side, top, self.page_width - 2 * self.side) + 6
        count, gap = max(len(code), 1), 10.0
        box_width = min(64.0, (self.page_width - 2 * self.side - (count - 1) * gap) / count)
        box_height = box_width * 1.28
        left = (self.page_width - count * box_width - (count - 1) * gap) / 2
        canvas.setLineWidth(1.2)
        canvas.setStrokeColor(RULE)
        canvas.setFont(SANS_BOLD, box_width * 0.875)
        for index, character in enumerate(code):
            x = left + index * (box_width + gap)
            canvas.setFillColor(ZEBRA)
            canvas.roundRect(x, top - box_height, box_width, box_height, 6, stroke=1, fill=1)
            canvas.setFillColor(INK)
            canvas.drawCentredString(x + box_width / 2, top - box_height * 0.74, character)
        return top - box_height

    def draw_qr_and_instructions(self, canvas: Canvas, top: float) -> None:
        """The way to check in without a camera at the foot of the page, the QR code of the URL above it."""
        doc, width = self.doc, self.page_width - 2 * self.side
        page = checkin_page(doc.checkin_url, doc.checkin_code)
        instructions = Paragraph(
            f"Scan with your phone camera, or go to <b>{markup(page)}</b> and type the code "
            f"<b>{markup(doc.checkin_code)}</b>.",
            self.centred("how", SANS, 13),
        )
        url = Paragraph(markup(doc.checkin_url), self.centred("url", SANS, 10, MUTED))
        text_height = instructions.wrap(width, 200)[1] + 4 + url.wrap(width, 100)[1]
        text_top = self.bottom_margin + text_height
        self.draw_below(
            canvas,
            url,
            self.side,
            text_top - self.draw_below(canvas, instructions, self.side, text_top, width) - 4,
            width,
        )
        room = top - text_top - 2 * self.qr_gap
        size = max(120.0, min(self.qr_size, room))
        canvas.setFillColor(INK)
        draw_qr_code(
            canvas, doc.checkin_url, (self.page_width - size) / 2, text_top + self.qr_gap + (room - size) / 2, size
        )


def render_poster(doc: PosterDocument) -> bytes:
    """Render the check-in poster of one session (a single portrait letter page) to PDF bytes."""
    return PosterRenderer(doc).render()
