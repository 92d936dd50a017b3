"""Demo step: the documents of the completed General Assembly.

The strategic action plan 2021–2023 (a PDF made here, attached to the motion that adopts it), the annual
report 2020 and the auditor's report (for the delegates only), and the approved minutes. The proxies of the
meeting were appointed by the members' own delegates in the assembly step (`appoint_member_proxy`).
Every PDF is made in reportlab's invariant mode, so two builds give the same bytes.
"""

import datetime as dt
import io
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile

from urbis.assembly import services
from urbis.assembly.models import AgendaAttachment, Meeting
from urbis.core.models import AuditEntry
from urbis.core.taxonomies import METROPOLITAN_ASPECTS, OUTCOME_AREAS, WORLD_REGIONS

from .assembly import SLUG
from .builder import DemoContext


def _pdf(title: str, sections: list[tuple[str, list[str]]]) -> bytes:
    """A small, deterministic PDF: a title, then headed sections of paragraphs (or "• " bullet lines)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from urbis.assembly.documents import _fonts

    regular, bold = _fonts()
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=18, leading=22, spaceAfter=10)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, spaceAfter=4)
    story = [Paragraph(escape(title), h1)]
    for heading, paragraphs in sections:
        story.append(Paragraph(escape(heading), h2))
        story += [Paragraph(escape(p), body) for p in paragraphs]
        story.append(Spacer(1, 2 * mm))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Urbis demo secretariat", invariant=True,
                      leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm).build(story)
    return buffer.getvalue()


def _action_plan() -> bytes:
    areas = [label for _slug, label in OUTCOME_AREAS]
    aspects = [label for _slug, label in METROPOLITAN_ASPECTS]
    return _pdf("Strategic Action Plan 2021–2023", [
        ("Purpose", ["This plan sets the association's priorities for the three years between the World Congresses "
                     "of 2021 and 2024. It is adopted by the General Assembly by a two-thirds majority of the votes "
                     "cast, and reviewed each year by the Board."]),
        ("Outcome areas", [f"• {area}: a working group of member cities, a call for practices, a yearly report."
                           for area in areas]),
        ("Metropolitan aspects", [f"• {aspect}" for aspect in aspects]),
        ("Regional work", [f"• {label}: one regional forum a year and a seat on the Board's coordination group."
                           for _slug, label in WORLD_REGIONS]),
        ("Resources", ["The plan is funded by the members' dues and by partners' contributions; the secretariat "
                       "reports on spending to the Board twice a year."]),
    ])


def _annual_report(meeting: Meeting) -> bytes:
    regions = dict(WORLD_REGIONS)
    seats = list(meeting.electorate.select_related("member").order_by("member__name"))
    by_region = Counter(regions.get(s.member.region, s.member.region or "—") for s in seats)
    return _pdf("Annual Report 2020", [
        ("Membership", [f"At the end of 2020 the association counted {len(seats)} member governments in good "
                        f"standing, from {len({s.member.country for s in seats})} countries."]
         + [f"• {region}: {n}" for region, n in sorted(by_region.items())]),
        ("Activities", ["The secretariat prepared the hybrid World Congress of 2021, ran the award for urban "
                        "innovation and the knowledge platforms, and held the Board's meetings online."]),
    ])


def _auditor_report() -> bytes:
    return _pdf("Auditor's Report on the Accounts 2020", [
        ("Opinion", ["In our opinion the accounts give a true and fair view of the association's financial position "
                     "at 31 December 2020 and of its results for the year."]),
        ("Basis", ["We conducted our audit in accordance with international standards on auditing."]),
    ])


def _minutes(meeting: Meeting) -> str:
    motion, election = meeting.items.filter(kind="motion").first(), meeting.items.filter(kind="election").first()
    r = motion.result
    lines = [
        "# Opening",
        f"The President opened the General Assembly 2021 with {meeting.electorate.count()} member governments "
        f"seated; {meeting.proxies.count()} members were represented by proxy. The quorum was reached.",
        "# Strategic Action Plan 2021–2023",
        f"The Secretary General presented the plan. The General Assembly adopted it by roll call: "
        f"{r['yes']} yes, {r['no']} no, {r['abstain']} abstentions ({r['voters']} members voted; two thirds of "
        f"yes and no votes were needed).",
    ]
    if election is not None and election.result:
        lines += ["# Election of the Board",
                  f"The Board was elected by secret ballot, region by region: {election.result.get('turnout', 0)} "
                  "members took part. The trustees decrypted the totals; the published record was verified."]
    lines += ["# Documents", "- Strategic Action Plan 2021–2023", "- Annual Report 2020",
              "- Auditor's Report on the Accounts 2020 (delegates only)",
              "# Closing", "The President thanked the host city and closed the meeting."]
    return _join(lines)


def _join(lines: list[str]) -> str:
    """Blank lines between blocks, except between consecutive list lines."""
    out = ""
    for prev, line in zip([None, *lines], lines, strict=False):
        out += ("\n" if prev is not None and prev.startswith("- ") and line.startswith("- ") else
                "\n\n" if prev is not None else "") + line
    return out


def build(ctx: DemoContext) -> None:
    meeting = Meeting.objects.filter(slug=SLUG).first()
    if meeting is None:
        ctx.say("Assembly documents: no General Assembly to document.")
        return
    if AgendaAttachment.objects.filter(meeting=meeting).exists():
        ctx.say("Assembly documents: already built.")
        return
    users = ctx.data.get("users", {})
    staff = users.get("staff@urbis.example") or ctx.data["admin"]
    motion = meeting.items.get(kind="motion")
    documents = [
        (motion, "Strategic Action Plan 2021–2023", _action_plan(), "public"),
        (None, "Annual Report 2020", _annual_report(meeting), "public"),
        (None, "Auditor's Report on the Accounts 2020", _auditor_report(), "members"),
    ]
    for item, title, data, visibility in documents:
        services.add_attachment(meeting=meeting, item=item, title=title, visibility=visibility, actor=staff,
                                upload=SimpleUploadedFile(f"{title}.pdf", data, content_type="application/pdf"))
    services.save_minutes(meeting=meeting, text=_minutes(meeting), actor=staff)
    services.approve_minutes(meeting=meeting, actor=staff)
    # the Board approved the minutes two weeks after the meeting
    approved_at = meeting.closed_at + dt.timedelta(days=14)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_approved_at=approved_at)
    by_delegates = AuditEntry.objects.filter(action="assembly.proxy.appointed", object_id=str(meeting.pk)).exclude(
        actor__is_staff=True).count()
    ctx.say(f"Assembly documents: {by_delegates} proxies appointed by the members' own delegates, "
            f"{len(documents)} documents, minutes approved.")
