"""The extract as a PDF, drawn with reportlab in DejaVu Sans (every Vietnamese diacritic, text that
copies out exactly). The visible signature block is drawn here; the signature field is placed over it,
so validators see a real signature where the reader sees the signer."""

from __future__ import annotations

import io
from functools import cache

from django.conf import settings
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .content import PAGE_HEIGHT, PAGE_WIDTH, SIGNATURE_BOX, ExtractContent, nfc

FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"


@cache
def _fonts() -> None:
    directory = settings.SIGNING["font_dir"]
    for name, file in (
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(directory / file)))


LABEL_WIDTH = 62 * mm
LINE = 1.32  # line height, in font sizes
ROW_GAP = 1.1 * mm
SIZES = (10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7)  # the largest at which every field fits above the signature


def _wrapped(rows, size: float, value_width: float) -> list[tuple[list[str], list[str]]]:
    """Each field's label and value broken into lines that fit their columns: nothing is cut."""
    return [
        (
            simpleSplit(nfc(label) + ":", FONT, size, LABEL_WIDTH - 2 * mm) or [""],
            simpleSplit(nfc(value), FONT_BOLD, size, value_width) or [""],
        )
        for label, value in rows
    ]


def _height(wrapped, size: float) -> float:
    return sum(max(len(label), len(value)) * size * LINE + ROW_GAP for label, value in wrapped)


def _draw_rows(
    pdf, content: ExtractContent, *, left: float, right: float, top: float, bottom: float
) -> float:
    """The fields, at the largest size at which they all fit between ``top`` and ``bottom``."""
    value_width = right - left - LABEL_WIDTH
    notes_height = len(content.notes) * 5 * mm
    for size in SIZES:
        wrapped = _wrapped(content.rows, size, value_width)
        if top - _height(wrapped, size) - notes_height >= bottom:
            break
    y = top
    for label_lines, value_lines in wrapped:
        # The label's lines, then the value's: read in drawing order, a value comes out whole.
        pdf.setFont(FONT, size)
        for index, line in enumerate(label_lines):
            pdf.drawString(left, y - index * size * LINE, line)
        pdf.setFont(FONT_BOLD, size)
        for index, line in enumerate(value_lines):
            pdf.drawString(left + LABEL_WIDTH, y - index * size * LINE, line)
        y -= max(len(label_lines), len(value_lines)) * size * LINE + ROW_GAP
    for note in content.notes:
        pdf.setFont(FONT_ITALIC, 9)
        for line in simpleSplit(nfc(note), FONT_ITALIC, 9, right - left):
            pdf.drawString(left, y, line)
            y -= 4.2 * mm
    return y


def render(content: ExtractContent) -> bytes:
    _fonts()
    buffer = io.BytesIO()
    # Not invariant: the file's creation date is the day it is issued, not reportlab's fixed 2000-01-01.
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=False)
    pdf.setTitle(nfc(content.title))
    pdf.setAuthor(nfc(f"UBND {content.ward_name}"))
    pdf.setSubject(
        nfc(f"{content.title} số {content.registration_number}, quyển số {content.registration_book}")
    )
    pdf.setCreator("Cổng dịch vụ công liên thông")
    left, right, top = 18 * mm, PAGE_WIDTH - 18 * mm, PAGE_HEIGHT - 18 * mm

    # Heading: the issuing authority on the left ("ỦY BAN NHÂN DÂN / PHƯỜNG TRƯỜNG VINH / tỉnh Nghệ An"),
    # the national motto on the right.
    pdf.setFont(FONT, 10)
    pdf.drawCentredString(left + 40 * mm, top, "ỦY BAN NHÂN DÂN")
    pdf.setFont(FONT_BOLD, 10)
    for index, line in enumerate(simpleSplit(nfc(content.ward_name).upper(), FONT_BOLD, 10, 78 * mm)[:2]):
        pdf.drawCentredString(left + 40 * mm, top - (5 + 4.5 * index) * mm, line)
    pdf.setFont(FONT, 9)
    pdf.drawCentredString(left + 40 * mm, top - 14 * mm, nfc(content.province_name))
    pdf.setFont(FONT_BOLD, 10)
    pdf.drawCentredString(right - 52 * mm, top, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    pdf.drawCentredString(right - 52 * mm, top - 5 * mm, "Độc lập - Tự do - Hạnh phúc")
    pdf.line(right - 80 * mm, top - 6.5 * mm, right - 24 * mm, top - 6.5 * mm)
    pdf.setFont(FONT, 10)
    pdf.drawString(left, top - 22 * mm, f"Số: {content.registration_number}")
    pdf.drawString(left, top - 27 * mm, f"Quyển số: {nfc(content.registration_book)}")

    pdf.setFont(FONT_BOLD, 16)
    pdf.drawCentredString(PAGE_WIDTH / 2, top - 38 * mm, nfc(content.title).upper())
    pdf.setFont(FONT_ITALIC, 10)
    pdf.drawCentredString(PAGE_WIDTH / 2, top - 44 * mm, nfc(content.copy_marker))
    if content.preview:
        pdf.drawCentredString(PAGE_WIDTH / 2, top - 49 * mm, "BẢN XEM TRƯỚC — CHƯA KÝ, KHÔNG CÓ GIÁ TRỊ")

    # The fields, above the signature block's place-and-date line.
    x1, y1, x2, y2 = SIGNATURE_BOX
    _draw_rows(pdf, content, left=left, right=right, top=top - 56 * mm, bottom=y2 + 17 * mm)

    # The visible signature block, as the extract form has it, under the signature field.
    centre = (x1 + x2) / 2
    pdf.setFont(FONT_ITALIC, 10)
    when = f"ngày {content.signed_on:%d} tháng {content.signed_on:%m} năm {content.signed_on:%Y}"
    place_and_date = simpleSplit(nfc(f"{content.ward_name}, {when}"), FONT_ITALIC, 10, x2 - x1)
    for index, line in enumerate(reversed(place_and_date)):  # a long ward's name takes two lines
        pdf.drawCentredString(centre, y2 + (6 + 4.5 * index) * mm, line)
    pdf.setFont(FONT_BOLD, 10.5)
    pdf.drawCentredString(centre, y2, "NGƯỜI KÝ TRÍCH LỤC")
    if not content.preview:
        pdf.setFont(FONT_ITALIC, 9)
        pdf.drawCentredString(centre, y1 + 18 * mm, "(Đã ký số)")
    pdf.setFont(FONT_BOLD, 11)
    pdf.drawCentredString(centre, y1 + 8 * mm, nfc(content.signer_name))
    pdf.setFont(FONT, 9.5)
    pdf.drawCentredString(centre, y1 + 3 * mm, nfc(content.signer_title))

    # QR code with the verification address, and the address in words for those without a camera.
    size = 30 * mm
    widget = QrCodeWidget(content.verify_url)
    bx1, by1, bx2, by2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (bx2 - bx1), 0, 0, size / (by2 - by1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, left, 30 * mm)
    pdf.setFont(FONT, 7.5)
    pdf.drawString(left, 26 * mm, "Kiểm tra tính xác thực tại:")
    pdf.drawString(left, 22.5 * mm, content.verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
