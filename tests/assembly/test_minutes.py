"""Minutes: staff write a draft, approve it (public, with who and when), reopen it; the minutes PDF."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.assembly.factories import make_assembly
from tests.helpers import count_queries
from urbis.assembly import services
from urbis.assembly.documents import minutes_blocks, minutes_pdf, minutes_story, story_text
from urbis.assembly.models import Meeting
from urbis.core.errors import Conflict, ValidationFailed
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db

TEXT = "# Opening\n\nThe President opened the meeting at 9:30.\nAll members were welcomed.\n\n- Item one\n- Item two"


def _closed_meeting(n=3, *, weights=None, slug="ga"):
    a = make_assembly(n, weights=weights, slug=slug)
    services.appoint_proxy(meeting=a.meeting, grantor=a.members[2], holder=a.members[0], actor=a.staff)
    motion = services.add_item(meeting=a.meeting, kind="motion", title="Strategic plan", majority_rule="two_thirds",
                               actor=a.staff)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    for d in a.delegates[:2]:
        services.record_heartbeat(meeting=a.meeting, user=d)
    services.open_item(item=motion, actor=a.staff)
    services.cast_roll_call(item=motion, member=a.members[0], user=a.delegates[0], choice="yes")
    services.cast_roll_call(item=motion, member=a.members[1], user=a.delegates[1], choice="no")
    services.cast_roll_call(item=motion, member=a.members[2], user=a.delegates[0], choice="yes")
    services.close_item(item=motion, actor=a.staff)
    services.close_meeting(meeting=a.meeting, actor=a.staff)
    return a, motion


def _fresh(a) -> Meeting:
    return Meeting.objects.get(pk=a.meeting.pk)


def test_minutes_blocks_read_headings_lists_and_paragraphs():
    assert minutes_blocks(TEXT + "\r\n\r\n\n\n<b>not markup</b>") == [
        ("heading", "Opening"),
        ("paragraph", ["The President opened the meeting at 9:30.", "All members were welcomed."]),
        ("list", ["Item one", "Item two"]),
        ("paragraph", ["<b>not markup</b>"]),
    ]
    assert minutes_blocks("") == []


def test_save_approve_and_reopen_audited():
    a, _motion = _closed_meeting()
    services.save_minutes(meeting=a.meeting, text=TEXT + "\r\n", actor=a.staff)
    assert (_fresh(a).minutes, _fresh(a).minutes_status) == (TEXT, "draft")
    before = timezone.now()
    services.approve_minutes(meeting=a.meeting, actor=a.staff)
    m = _fresh(a)
    assert (m.minutes_status, m.minutes_approved_by, before <= m.minutes_approved_at <= timezone.now()) == (
        "approved", a.staff, True)
    with pytest.raises(Conflict) as exc:
        services.save_minutes(meeting=a.meeting, text="Rewritten", actor=a.staff)
    assert (exc.value.code, _fresh(a).minutes) == ("minutes_approved", TEXT)
    services.reopen_minutes(meeting=a.meeting, actor=a.staff)
    m = _fresh(a)
    assert (m.minutes_status, m.minutes_approved_by, m.minutes_approved_at, m.minutes) == ("draft", None, None, TEXT)
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="assembly.minutes.").order_by("id")] == [
        "assembly.minutes.saved", "assembly.minutes.approved", "assembly.minutes.reopened"]


def test_approval_needs_a_closed_meeting_and_some_text():
    a = make_assembly(2)
    services.save_minutes(meeting=a.meeting, text="Draft", actor=a.staff)
    with pytest.raises(Conflict) as exc:
        services.approve_minutes(meeting=a.meeting, actor=a.staff)
    assert (exc.value.code, _fresh(a).minutes_status) == ("meeting_not_closed", "draft")
    b, _motion = _closed_meeting(slug="closed")
    with pytest.raises(ValidationFailed) as exc:
        services.approve_minutes(meeting=b.meeting, actor=b.staff)
    assert (exc.value.code, _fresh(b).minutes_status) == ("minutes_empty", "draft")
    with pytest.raises(Conflict) as exc:
        services.reopen_minutes(meeting=b.meeting, actor=b.staff)
    assert exc.value.code == "minutes_not_approved"


# ---------------------------------------------------------------------------------------------- pages


def test_minutes_page_allowed_for_staff_denied_for_delegates(client):
    a, _motion = _closed_meeting()
    url = reverse("assembly:staff_minutes", args=[a.meeting.slug])
    client.force_login(a.delegates[0])
    assert (client.get(url).status_code, client.post(url, {"text": "x"}).status_code) == (403, 403)
    assert _fresh(a).minutes == ""
    client.force_login(a.staff)
    assert client.get(url).status_code == 200
    r = client.post(url, {"text": TEXT, "action": "approve"}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["The minutes are approved and public."]
    assert (_fresh(a).minutes, _fresh(a).minutes_status) == (TEXT, "approved")


def test_refused_approval_keeps_the_previous_text(client):
    a = make_assembly(2)
    services.save_minutes(meeting=a.meeting, text="Old", actor=a.staff)
    client.force_login(a.staff)
    r = client.post(reverse("assembly:staff_minutes", args=[a.meeting.slug]), {"text": "New", "action": "approve"})
    assert (r.status_code, [str(m) for m in r.context["messages"]]) == (
        200, ["Minutes are approved once the meeting is closed."])
    assert (_fresh(a).minutes, _fresh(a).minutes_status, r.context["form"]["text"].value()) == ("Old", "draft", "New")


def test_only_approved_minutes_are_public_on_the_meeting_page(client):
    a, _motion = _closed_meeting()
    services.save_minutes(meeting=a.meeting, text=TEXT, actor=a.staff)
    url = reverse("assembly:meeting", args=[a.meeting.slug])
    r = client.get(url)
    assert (r.context["minutes_approved"], r.context["minutes_blocks"], "The President opened" in r.content.decode()) \
        == (False, [], False)
    services.approve_minutes(meeting=a.meeting, actor=a.staff)
    r = client.get(url)
    assert (r.context["minutes_blocks"], "The President opened the meeting at 9:30." in r.content.decode()) == (
        minutes_blocks(TEXT), True)
    approved = dt.datetime(2021, 11, 24, 4, 30, tzinfo=dt.UTC)
    Meeting.objects.filter(pk=a.meeting.pk).update(minutes_approved_at=approved)
    local = approved.astimezone(a.meeting.edition.zone)
    expected = (f"Approved by {a.staff} on {local.day} November 2021, {local:%H:%M} "
                f"({a.meeting.edition.time_zone}).")
    assert (expected in client.get(url).content.decode(), local.utcoffset() != dt.timedelta(0)) == (True, True)


def _pdf_text(meeting) -> str:
    """What the PDF shows: the text of the story it is built from (and the PDF builds)."""
    assert minutes_pdf(meeting)[:5] == b"%PDF-"
    return " ".join(" ".join(story_text(minutes_story(meeting))).split())


def test_minutes_pdf_holds_the_approved_text_results_weights_and_documents():
    a, _motion = _closed_meeting(3, weights=[3, 1, 2])
    services.add_attachment(meeting=a.meeting, title="Annual report 2020", visibility="public", actor=a.staff,
                            upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"))
    draft = _pdf_text(_fresh(a))
    assert ("The written minutes are not approved yet." in draft, "The President" in draft) == (True, False)
    services.save_minutes(meeting=a.meeting, text=TEXT, actor=a.staff)
    services.approve_minutes(meeting=a.meeting, actor=a.staff)
    text = _pdf_text(_fresh(a))
    expected = [
        "Electorate: 3 member governments (total weight 6); 1 proxies.",
        f"{a.members[2].name} is represented by {a.members[0].name} (its delegate {a.delegates[0]}).",
        f"Approved by {a.staff}", "Opening", "The President opened the meeting at 9:30.", "• Item one",
        "Adopted — Majority: Two thirds of yes and no votes; yes 5, no 1, abstain 0; 3 of 3 members voted.",
        "of a total electorate weight of 6; turnout 100% of the members.",
        "Documents", "Annual report 2020", "The whole meeting", "PDF", "1 kB", "Public",
    ]
    assert [phrase for phrase in expected if phrase not in text] == []


def test_minutes_pdf_is_deterministic():
    a, _motion = _closed_meeting()
    assert minutes_pdf(_fresh(a)) == minutes_pdf(_fresh(a))


def test_minutes_pdf_queries_do_not_grow_with_documents():
    def pdf_queries(n):
        a = make_assembly(2, slug=f"pdf{n}")
        for i in range(n):
            services.add_attachment(meeting=a.meeting, title=f"Doc {i}", visibility="public", actor=a.staff,
                                    upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"))
        queries, _pdf = count_queries(minutes_pdf, _fresh(a))
        return queries

    assert pdf_queries(1) == pdf_queries(5)


def test_minutes_pdf_lists_delegates_only_documents_to_delegates_only(client):
    a, _motion = _closed_meeting()
    for title, visibility in (("Annual report", "public"), ("Accounts", "members")):
        services.add_attachment(meeting=a.meeting, title=title, visibility=visibility, actor=a.staff,
                                upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"))

    def listed(documents=None):
        rows = story_text(minutes_story(_fresh(a), documents=documents))
        return [row.split(" | ")[0] for row in rows if " | The whole meeting | " in row]

    from urbis.assembly.selectors import visible_attachments

    assert (listed(), listed(visible_attachments(a.meeting, a.delegates[0]))) == (
        ["Annual report"], ["Accounts", "Annual report"])
    url = reverse("assembly:minutes", args=[a.meeting.slug])
    public = client.get(url)
    client.force_login(a.delegates[0])
    delegate = client.get(url)
    assert (public.status_code, public["Content-Type"], delegate.status_code) == (200, "application/pdf", 200)
