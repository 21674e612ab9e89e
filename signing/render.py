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


def signer_heading(title: str) -> list[str]:
    """A deputy signs for the chairman: "KT. CHỦ TỊCH" above "PHÓ CHỦ TỊCH"."""
    upper = nfc(title).upper()
    if upper.startswith("PHÓ CHỦ TỊCH"):
        return ["KT. CHỦ TỊCH", upper]
    return [upper or "CHỦ TỊCH"]


def render(content: ExtractContent) -> bytes:
    _fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(nfc(content.title))
    pdf.setAuthor(nfc(f"UBND {content.ward_name}"))
    pdf.setCreator("Cổng dịch vụ công liên thông")
    left, right, top = 18 * mm, PAGE_WIDTH - 18 * mm, PAGE_HEIGHT - 18 * mm

    # Heading: the issuing authority on the left, the national motto on the right.
    pdf.setFont(FONT, 10)
    pdf.drawCentredString(left + 40 * mm, top, "ỦY BAN NHÂN DÂN")
    pdf.setFont(FONT_BOLD, 10)
    pdf.drawCentredString(left + 40 * mm, top - 5 * mm, nfc(content.ward_name).upper())
    pdf.setFont(FONT, 9)
    pdf.drawCentredString(left + 40 * mm, top - 10 * mm, nfc(content.province_name))
    pdf.setFont(FONT_BOLD, 10)
    pdf.drawCentredString(right - 52 * mm, top, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    pdf.drawCentredString(right - 52 * mm, top - 5 * mm, "Độc lập - Tự do - Hạnh phúc")
    pdf.line(right - 80 * mm, top - 6.5 * mm, right - 24 * mm, top - 6.5 * mm)
    pdf.setFont(FONT, 10)
    pdf.drawString(left, top - 20 * mm, f"Số: {content.registration_number}")
    pdf.drawString(left, top - 25 * mm, f"Quyển số: {nfc(content.registration_book)}")

    pdf.setFont(FONT_BOLD, 16)
    pdf.drawCentredString(PAGE_WIDTH / 2, top - 38 * mm, nfc(content.title).upper())
    if content.preview:
        pdf.setFont(FONT_ITALIC, 10)
        pdf.drawCentredString(PAGE_WIDTH / 2, top - 44 * mm, "BẢN XEM TRƯỚC — CHƯA KÝ, KHÔNG CÓ GIÁ TRỊ")

    y = top - 54 * mm
    for label, value in content.rows:
        pdf.setFont(FONT, 10.5)
        pdf.drawString(left, y, nfc(label) + ":")
        pdf.setFont(FONT_BOLD, 10.5)
        pdf.drawString(left + 62 * mm, y, nfc(value))
        y -= 6.6 * mm
    for note in content.notes:
        pdf.setFont(FONT_ITALIC, 9)
        pdf.drawString(left, y, nfc(note))
        y -= 5 * mm

    # The visible signature block, under the signature field.
    x1, y1, x2, y2 = SIGNATURE_BOX
    centre = (x1 + x2) / 2
    pdf.setFont(FONT_ITALIC, 10)
    pdf.drawCentredString(
        centre,
        y2 + 6 * mm,
        nfc(
            f"{content.ward_name}, ngày {content.signed_on:%d} tháng "
            f"{content.signed_on:%m} năm {content.signed_on:%Y}"
        ),
    )
    pdf.setFont(FONT_BOLD, 10.5)
    line = y2
    for heading in signer_heading(content.signer_title):
        pdf.drawCentredString(centre, line, heading)
        line -= 5 * mm
    if not content.preview:
        pdf.setFont(FONT_ITALIC, 9)
        pdf.drawCentredString(centre, y1 + 14 * mm, "(Đã ký số)")
    pdf.setFont(FONT_BOLD, 11)
    pdf.drawCentredString(centre, y1 + 4 * mm, nfc(content.signer_name))

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
