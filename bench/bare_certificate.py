"""Baseline: the certificate page drawn with ReportLab alone, no project code.

Same page as `certificates.pdf.render_certificate` (landscape letter, DejaVu Serif Bold and DejaVu
Sans embedded from var/fonts, the same text, a QR code drawn with the `QrCode` flowable's `drawOn`),
at fixed positions, without escaping, font fallback or shrink-to-fit. The project renderer is
measured against it in the same run (target: at most 1.5 times slower).

    python bench/bare_certificate.py [N]
"""

import io
import sys
import time
from pathlib import Path

from reportlab import rl_config
from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

FONT_DIR = Path(__file__).resolve().parent.parent / "var" / "fonts"
NAVY, INK, GREY = colors.HexColor("#1d3557"), colors.HexColor("#1f2933"), colors.HexColor("#52606d")

SAMPLE = {
    "provider": "Mass General Academy",
    "heading": "Certificate of Credit",
    "learner": "Ada Lovelace, MD",
    "title": "Medicine Grand Rounds: Advances in Heart Failure Management",
    "details": "Regularly scheduled series · March 3, 2026 · Boston, MA",
    "objectives": "Objectives addressed: Improve clinical decision making; Enhance patient management strategies",
    "credits": "1.25 AMA PRA Category 1 Credits™",
    "statement": "Mass General Academy designates this live activity for a maximum of 1.25 AMA PRA Category 1 "
    "Credits™. Physicians should claim only the credit commensurate with the extent of their participation "
    "in the activity.",
    "accreditation": "Mass General Academy is accredited by the Accreditation Council for Continuing Medical "
    "Education (ACCME) to provide continuing medical education for physicians.",
    "director": "Elena Ruiz, MD, MPH",
    "director_title": "Director, Continuing Medical Education",
    "issued": "Issued November 25, 2026",
    "number": "Certificate CME-00000042",
    "code": "7KQ2M9XR4TB6WJHD",
    "url": "https://cme.example.org/verify/7KQ2M9XR4TB6WJHD/",
}


def register_fonts() -> None:
    for name in ("DejaVuSans", "DejaVuSerif-Bold"):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
    rl_config.useA85 = 0  # as the project renderer does


def _style(font, size, color=INK, align=TA_CENTER):
    return ParagraphStyle(
        f"{font}{size}", fontName=font, fontSize=size, leading=size * 1.22, textColor=color, alignment=align
    )


def _put(canvas, text, style, x, top, width):
    paragraph = Paragraph(text, style)
    height = paragraph.wrapOn(canvas, width, 1000)[1]
    paragraph.drawOn(canvas, x, top - height)
    return top - height


BODY = [  # (text or SAMPLE key, font, size, colour, space above)
    ("provider", "DejaVuSerif-Bold", 13, NAVY, 0),
    ("heading", "DejaVuSerif-Bold", 30, NAVY, 40),
    ("This certifies that", "DejaVuSans", 11, GREY, 24),
    ("learner", "DejaVuSerif-Bold", 26, INK, 8),
    ("has participated in the activity", "DejaVuSans", 11, GREY, 10),
    ("title", "DejaVuSerif-Bold", 16, NAVY, 8),
    ("details", "DejaVuSans", 10, INK, 6),
    ("objectives", "DejaVuSans", 9, GREY, 4),
    ("credits", "DejaVuSans", 13, INK, 18),
    ("statement", "DejaVuSans", 8.5, INK, 14),
    ("accreditation", "DejaVuSans", 7.5, GREY, 6),
]
VERIFICATION = [
    ("issued", "DejaVuSans", 8.5),
    ("number", "DejaVuSans", 8.5),
    ("Verification code", "DejaVuSans", 7),
    ("code", "DejaVuSerif-Bold", 10),
    ("url", "DejaVuSans", 7),
]


def _draw_body(canvas, text, width, height):
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(1.6)
    canvas.rect(20, 20, width - 40, height - 40)
    canvas.setLineWidth(0.5)
    canvas.rect(26, 26, width - 52, height - 52)
    top = height - 50
    for key, font, size, color, gap in BODY:
        value = text.get(key, key)
        if key == "credits":
            value = f'and is awarded <font name="DejaVuSerif-Bold">{value}</font>'
        top = _put(canvas, value, _style(font, size, color), 80, top - gap, width - 160)


def _draw_signature_and_verification(canvas, text, width):
    canvas.setStrokeColor(INK)
    canvas.line(80, 96, 290, 96)
    top = _put(canvas, text["director"], _style("DejaVuSerif-Bold", 9.5, align=0), 80, 92, 210)
    _put(canvas, text["director_title"], _style("DejaVuSans", 8, GREY, align=0), 80, top, 210)
    canvas.setFillColor(INK)
    QrCode(text["url"], width=76, height=76, qrBorder=0, qrLevel="M").drawOn(canvas, width - 156, 52)
    top = 129
    for key, font, size in VERIFICATION:
        top = _put(canvas, text.get(key, key), _style(font, size, align=TA_RIGHT), width - 406, top, 238) - 1.5


def render_bare(text: dict = SAMPLE) -> bytes:
    """One certificate page to PDF bytes, ReportLab only (call `register_fonts()` first)."""
    width, height = landscape(letter)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    _draw_body(canvas, text, width, height)
    _draw_signature_and_verification(canvas, text, width)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def renders_per_second(render, count: int) -> float:
    render()  # warm up: fonts parsed, modules imported
    start = time.perf_counter()
    for _ in range(count):
        render()
    return count / (time.perf_counter() - start)


if __name__ == "__main__":
    register_fonts()
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rate = renders_per_second(render_bare, count)
    print(f"bare ReportLab certificate: {rate:.1f} renders/s ({1000 / rate:.2f} ms each, {count} renders)")
