"""The assembly's staff actions through the JSON API: agenda items, documents, minutes, second rounds.
Each endpoint: staff allowed, anonymous 401, a delegate 403; bad input answers its code and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.assembly.factories import make_assembly
from tests.assembly.test_run_off import _first_round
from tests.factories import UserFactory
from urbis.accounts.enums import Role
from urbis.accounts.services import grant_role
from urbis.assembly import services
from urbis.assembly.models import AgendaAttachment, AgendaItem, Meeting
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db

API = "/api/v1/assembly/meetings"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NOT_STAFF = {"error": {"code": "not_staff", "message": "Only the assembly's staff can do this.", "field": None}}
UNAUTHENTICATED = {"error": {"code": "unauthenticated", "message": "Log in first.", "field": None}}
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found.", "field": None}}


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def ga():
    a = make_assembly(3)
    for d in a.delegates:
        grant_role(user=d, role=Role.VOTING_DELEGATE, actor=a.staff)
    first = services.add_item(meeting=a.meeting, kind="motion", title="Budget", actor=a.staff)
    second = services.add_item(meeting=a.meeting, kind="report", title="Report", actor=a.staff)
    return a, first, second


def _items(meeting) -> list:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position")
                .values_list("title", "position", "body", "quorum_rule", "majority_rule"))


def _item_out(item, **changes) -> dict:
    return {"id": item.pk, "position": item.position, "kind": item.kind, "title": item.title, "body": item.body,
            "quorum_rule": item.quorum_rule, "majority_rule": item.majority_rule, "status": item.status, **changes}


def _err(code, message, field=None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


# ------------- who may call


def _staff_calls(slug, item_id, doc_id):
    return [
        ("patch", f"{API}/{slug}/items/{item_id}", {"data": {"title": "X"}, "content_type": "application/json"}),
        ("post", f"{API}/{slug}/items/{item_id}/move", {"data": {"direction": "down"},
                                                        "content_type": "application/json"}),
        ("delete", f"{API}/{slug}/items/{item_id}", {}),
        ("post", f"{API}/{slug}/items/{item_id}/run-off", {}),
        ("post", f"{API}/{slug}/documents", {"data": {"title": "T", "visibility": "public",
                                                      "file": SimpleUploadedFile("a.pdf", PDF)}}),
        ("delete", f"{API}/{slug}/documents/{doc_id}", {}),
        ("put", f"{API}/{slug}/minutes", {"data": {"text": "Draft"}, "content_type": "application/json"}),
        ("post", f"{API}/{slug}/minutes/approve", {}),
        ("post", f"{API}/{slug}/minutes/reopen", {}),
    ]


@pytest.mark.parametrize("index", range(9))
def test_anonymous_gets_401_and_a_delegate_403_nothing_changes(ga, index):
    a, first, _second = ga
    doc = services.add_attachment(meeting=a.meeting, title="Plan", upload=SimpleUploadedFile("p.pdf", PDF),
                                  visibility="public", actor=a.staff)
    before = (_items(a.meeting), list(AgendaAttachment.objects.values_list("pk", flat=True)),
              Meeting.objects.values_list("minutes", "minutes_status").get(pk=a.meeting.pk),
              AuditEntry.objects.count())
    method, url, kwargs = _staff_calls(a.meeting.slug, first.pk, doc.pk)[index]
    for client, status, body in ((_client(), 401, UNAUTHENTICATED), (_client(a.delegates[0]), 403, NOT_STAFF)):
        if "file" in kwargs.get("data", {}):
            kwargs["data"]["file"].seek(0)
        response = getattr(client, method)(url, **kwargs)
        assert (response.status_code, response.json()) == (status, body)
    assert before == (_items(a.meeting), list(AgendaAttachment.objects.values_list("pk", flat=True)),
                      Meeting.objects.values_list("minutes", "minutes_status").get(pk=a.meeting.pk),
                      AuditEntry.objects.count())


def test_staff_on_an_unknown_meeting_or_item_gets_404(ga):
    a, first, _second = ga
    staff = _client(a.staff)
    response = staff.patch(f"{API}/nope/items/{first.pk}", {"title": "X"}, content_type="application/json")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    other = make_assembly(1, slug="other")
    elsewhere = services.add_item(meeting=other.meeting, kind="report", title="Elsewhere", actor=other.staff)
    response = staff.delete(f"{API}/{a.meeting.slug}/items/{elsewhere.pk}")
    assert (response.status_code, response.json()) == (
        404, _err("item_not_found", "This item is not on this meeting's agenda."))
    assert AgendaItem.objects.filter(pk=elsewhere.pk).exists()


# ------------- agenda items


def test_patch_changes_only_the_fields_given(ga):
    a, first, _second = ga
    response = _client(a.staff).patch(f"{API}/{a.meeting.slug}/items/{first.pk}",
                                      {"body": "The 2027 budget.", "majority_rule": "two_thirds"},
                                      content_type="application/json")
    first.refresh_from_db()
    assert (response.status_code, response.json()) == (200, _item_out(first))
    assert _items(a.meeting) == [("Budget", 1, "The 2027 budget.", "majority", "two_thirds"),
                                 ("Report", 2, "", "majority", "simple")]
    entry = AuditEntry.objects.filter(action="assembly.item.updated").get()
    assert (entry.actor_id, entry.data) == (a.staff.pk, {"changed": ["body", "majority_rule"]})


@pytest.mark.parametrize(("payload", "status", "body"), [
    ({"title": "  "}, 422, _err("title_missing", "An item needs a title.", "title")),
    ({"quorum_rule": "most"}, 422, _err("unknown_rule", "Unknown quorum or majority rule.")),
])
def test_patch_bad_input_changes_nothing(ga, payload, status, body):
    a, first, _second = ga
    before = _items(a.meeting)
    response = _client(a.staff).patch(f"{API}/{a.meeting.slug}/items/{first.pk}", payload,
                                      content_type="application/json")
    assert (response.status_code, response.json(), _items(a.meeting)) == (status, body, before)


def test_an_opened_item_can_no_longer_be_patched_moved_or_deleted(ga):
    a, first, _second = ga
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    for d in a.delegates:
        services.record_heartbeat(meeting=a.meeting, user=d)
    services.open_item(item=first, actor=a.staff)
    before = _items(a.meeting)
    staff = _client(a.staff)
    frozen = _err("item_frozen", "“Budget” has already been opened: it can no longer be changed.")
    for response in (staff.patch(f"{API}/{a.meeting.slug}/items/{first.pk}", {"title": "New"},
                                 content_type="application/json"),
                     staff.post(f"{API}/{a.meeting.slug}/items/{first.pk}/move", {"direction": "down"},
                                content_type="application/json"),
                     staff.delete(f"{API}/{a.meeting.slug}/items/{first.pk}")):
        assert (response.status_code, response.json()) == (409, frozen)
    assert _items(a.meeting) == before


def test_move_and_its_refusals(ga):
    a, first, second = ga
    staff = _client(a.staff)
    url = f"{API}/{a.meeting.slug}/items/{first.pk}/move"
    response = staff.post(url, {"direction": "down"}, content_type="application/json")
    first.refresh_from_db()
    assert (response.status_code, response.json()) == (200, _item_out(first, position=2))
    assert [t for t, *_ in _items(a.meeting)] == ["Report", "Budget"]
    for direction, status, body in (
            ("down", 422, _err("at_the_end", "This item is already last on the agenda.")),
            ("sideways", 422, _err("bad_direction", "Move an item up or down.", "direction"))):
        response = staff.post(url, {"direction": direction}, content_type="application/json")
        assert (response.status_code, response.json()) == (status, body)
    assert [(t, p) for t, p, *_ in _items(a.meeting)] == [("Report", 1), ("Budget", 2)]
    assert second.pk in AgendaItem.objects.values_list("pk", flat=True)


def test_delete_an_item_closes_up_the_positions(ga):
    a, first, _second = ga
    response = _client(a.staff).delete(f"{API}/{a.meeting.slug}/items/{first.pk}")
    assert (response.status_code, response.content) == (204, b"")
    assert _items(a.meeting) == [("Report", 1, "", "majority", "simple")]
    assert AuditEntry.objects.filter(action="assembly.item.deleted").count() == 1


def test_run_off_answers_the_new_item_and_refuses_a_second_time():
    a, item, _election, _closing = _first_round()
    staff = _client(a.staff)
    url = f"{API}/{a.meeting.slug}/items/{item.pk}/run-off"
    response = staff.post(url)
    run_off = AgendaItem.objects.get(title="Second round: Board election")
    assert (response.status_code, response.json()) == (201, _item_out(run_off))
    assert (run_off.position, run_off.status, run_off.kind) == (2, "pending", "election")
    count = AgendaItem.objects.count()
    response = staff.post(url)
    assert (response.status_code, response.json(), AgendaItem.objects.count()) == (
        409, _err("run_off_exists", "The second round of this election is already on the agenda."), count)


def test_run_off_of_an_item_that_is_not_a_tallied_election(ga):
    a, first, _second = ga
    response = _client(a.staff).post(f"{API}/{a.meeting.slug}/items/{first.pk}/run-off")
    assert (response.status_code, response.json(), AgendaItem.objects.filter(meeting=a.meeting).count()) == (
        409, _err("not_tallied", "Only a tallied election can have a second round."), 2)


# ------------- documents


def _doc_out(doc) -> dict:
    return {"id": doc.pk, "title": doc.title, "item": doc.item_id, "visibility": doc.visibility,
            "content_type": doc.content_type, "size": doc.size,
            "url": f"/assembly/{doc.meeting.slug}/documents/{doc.pk}/"}


def test_upload_then_list_by_visibility_then_delete(ga):
    a, first, _second = ga
    staff = _client(a.staff)
    url = f"{API}/{a.meeting.slug}/documents"
    response = staff.post(url, {"title": "Budget annex", "visibility": "members", "item": first.pk,
                                "file": SimpleUploadedFile("annex.pdf", PDF)})
    annex = AgendaAttachment.objects.get()
    assert (response.status_code, response.json()) == (201, _doc_out(annex))
    assert (annex.item_id, annex.visibility, annex.content_type, annex.size) == (
        first.pk, "members", "application/pdf", len(PDF))
    public = services.add_attachment(meeting=a.meeting, title="Agenda", upload=SimpleUploadedFile("a.pdf", PDF),
                                     visibility="public", actor=a.staff)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    for client, expected in ((staff, [public, annex]), (_client(a.delegates[1]), [public, annex]),
                             (_client(UserFactory()), [public]), (_client(), [public])):
        response = client.get(url)
        assert (response.status_code, response.json()) == (200, [_doc_out(d) for d in expected])
    response = staff.delete(f"{url}/{annex.pk}")
    assert (response.status_code, list(AgendaAttachment.objects.all())) == (204, [public])
    response = staff.delete(f"{url}/{annex.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_documents_of_a_draft_meeting_are_hidden_from_the_public(ga):
    a, _first, _second = ga
    response = _client().get(f"{API}/{a.meeting.slug}/documents")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize(("data", "status", "body"), [
    ({"title": " ", "visibility": "public"}, 422, _err("title_missing", "Give the document a title.", "title")),
    ({"title": "T", "visibility": "secret"}, 422,
     _err("bad_visibility", "Choose who may see the document.", "visibility")),
    ({"title": "T", "visibility": "public", "item": 999999}, 404,
     _err("item_not_found", "This item is not on this meeting's agenda.")),
    ({"title": "T", "visibility": "public", "content": b"<html>"}, 422,
     _err("attachment_wrong_type", "Only PDF, ODT, DOCX, XLSX, PNG and JPEG files are accepted.", "file")),
])
def test_upload_bad_input_stores_nothing(ga, data, status, body):
    a, _first, _second = ga
    data = {**data, "file": SimpleUploadedFile("f.pdf", data.pop("content", PDF))}
    response = _client(a.staff).post(f"{API}/{a.meeting.slug}/documents", data)
    assert (response.status_code, response.json(), AgendaAttachment.objects.count()) == (status, body, 0)


def test_upload_without_a_file_is_a_validation_error(ga):
    a, _first, _second = ga
    response = _client(a.staff).post(f"{API}/{a.meeting.slug}/documents", {"title": "T", "visibility": "public"})
    assert (response.status_code, response.json()["error"]["code"], AgendaAttachment.objects.count()) == (
        422, "validation_failed", 0)


# ------------- minutes


def _closed(a):
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    services.close_meeting(meeting=a.meeting, actor=a.staff)


def test_minutes_draft_approve_reopen(ga):
    a, _first, _second = ga
    a.staff.display_name = "Secretary General"
    a.staff.save()
    _closed(a)
    staff, public = _client(a.staff), _client()
    url = f"{API}/{a.meeting.slug}/minutes"
    response = staff.put(url, {"text": "The meeting opened.\r\n"}, content_type="application/json")
    draft = {"status": "draft", "text": "", "approved_at": None, "approved_by": None, "draft": "The meeting opened."}
    assert (response.status_code, response.json()) == (200, draft)
    assert public.get(url).json() == {**draft, "draft": None}
    response = staff.post(f"{url}/approve")
    meeting = Meeting.objects.get(pk=a.meeting.pk)
    approved = {"status": "approved", "text": "The meeting opened.",
                "approved_at": meeting.minutes_approved_at.isoformat(), "approved_by": "Secretary General"}
    assert (response.status_code, response.json()) == (200, {**approved, "draft": "The meeting opened."})
    response = public.get(url)
    assert (response.status_code, response.json()) == (200, {**approved, "draft": None})
    response = staff.put(url, {"text": "Changed"}, content_type="application/json")
    assert (response.status_code, response.json()) == (
        409, _err("minutes_approved", "The minutes are approved: reopen them to change them."))
    response = staff.post(f"{url}/approve")
    assert (response.status_code, response.json()) == (
        409, _err("minutes_approved", "The minutes are already approved."))
    response = staff.post(f"{url}/reopen")
    assert (response.status_code, response.json()) == (200, draft)
    response = staff.post(f"{url}/reopen")
    assert (response.status_code, response.json()) == (
        409, _err("minutes_not_approved", "The minutes are not approved."))
    assert Meeting.objects.values_list("minutes", "minutes_status").get(pk=a.meeting.pk) == (
        "The meeting opened.", "draft")


def test_minutes_approval_needs_a_closed_meeting_and_text(ga):
    a, _first, _second = ga
    staff = _client(a.staff)
    url = f"{API}/{a.meeting.slug}/minutes"
    staff.put(url, {"text": "Draft"}, content_type="application/json")
    response = staff.post(f"{url}/approve")
    assert (response.status_code, response.json()) == (
        409, _err("meeting_not_closed", "Minutes are approved once the meeting is closed."))
    _closed(a)
    staff.put(url, {"text": "  "}, content_type="application/json")
    response = staff.post(f"{url}/approve")
    assert (response.status_code, response.json()) == (
        422, _err("minutes_empty", "Write the minutes before approving them.", "text"))
    assert Meeting.objects.values_list("minutes", "minutes_status").get(pk=a.meeting.pk) == ("", "draft")


def test_minutes_bad_body_is_a_validation_error(ga):
    a, _first, _second = ga
    response = _client(a.staff).put(f"{API}/{a.meeting.slug}/minutes", {"text": 5}, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_failed")
    assert Meeting.objects.get(pk=a.meeting.pk).minutes == ""


def test_minutes_of_a_draft_meeting_are_hidden_from_the_public_shown_to_staff(ga):
    a, _first, _second = ga
    url = f"{API}/{a.meeting.slug}/minutes"
    assert (_client().get(url).status_code, _client(a.staff).get(url).status_code) == (404, 200)


def test_too_long_or_nul_text_is_a_validation_error_and_changes_nothing(ga):
    a, first, _second = ga
    staff = _client(a.staff)
    before = _items(a.meeting)
    for payload in ({"title": "x" * 201}, {"title": "Bud\x00get"}):
        response = staff.patch(f"{API}/{a.meeting.slug}/items/{first.pk}", payload, content_type="application/json")
        assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_failed")
    response = staff.put(f"{API}/{a.meeting.slug}/minutes", {"text": "a\x00b"}, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_failed")
    response = staff.post(f"{API}/{a.meeting.slug}/documents", {"title": "a\x00b", "visibility": "public",
                                                               "file": SimpleUploadedFile("f.pdf", PDF)})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_failed")
    assert (_items(a.meeting), Meeting.objects.get(pk=a.meeting.pk).minutes, AgendaAttachment.objects.count()) == (
        before, "", 0)


def test_a_staff_api_token_works_without_a_session_and_a_delegates_token_is_refused(ga):
    from urbis.api.services import create_api_token

    a, first, _second = ga
    url = f"{API}/{a.meeting.slug}/items/{first.pk}"
    _token, delegate_secret = create_api_token(user=a.delegates[0], name="script", actor=a.delegates[0])
    response = Client().patch(url, {"title": "Hacked"}, content_type="application/json",
                              headers={"Authorization": f"Bearer {delegate_secret}"})
    assert (response.status_code, response.json(), AgendaItem.objects.get(pk=first.pk).title) == (
        403, NOT_STAFF, "Budget")
    _token, secret = create_api_token(user=a.staff, name="script", actor=a.staff)
    response = Client(enforce_csrf_checks=True).patch(url, {"title": "Budget 2027"}, content_type="application/json",
                                                      headers={"Authorization": f"Bearer {secret}"})
    first.refresh_from_db()
    assert (response.status_code, response.json()) == (200, _item_out(first, title="Budget 2027"))


def test_the_documents_list_query_count_does_not_grow(ga):
    from tests.helpers import count_queries

    a, first, second = ga
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    delegate = _client(a.delegates[0])
    url = f"{API}/{a.meeting.slug}/documents"

    def add(n):
        for i in range(n):
            services.add_attachment(meeting=a.meeting, title=f"Doc {i}", upload=SimpleUploadedFile("d.pdf", PDF),
                                    visibility=("public", "members")[i % 2], item=(None, first, second)[i % 3],
                                    actor=a.staff)

    add(2)
    few, response = count_queries(delegate.get, url)
    assert (response.status_code, len(response.json())) == (200, 2)
    add(9)
    many, response = count_queries(delegate.get, url)
    assert (response.status_code, len(response.json()), many) == (200, 11, few)
