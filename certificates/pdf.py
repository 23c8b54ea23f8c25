"""Certificate and transcript PDFs (ReportLab code only).

A service freezes every printed value into the dataclasses below (already formatted strings, dates
in the activity's time zone); the renderers only lay them out, so a reissue prints exactly what was
issued. The dataclasses round-trip through JSON with `to_dict()` / `from_dict()`.
"""

from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph
from reportlab.platypus.flowables import HRFlowable

from cme.pdf import (
    ACCENT,
    INK,
    MUTED,
    RULE,
    SANS,
    SANS_BOLD,
    SERIF_BOLD,
    Renderer,
    draw_qr_code,
    markup,
    text_style,
)

AMA_CREDIT = "ama-pra-1"
PARTICIPATION_CREDIT = "participation"
MET = colors.HexColor("#2f6b3a")
NOT_MET = colors.HexColor("#9b2c2c")


def _field_values(cls, data: dict) -> dict:
    return {field.name: data[field.name] for field in fields(cls)}


@dataclass(frozen=True)
class CertificateDocument:
    provider_name: str
    accreditation_statement: str  # printed for AMA credit only ("" otherwise)
    director_name: str
    director_title: str
    director_signature_path: str  # absolute path to a PNG/JPEG, or "" for a signature line
    learner_name: str
    learner_degree: str
    activity_title: str
    activity_type: str
    activity_dates: str
    location: str
    objectives: list[str]
    credit_type: str  # slug: "ama-pra-1" or "participation"
    credit_type_name: str
    credits: str
    credit_statement: str  # the designation statement (AMA) or the participation wording, printed in full
    faculty: bool
    issue_date: str
    certificate_number: str
    verification_code: str
    verify_url: str
    version: int  # "Version N" is printed when N > 1

    @classmethod
    def from_dict(cls, data: dict) -> "CertificateDocument":
        values = _field_values(cls, data)
        values["objectives"] = list(values["objectives"])
        return cls(**values)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TranscriptEntry:
    date: str
    activity_title: str
    credit_type_name: str
    credits: str
    certificate_number: str
    status: str  # "valid" or "revoked"


@dataclass(frozen=True)
class RenewalLine:
    requirement: str
    required: str
    earned: str
    met: bool


@dataclass(frozen=True)
class TranscriptDocument:
    provider_name: str
    learner_name: str
    learner_degree: str
    npi: str
    period: str
    generated_on: str
    entries: list[TranscriptEntry]
    totals_by_credit_type: list[tuple[str, str]]
    totals_by_objective: list[tuple[str, str]]
    renewal_title: str  # "" when there is no renewal section
    renewal: list[RenewalLine]

    @classmethod
    def from_dict(cls, data: dict) -> "TranscriptDocument":
        values = _field_values(cls, data)
        values["entries"] = [TranscriptEntry(**_field_values(TranscriptEntry, e)) for e in values["entries"]]
        values["renewal"] = [RenewalLine(**_field_values(RenewalLine, line)) for line in values["renewal"]]
        for name in ("totals_by_credit_type", "totals_by_objective"):
            values[name] = [tuple(pair) for pair in values[name]]
        return cls(**values)

    def to_dict(self) -> dict:
        return asdict(self)


def _is_one(credits: str) -> bool:
    try:
        return Decimal(credits) == 1
    except InvalidOperation:
        return False


def credit_phrase(credits: str, credit_type_name: str) -> str:
    """ "1.25 AMA PRA Category 1 Credits™", with the singular for exactly one credit."""
    singular = _is_one(credits)
    name = credit_type_name
    if not singular and name.endswith("Credit™"):
        name = name[: -len("™")] + "s™"
    elif not singular and name.endswith("Credit"):
        name += "s"
    return f"{credits} {name}"


def certificate_heading(doc: CertificateDocument) -> str:
    if doc.credit_type == AMA_CREDIT:
        return "Certificate of Faculty Credit" if doc.faculty else "Certificate of Credit"
    return "Certificate of Faculty Participation" if doc.faculty else "Certificate of Participation"


