"""The minutes of a meeting as a PDF (reportlab): attendance, every item with its rule, result and roll call."""

import io
import os

from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import AttachmentVisibility, ItemKind, MinutesStatus, VoteChoice
from .models import Meeting
from .selectors import agenda, proxy_rows, roll_call

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


def minutes_blocks(text: str) -> list[tuple[str, object]]:
    """The minutes' plain text as blocks: ("heading", str), ("list", [str]) or ("paragraph", [lines]).

    Blocks are separated by blank lines; a block of one line starting with "#" is a heading; a block whose
    lines all start with "- " or "* " is a list. Nothing else is markup: the text is escaped where shown."""
    blocks: list[tuple[str, object]] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].lstrip().startswith("#"):
            blocks.append(("heading", lines[0].lstrip().lstrip("#").strip()))
        elif all(line.lstrip().startswith(("- ", "* ")) for line in lines):
            blocks.append(("list", [line.lstrip()[2:].strip() for line in lines]))
        else:
            blocks.append(("paragraph", [line.strip() for line in lines]))
    return blocks


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} kB"


def minutes_pdf(meeting: Meeting, *, documents: list | None = None) -> bytes:
    """The minutes as PDF bytes (the same bytes for the same meeting: reportlab's invariant mode).
    `documents`: the attachments to list (those the reader may see); by default the public ones."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=meeting.title, leftMargin=18 * mm, rightMargin=18 * mm,
                      topMargin=18 * mm, bottomMargin=18 * mm, invariant=True).build(minutes_story(meeting, documents=documents))
    return buffer.getvalue()


def story_text(story: list) -> list[str]:
    """The text of a story's paragraphs and table cells, in order (what a reader of the PDF sees)."""
    from xml.sax.saxutils import unescape

    from reportlab.platypus import Paragraph, Table

    out = []
    for flowable in story:
        if isinstance(flowable, Paragraph):
            out.append(unescape(flowable.text.replace("<br/>", "\n")))
        elif isinstance(flowable, Table):
            out += [" | ".join(unescape(c.text) if isinstance(c, Paragraph) else str(c) for c in row)
                    for row in flowable._cellvalues]
    return out


def minutes_story(meeting: Meeting, *, documents: list | None = None) -> list:
    """The minutes' flowables: attendance and proxies, the approved text, every item with its rule and
    result (turnout, weights), the roll calls, the elections' results, and the list of documents."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12)
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
    h3 = ParagraphStyle("h3", fontName=bold, fontSize=10.5, leading=13, spaceBefore=4, spaceAfter=2)
    small = ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=11)
    zone = meeting.edition.zone
    story = [Paragraph(escape(meeting.title), h1),
             Paragraph(escape(f"{meeting.edition} · {meeting.get_kind_display()} · {meeting.get_status_display()}"), body)]
    if meeting.opened_at:
        opened = timezone.localtime(meeting.opened_at, zone).strftime("%Y-%m-%d %H:%M")
        closed = timezone.localtime(meeting.closed_at, zone).strftime("%H:%M") if meeting.closed_at else "…"
        story.append(Paragraph(escape(_("Opened %(opened)s, closed %(closed)s (%(zone)s).") % {
            "opened": opened, "closed": closed, "zone": meeting.edition.time_zone}), body))
    seats = meeting.electorate.count()
    weight = sum(meeting.electorate.values_list("weight", flat=True))
    story.append(Paragraph(escape(_("Electorate: %(n)s member governments (total weight %(w)s); %(p)s proxies.") % {
        "n": seats, "w": weight, "p": meeting.proxies.count()}), body))
    for row in proxy_rows(meeting):
        story.append(Paragraph(escape(_("%(grantor)s is represented by %(holder)s (its delegate %(delegate)s).") % {
            "grantor": row.grantor.name, "holder": row.holder.name, "delegate": row.holder_delegate or "—"}), small))
    if meeting.minutes_status == MinutesStatus.APPROVED and meeting.minutes.strip():
        story.append(Paragraph(escape(_("Minutes")), h2))
        approved = timezone.localtime(meeting.minutes_approved_at, zone).strftime("%Y-%m-%d %H:%M")
        story.append(Paragraph(escape(_("Approved by %(who)s on %(when)s (%(zone)s).") % {
            "who": meeting.minutes_approved_by or "—", "when": approved, "zone": meeting.edition.time_zone}), small))
        for kind, content in minutes_blocks(meeting.minutes):
            if kind == "heading":
                story.append(Paragraph(escape(content), h3))
            elif kind == "list":
                story += [Paragraph("• " + escape(line), body) for line in content]
            else:
                story.append(Paragraph("<br/>".join(escape(line) for line in content), body))
            story.append(Spacer(1, 2 * mm))
    else:
        story.append(Paragraph(escape(_("The written minutes are not approved yet.")), small))
    story.append(Paragraph(escape(_("Results")), h2))
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
            if "electorate_weight" in r:
                story.append(Paragraph(escape(_("Votes are weighted: the figures are weights, of a total electorate "
                                                "weight of %(w)s; turnout %(pct)s%% of the members.") % {
                    "w": r["electorate_weight"], "pct": round(100 * r["voters"] / r["electorate"]) if r["electorate"]
                    else 0}), small))
            labels = dict(VoteChoice.choices)
            rows = [[_("Member"), _("Represented by"), _("Vote"), _("Weight")]] + [
                [v.member.name, f"{v.cast_by} ({v.via.name})", str(labels[v.choice]), str(v.weight)]
                for v in roll_call(item)]
            table = Table(rows, colWidths=[55 * mm, 75 * mm, 22 * mm, 18 * mm], repeatRows=1)
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
                line = _("%(question)s: %(tally)s. Elected: %(elected)s") % {
                    "question": q["title"], "tally": tally, "elected": elected}
                if seats_won["tied"]:
                    line += " " + _("(a second round is needed between %(names)s)") % {
                        "names": ", ".join(q["choices"][i] for i in seats_won["tied"])}
                story.append(Paragraph(escape(line), body))
    if documents is None:
        documents = list(meeting.attachments.filter(visibility=AttachmentVisibility.PUBLIC).select_related("item"))
    if documents:
        story.append(Paragraph(escape(_("Documents")), h2))
        visibility = dict(AttachmentVisibility.choices)
        rows = [[_("Document"), _("Agenda item"), _("Type"), _("Size"), _("Who may see it")]] + [
            [Paragraph(escape(a.title), small), Paragraph(escape(a.item.title if a.item else _("The whole meeting")), small),
             a.extension, _size(a.size), str(visibility.get(a.visibility, a.visibility))]
            for a in sorted(documents, key=lambda a: (a.item_id is not None, a.item.position if a.item else 0, a.title))]
        table = Table(rows, colWidths=[55 * mm, 55 * mm, 15 * mm, 17 * mm, 32 * mm], repeatRows=1)
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), regular, 8), ("FONT", (0, 0), (-1, 0), bold, 8),
                                   ("GRID", (0, 0), (-1, -1), 0.25, "#999999"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [Spacer(1, 3 * mm), table]
    return story
