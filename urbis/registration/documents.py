"""PDF documents: badges (A6, and A4 sheets of four for bulk printing) and certificates (A4), with reportlab."""

import io
import os
from collections.abc import Iterable

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from urbis.members.countries import country_name

from .badges import badge_token
from .enums import CATEGORY_COLOURS

_FONTS: dict[str, str] = {}
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _fonts() -> dict[str, str]:
    if not _FONTS:
        if os.path.exists(DEJAVU) and os.path.exists(DEJAVU_BOLD):
            pdfmetrics.registerFont(TTFont("UrbisSans", DEJAVU))
            pdfmetrics.registerFont(TTFont("UrbisSans-Bold", DEJAVU_BOLD))
            _FONTS.update(regular="UrbisSans", bold="UrbisSans-Bold")
        else:
            _FONTS.update(regular="Helvetica", bold="Helvetica-Bold")
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _FONTS["cjk"] = "STSong-Light"
    return _FONTS


def _font_for(text: str, bold: bool = False) -> str:
    fonts = _fonts()
    if any(ord(ch) >= 0x2E80 for ch in text):
        return fonts["cjk"]
    return fonts["bold" if bold else "regular"]


def _text(pdf: canvas.Canvas, x: float, y: float, text: str, size: float, *, bold=False, centre=False,
          max_width: float | None = None) -> None:
    font = _font_for(text, bold)
    while max_width and size > 6 and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 0.5
    pdf.setFont(font, size)
    (pdf.drawCentredString if centre else pdf.drawString)(x, y, text)


def _qr_image(data: str) -> ImageReader:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=8, border=1)
    buffer.seek(0)
    return ImageReader(buffer)


def _draw_badge(pdf: canvas.Canvas, registration, x0: float, y0: float) -> None:
    width, height = A6
    colour = HexColor(CATEGORY_COLOURS.get(registration.category, "#1f5f8b"))
    pdf.setFillColor(colour)
    pdf.rect(x0, y0 + height - 22 * mm, width, 22 * mm, stroke=0, fill=1)
    pdf.setFillColor(white)
    _text(pdf, x0 + width / 2, y0 + height - 10 * mm, registration.edition.name, 11, bold=True, centre=True,
          max_width=width - 10 * mm)
    _text(pdf, x0 + width / 2, y0 + height - 17 * mm, registration.get_category_display(), 9, centre=True,
          max_width=width - 10 * mm)
    pdf.setFillColor(HexColor("#1d2733"))
    _text(pdf, x0 + width / 2, y0 + height - 36 * mm, registration.full_name, 18, bold=True, centre=True,
          max_width=width - 10 * mm)
    _text(pdf, x0 + width / 2, y0 + height - 44 * mm, registration.organisation_label, 11, centre=True,
          max_width=width - 10 * mm)
    _text(pdf, x0 + width / 2, y0 + height - 50 * mm, country_name(registration.country), 10, centre=True,
          max_width=width - 10 * mm)
    size = 46 * mm
    pdf.drawImage(_qr_image(badge_token(registration)), x0 + (width - size) / 2, y0 + 14 * mm, size, size)
    _text(pdf, x0 + width / 2, y0 + 8 * mm, registration.badge_code, 11, bold=True, centre=True)
    pdf.setFillColor(colour)
    pdf.rect(x0, y0, width, 4 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#1d2733"))


def badge_pdf(registrations: Iterable, *, sheet: bool = False) -> bytes:
    """One A6 page per badge, or A4 sheets of four (2 × 2) for bulk printing."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4 if sheet else A6, pageCompression=1)
    pdf.setTitle(_("Badges"))
    width, height = A6
    slots = [(0, height), (width, height), (0, 0), (width, 0)]
    count = 0
    for registration in registrations:
        if sheet:
            x, y = slots[count % 4]
            _draw_badge(pdf, registration, x, y)
            pdf.setStrokeColor(HexColor("#cccccc"))
            pdf.rect(x, y, width, height, stroke=1, fill=0)
            if count % 4 == 3:
                pdf.showPage()
        else:
            _draw_badge(pdf, registration, 0, 0)
            pdf.showPage()
        count += 1
    if count == 0 or (sheet and count % 4):
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def certificate_pdf(certificate, *, verify_url: str) -> bytes:
    registration = certificate.registration
    edition = registration.edition
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Certificate of attendance"))
    width, height = A4
    pdf.setFillColor(HexColor("#1f5f8b"))
    pdf.rect(0, height - 30 * mm, width, 30 * mm, stroke=0, fill=1)
    pdf.setFillColor(white)
    _text(pdf, width / 2, height - 18 * mm, _("Certificate of attendance"), 22, bold=True, centre=True)
    pdf.setFillColor(HexColor("#1d2733"))
    _text(pdf, width / 2, height - 50 * mm, _("This certifies that"), 12, centre=True)
    _text(pdf, width / 2, height - 62 * mm, registration.full_name, 22, bold=True, centre=True,
          max_width=width - 30 * mm)
    _text(pdf, width / 2, height - 71 * mm, registration.organisation_label, 12, centre=True,
          max_width=width - 30 * mm)
    _text(pdf, width / 2, height - 84 * mm, _("attended %(edition)s (%(start)s – %(end)s, %(city)s)") % {
        "edition": edition.name, "start": edition.starts_on.isoformat(), "end": edition.ends_on.isoformat(),
        "city": edition.venue_city}, 12, centre=True, max_width=width - 30 * mm)
    y = height - 100 * mm
    if certificate.days_on_site:
        _text(pdf, 20 * mm, y, _("Days on site: %(days)s") % {"days": ", ".join(certificate.days_on_site)}, 10,
              max_width=width - 40 * mm)
        y -= 8 * mm
    _text(pdf, 20 * mm, y, _("Sessions attended:"), 11, bold=True)
    y -= 6 * mm
    for item in certificate.sessions:
        if y < 45 * mm:
            _text(pdf, 20 * mm, y, "…", 9)
            break
        how = _("on site") if item["how"] == "on_site" else _("online")
        _text(pdf, 24 * mm, y, f"• {item['title']} ({how})", 9, max_width=width - 44 * mm)
        y -= 5 * mm
    size = 30 * mm
    pdf.drawImage(_qr_image(verify_url), width - 20 * mm - size, 12 * mm, size, size)
    _text(pdf, 20 * mm, 30 * mm, _("Verification code: %(code)s") % {"code": certificate.code}, 12, bold=True)
    _text(pdf, 20 * mm, 23 * mm, verify_url, 9, max_width=width - 70 * mm)
    _text(pdf, 20 * mm, 16 * mm, _("Issued on %(date)s") % {
        "date": timezone.localtime(certificate.updated_at, edition.zone).date().isoformat()}, 9)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
