"""The minutes of a meeting as a PDF (reportlab): attendance, every item with its rule, result and roll call."""

import io
import os

from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import ItemKind, VoteChoice
from .models import Meeting
from .selectors import agenda, roll_call

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if os.path.exists(DEJAVU) and os.path.exists(DEJAVU_BOLD):
        if "AssemblySans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("AssemblySans", DEJAVU))
            pdfmetrics.registerFont(TTFont("AssemblySans-Bold", DEJAVU_BOLD))
        return "AssemblySans", "AssemblySans-Bold"
    return "Helvetica", "Helvetica-Bold"


def minutes_pdf(meeting: Meeting) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12)
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
    zone = meeting.edition.zone
    story = [Paragraph(escape(meeting.title), h1),
             Paragraph(escape(f"{meeting.edition} · {meeting.get_kind_display()} · {meeting.get_status_display()}"), body)]
    if meeting.opened_at:
        opened = timezone.localtime(meeting.opened_at, zone).strftime("%Y-%m-%d %H:%M")
        closed = timezone.localtime(meeting.closed_at, zone).strftime("%H:%M") if meeting.closed_at else "…"
        story.append(Paragraph(escape(_("Opened %(opened)s, closed %(closed)s (%(zone)s).") % {
            "opened": opened, "closed": closed, "zone": meeting.edition.time_zone}), body))
    seats = meeting.electorate.count()
    story.append(Paragraph(escape(_("Electorate: %(n)s member governments; %(p)s proxies.") % {
        "n": seats, "p": meeting.proxies.count()}), body))
    for item in agenda(meeting):
        story.append(Paragraph(escape(f"{item.position}. {item.title}"), h2))
        line = f"{item.get_kind_display()} · {item.get_status_display()} · {_('Quorum')}: {item.get_quorum_rule_display()}"
        if item.quorum_at_open:
            line += " — " + _("%(have)s of %(total)s present or represented at the opening") % item.quorum_at_open
        story.append(Paragraph(escape(line), body))
        if item.body:
            story.append(Paragraph(escape(item.body), body))
        if item.kind == ItemKind.MOTION and item.result:
            r = item.result
            verdict = _("Adopted") if r["passed"] else _("Rejected")
            story.append(Paragraph(escape(
                f"{verdict} — {_('Majority')}: {item.get_majority_rule_display()}; "
                + _("yes %(yes)s, no %(no)s, abstain %(abstain)s; %(voters)s of %(electorate)s members voted.") % r),
                body))
            labels = dict(VoteChoice.choices)
            rows = [[_("Member"), _("Represented by"), _("Vote")]] + [
                [v.member.name, f"{v.cast_by} ({v.via.name})", str(labels[v.choice])] for v in roll_call(item)]
            table = Table(rows, colWidths=[60 * mm, 80 * mm, 25 * mm], repeatRows=1)
            table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), regular, 8), ("FONT", (0, 0), (-1, 0), bold, 8),
                                       ("GRID", (0, 0), (-1, -1), 0.25, "#999999")]))
            story += [Spacer(1, 3 * mm), table]
        if item.kind == ItemKind.ELECTION and item.result.get("counts"):
            election = item.election
            story.append(Paragraph(escape(_("Secret ballot: %(turnout)s of %(electorate)s members took part. "
                                            "Verifiable record: election %(id)s.") % {
                "turnout": item.result["turnout"], "electorate": item.result["electorate"],
                "id": election.public_id}), body))
            for q, counts, seats_won in zip(election.questions, item.result["counts"], item.result["elected"],
                                            strict=True):
                elected = ", ".join(q["choices"][i] for i in seats_won["elected"]) or "—"
                tally = "; ".join(f"{name} {n}" for name, n in zip(q["choices"], counts, strict=True))
                story.append(Paragraph(escape(f"{q['title']}: {tally}. {_('Elected')}: {elected}"
                                              + (f" ({_('tie')}: " + ", ".join(q["choices"][i] for i in seats_won["tied"])
                                                 + ")" if seats_won["tied"] else "")), body))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=meeting.title, leftMargin=18 * mm, rightMargin=18 * mm,
                      topMargin=18 * mm, bottomMargin=18 * mm).build(story)
    return buffer.getvalue()