class CertificateRenderer(Renderer):
    """One landscape letter page: the learner, the activity, the credit, its statements, the QR and signature."""

    pagesize = landscape(letter)
    side = 80.0  # left and right edge of the content
    body_bottom = 150.0  # the signature and verification row sits below
    qr_size = 76.0
    scales = (1.0, 0.93, 0.86, 0.79, 0.72, 0.65, 0.58)

    def __init__(self, doc: CertificateDocument):
        self.doc = doc
        self.document_title = f"{certificate_heading(doc)}: {doc.learner_name}"
        self.document_author = doc.provider_name
        super().__init__()

    def render(self) -> bytes:
        return self.build_page(self.draw)

    def draw(self, canvas: Canvas) -> None:
        self.draw_border(canvas)
        self.draw_body(canvas)
        self.draw_signature(canvas)
        self.draw_verification(canvas)

    def draw_border(self, canvas: Canvas) -> None:
        width, height = self.pagesize
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.6)
        canvas.rect(20, 20, width - 40, height - 40)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(26, 26, width - 52, height - 52)

    def body_blocks(self, scale: float) -> list[tuple[float, Flowable]]:
        """The centred column, top to bottom, as (space above, flowable), sizes multiplied by `scale`."""
        doc, width = self.doc, self.page_width - 2 * self.side

        def style(name, font, size, color=INK, leading=1.22):
            return text_style(name, font, size * scale, color=color, align=TA_CENTER, leading=leading)

        def line(text, name, font, size, color=INK):
            return Paragraph(markup(text, font), style(name, font, size, color))

        name = f"{doc.learner_name}, {doc.learner_degree}" if doc.learner_degree else doc.learner_name
        name_style = style("learner", SERIF_BOLD, 26)
        title_style = style("title", SERIF_BOLD, 16, ACCENT, leading=1.25)
        verb = "served as faculty for the activity" if doc.faculty else "has participated in the activity"
        blocks = [
            (0, line(doc.provider_name, "provider", SERIF_BOLD, 13, ACCENT)),
            (12, line(certificate_heading(doc), "heading", SERIF_BOLD, 30, ACCENT)),
            (2, HRFlowable(width=110 * scale, thickness=0.8, color=RULE, spaceBefore=4, spaceAfter=0)),
            (12, line("This certifies that", "lead", SANS, 11, MUTED)),
            (5, self.fitted(name, name_style, width, name_style.leading * 1.05, 15)),
            (6, line(verb, "verb", SANS, 11, MUTED)),
            (5, self.fitted(doc.activity_title, title_style, width, title_style.leading * 3.05, 9)),
            (4, line(" · ".join(filter(None, (doc.activity_type, doc.activity_dates, doc.location))), "d", SANS, 10)),
            (3, self.objectives(style("objectives", SANS, 9, MUTED))),
            (12, self.credits_line(style("credits", SANS, 13))),
            (10, line(doc.credit_statement, "statement", SANS, 8.5)),
        ]
        if doc.accreditation_statement and doc.credit_type == AMA_CREDIT:
            blocks.append((5, line(doc.accreditation_statement, "accreditation", SANS, 7.5, MUTED)))
        return blocks

    def objectives(self, style) -> Paragraph:
        label = "Objectives addressed:" if len(self.doc.objectives) != 1 else "Objective addressed:"
        names = markup("; ".join(self.doc.objectives), style.fontName)
        return Paragraph(f'<font color="#{INK.hexval()[2:]}">{label}</font> {names}', style)

    def credits_line(self, style) -> Paragraph:
        doc = self.doc
        if doc.credit_type == PARTICIPATION_CREDIT:
            hours = "hour" if _is_one(doc.credits) else "hours"
            text = f"a {markup(doc.credit_type_name)} for {self.emphasis(f'{doc.credits} {hours}')}"
        else:
            text = self.emphasis(credit_phrase(doc.credits, doc.credit_type_name))
        return Paragraph(f"and is awarded {text}", style)

    @staticmethod
    def emphasis(text: str) -> str:
        # The serif bold of the headings, so that a certificate embeds two fonts, not four.
        return f'<font name="{SERIF_BOLD}">{markup(text, SERIF_BOLD)}</font>'

    def draw_body(self, canvas: Canvas) -> None:
        """Stack the column below the top border, shrinking everything until it fits above the bottom row."""
        top, width = self.page_height - 50, self.page_width - 2 * self.side
        available = top - self.body_bottom
        for scale in self.scales:
            blocks = self.body_blocks(scale)
            heights = [flowable.wrapOn(canvas, width, available)[1] for _, flowable in blocks]
            used = sum(heights) + sum(gap for gap, _ in blocks) * scale
            if used <= available:
                break
        # Spare room opens the gaps (up to 1.8 times); what is left centres the stack below the provider name.
        gaps = sum(gap for gap, _ in blocks) * scale or 1
        stretch = min(0.8, max(0.0, available - used) / gaps)
        leftover = max(0.0, available - used - gaps * stretch)
        y = top
        for index, ((gap, flowable), height) in enumerate(zip(blocks, heights, strict=True)):
            y -= gap * scale * (1 + stretch) + (leftover / 2 if index == 1 else 0)
            flowable.drawOn(canvas, self.side, y - height, _sW=width - flowable.width)
            y -= height

    def draw_signature(self, canvas: Canvas) -> None:
        """The CME director's image (or a line to sign on), name and title, bottom left."""
        doc, x, line_y, width = self.doc, self.side, 96.0, 210.0
        if doc.director_signature_path:
            image = self.image(doc.director_signature_path)
            canvas.drawImage(image, x, line_y + 3, width, 44, preserveAspectRatio=True, anchor="sw", mask="auto")
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.line(x, line_y, x + width, line_y)
        top = line_y - 4
        top -= self.draw_below(
            canvas, Paragraph(markup(doc.director_name, SERIF_BOLD), self.style_at(SERIF_BOLD, 9.5)), x, top, width
        )
        self.draw_below(canvas, Paragraph(markup(doc.director_title), self.style_at(SANS, 8, MUTED)), x, top, width)

    def draw_verification(self, canvas: Canvas) -> None:
        """Issue date, number, version, verification code and URL beside a QR code of the URL, bottom right."""
        doc, size = self.doc, self.qr_size
        right, bottom = self.page_width - self.side, 52.0
        canvas.setFillColor(INK)
        draw_qr_code(canvas, doc.verify_url, right - size, bottom, size)
        number = f"Certificate {doc.certificate_number}"
        if doc.version > 1:
            number += f" · Version {doc.version}"
        lines = [
            (f"Issued {doc.issue_date}", SANS, 8.5, INK),
            (number, SANS, 8.5, INK),
            ("Verification code", SANS, 7, MUTED),
            (doc.verification_code, SERIF_BOLD, 10, ACCENT),
            (doc.verify_url, SANS, 7, MUTED),
        ]
        x, width, top = right - size - 250, 238.0, bottom + size + 1
        for text, font, font_size, color in lines:
            style = self.style_at(font, font_size, color, align=TA_RIGHT)
            top -= self.draw_below(canvas, Paragraph(markup(text, font), style), x, top, width) + 1.5

    @staticmethod
    def style_at(font: str, size: float, color=INK, align=TA_LEFT) -> ParagraphStyle:
        return text_style(f"{font}-{size}", font, size, color=color, align=align)


class TranscriptRenderer(Renderer):
    """Portrait letter pages: the learner, a table of certificates, totals and license renewal progress."""

    def __init__(self, doc: TranscriptDocument):
        self.doc = doc
        self.document_title = f"CME transcript: {doc.learner_name}"
        self.document_author = doc.provider_name
        super().__init__()

    def footer_text(self) -> str:
        return f"{self.doc.provider_name} · CME transcript of {self.doc.learner_name} · {self.doc.period}"

    def render(self) -> bytes:
        doc = self.doc
        learner = f"{doc.learner_name}, {doc.learner_degree}" if doc.learner_degree else doc.learner_name
        facts = [("Learner", learner), ("NPI", doc.npi), ("Period", doc.period), ("Generated on", doc.generated_on)]
        story = [
            self.title("Continuing Medical Education Transcript"),
            self.paragraph(doc.provider_name, "subtitle"),
            self.key_value_table([(key, value) for key, value in facts if value]),
            *self.section(f"Certificates ({len(doc.entries)})"),
        ]
        story.append(self.entries_table() if doc.entries else self.paragraph("No certificates in this period."))
        story += self.totals("Totals by credit type", "Credit type", doc.totals_by_credit_type)
        story += self.totals("Totals by objective category", "Objective category", doc.totals_by_objective)
        if doc.renewal_title:
            story += self.renewal()
        return self.build_story(story)

    def entries_table(self):
        header = ["Date", "Activity", "Credit type", "Credits", "Certificate", "Status"]
        rows = [
            [e.date, e.activity_title, e.credit_type_name, e.credits, e.certificate_number, e.status.capitalize()]
            for e in self.doc.entries
        ]
        revoked = [i for i, entry in enumerate(self.doc.entries) if entry.status == "revoked"]
        # Wide enough for "September 30, 2026", "CME-00000042" and "Revoked" on one line at 8 points.
        widths = [88.0, 0.0, 100.0, 42.0, 74.0, 46.0]
        widths[1] = self.frame_width - sum(widths)
        return self.data_table(header, rows, widths, right=[3], muted_rows=revoked)

    def totals(self, heading: str, label: str, totals: list[tuple[str, str]]) -> list[Flowable]:
        if not totals:
            return []
        table = self.data_table(
            [label, "Credits"], [list(pair) for pair in totals], [3.6 * inch, 0.9 * inch], right=[1]
        )
        return [KeepTogether([self.heading(heading), table])]

    def renewal(self) -> list[Flowable]:
        met = text_style("met", SANS, 8, color=MET, leading=1.25)
        unmet = text_style("unmet", SANS_BOLD, 8, color=NOT_MET, leading=1.25)
        rows = [
            [
                line.requirement,
                line.required,
                line.earned,
                self.paragraph("Met", met) if line.met else self.paragraph("Not yet met", unmet),
            ]
            for line in self.doc.renewal
        ]
        widths = [3.2 * inch, 0.9 * inch, 0.9 * inch, 1.0 * inch]
        table = self.data_table(["Requirement", "Required", "Earned", "Status"], rows, widths, right=[1, 2])
        return [KeepTogether([self.heading(self.doc.renewal_title), table])]


def render_certificate(doc: CertificateDocument) -> bytes:
    """Render one certificate (a single landscape letter page) to PDF bytes."""
    return CertificateRenderer(doc).render()


def render_transcript(doc: TranscriptDocument) -> bytes:
    """Render a learner's transcript (portrait letter, as many pages as needed, numbered) to PDF bytes."""
    return TranscriptRenderer(doc).render()
