"""Staff edit the agenda: change, delete and move pending items; opened items are refused (and audited)."""

import pytest
from django.urls import reverse

from tests.assembly.factories import make_assembly
from tests.helpers import count_queries
from urbis.assembly import services
from urbis.assembly.models import AgendaItem
from urbis.core.errors import Conflict, ValidationFailed
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _agenda(a):
    return list(AgendaItem.objects.filter(meeting=a.meeting).order_by("position").values_list("position", "title"))


def _with_items(titles=("Report", "Plan", "Budget", "Board")):
    a = make_assembly(3)
    items = [services.add_item(meeting=a.meeting, kind="motion", title=t, actor=a.staff) for t in titles]
    return a, items


def _open_first(a, items):
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    for d in a.delegates:
        services.record_heartbeat(meeting=a.meeting, user=d)
    services.open_item(item=items[0], actor=a.staff)


def test_update_item_changes_title_text_and_rules_audited():
    a, items = _with_items()
    services.update_item(item=items[1], title="  Strategic plan ", body="The assembly adopts it.",
                         quorum_rule="two_thirds", majority_rule="two_thirds", actor=a.staff)
    item = AgendaItem.objects.get(pk=items[1].pk)
    assert (item.title, item.body, item.quorum_rule, item.majority_rule) == (
        "Strategic plan", "The assembly adopts it.", "two_thirds", "two_thirds")
    entry = AuditEntry.objects.get(action="assembly.item.updated")
    assert (entry.actor, entry.data) == (a.staff, {"changed": ["body", "majority_rule", "quorum_rule", "title"]})


def test_update_item_refuses_bad_input_and_changes_nothing():
    a, items = _with_items()
    for kwargs, code in [(dict(title=" "), "title_missing"), (dict(quorum_rule="most"), "unknown_rule"),
                         (dict(majority_rule="loud"), "unknown_rule")]:
        values = {"title": "New", "body": "", "quorum_rule": "majority", "majority_rule": "simple", **kwargs}
        with pytest.raises(ValidationFailed) as exc:
            services.update_item(item=items[0], actor=a.staff, **values)
        assert exc.value.code == code
    assert _agenda(a) == [(1, "Report"), (2, "Plan"), (3, "Budget"), (4, "Board")]


def test_opened_items_cannot_be_edited_deleted_or_moved_and_attempts_are_audited():
    a, items = _with_items()
    _open_first(a, items)
    before = _agenda(a)
    calls = [
        ("update_item", lambda: services.update_item(item=items[0], title="X", body="", quorum_rule="majority",
                                                     majority_rule="simple", actor=a.staff)),
        ("delete_item", lambda: services.delete_item(item=items[0], actor=a.staff)),
        ("move_item", lambda: services.move_item(item=items[0], direction="down", actor=a.staff)),
        ("move_item", lambda: services.move_item(item=items[1], direction="up", actor=a.staff)),  # past an opened one
    ]
    for _name, call in calls:
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.code == "item_frozen"
    assert _agenda(a) == before
    refusals = [(e.object_id, e.actor_id, e.data) for e in AuditEntry.objects.filter(action="assembly.item.edit_refused")
                .order_by("id")]
    assert refusals == [
        (str(items[0].pk), a.staff.pk, {"service": "update_item", "status": "open"}),
        (str(items[0].pk), a.staff.pk, {"service": "delete_item", "status": "open"}),
        (str(items[0].pk), a.staff.pk, {"service": "move_item", "status": "open"}),
        (str(items[1].pk), a.staff.pk, {"service": "move_item", "status": "pending"}),
    ]


def test_delete_item_closes_up_the_positions_audited():
    a, items = _with_items()
    services.delete_item(item=items[1], actor=a.staff)
    assert _agenda(a) == [(1, "Report"), (2, "Budget"), (3, "Board")]
    entry = AuditEntry.objects.get(action="assembly.item.deleted")
    assert (entry.actor, entry.data) == (a.staff, {"item": items[1].pk, "title": "Plan", "position": 2,
                                                   "attachments": 0})
    services.add_item(meeting=a.meeting, kind="report", title="Late report", actor=a.staff)
    assert _agenda(a)[-1] == (4, "Late report")


def test_delete_item_refuses_an_election_already_set_up():
    a = make_assembly(2)
    item = services.add_item(meeting=a.meeting, kind="election", title="Board", actor=a.staff)
    from tests.factories import UserFactory

    services.create_election(item=item, questions=[{"id": "q", "choices": ["a", "b"], "max": 1}],
                             trustees=[UserFactory(), UserFactory()], threshold=1, actor=a.staff)
    with pytest.raises(Conflict) as exc:
        services.delete_item(item=item, actor=a.staff)
    assert (exc.value.code, _agenda(a)) == ("election_set_up", [(1, "Board")])


def test_move_item_swaps_neighbours_and_keeps_positions_dense():
    a, items = _with_items()
    services.move_item(item=items[2], direction="up", actor=a.staff)
    assert _agenda(a) == [(1, "Report"), (2, "Budget"), (3, "Plan"), (4, "Board")]
    services.move_item(item=items[0], direction="down", actor=a.staff)
    assert _agenda(a) == [(1, "Budget"), (2, "Report"), (3, "Plan"), (4, "Board")]
    assert [e.data for e in AuditEntry.objects.filter(action="assembly.item.moved").order_by("id")] == [
        {"from": 3, "to": 2}, {"from": 1, "to": 2}]
    for item, direction in [(items[2], "up"), (items[3], "down")]:
        with pytest.raises(ValidationFailed) as exc:
            services.move_item(item=item, direction=direction, actor=a.staff)
        assert exc.value.code == "at_the_end"
    services.move_item(item=items[1], direction="up", actor=a.staff)
    services.move_item(item=items[1], direction="up", actor=a.staff)
    with pytest.raises(ValidationFailed) as exc:
        services.move_item(item=items[1], direction="sideways", actor=a.staff)
    assert exc.value.code == "bad_direction"
    assert _agenda(a) == [(1, "Plan"), (2, "Budget"), (3, "Report"), (4, "Board")]


def test_agenda_of_a_closed_meeting_is_frozen():
    a, items = _with_items(("Report", "Plan"))
    _open_first(a, items)
    services.close_item(item=items[0], actor=a.staff)
    services.close_meeting(meeting=a.meeting, actor=a.staff)
    with pytest.raises(Conflict) as exc:
        services.delete_item(item=items[1], actor=a.staff)
    assert (exc.value.code, _agenda(a)) == ("item_frozen", [(1, "Report"), (2, "Plan")])


# ---------------------------------------------------------------------------------------------- pages


def test_edit_page_allowed_for_staff_denied_for_delegates(client):
    a, items = _with_items()
    url = reverse("assembly:staff_item_edit", args=[a.meeting.slug, items[0].pk])
    client.force_login(a.delegates[0])
    assert (client.get(url).status_code, client.post(url, {"title": "X"}).status_code) == (403, 403)
    client.force_login(a.staff)
    assert client.get(url).status_code == 200
    r = client.post(url, {"title": "Annual report", "body": "Text", "quorum_rule": "none",
                          "majority_rule": "simple"})
    assert (r.status_code, r["Location"]) == (302, reverse("assembly:staff_meeting", args=[a.meeting.slug]))
    assert _agenda(a)[0] == (1, "Annual report")


def test_edit_page_shows_the_refusal_for_an_opened_item(client):
    a, items = _with_items()
    _open_first(a, items)
    client.force_login(a.staff)
    r = client.post(reverse("assembly:staff_item_edit", args=[a.meeting.slug, items[0].pk]),
                    {"title": "Changed", "body": "", "quorum_rule": "majority", "majority_rule": "simple"})
    assert (r.status_code, [str(m) for m in r.context["messages"]]) == (
        200, ["“Report” has already been opened: it can no longer be changed."])
    r = client.post(reverse("assembly:staff_item_edit", args=[a.meeting.slug, items[1].pk]), {"title": ""})
    assert (r.status_code, _agenda(a)[0]) == (422, (1, "Report"))


def test_item_actions_allowed_for_staff_denied_for_delegates(client):
    a, items = _with_items()
    up = reverse("assembly:staff_item_action", args=[a.meeting.slug, items[1].pk, "up"])
    delete = reverse("assembly:staff_item_action", args=[a.meeting.slug, items[3].pk, "delete"])
    client.force_login(a.delegates[0])
    assert (client.post(up).status_code, client.post(delete).status_code) == (403, 403)
    client.force_login(a.staff)
    assert client.post(up).status_code == 302
    r = client.post(delete, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["“Board” is removed from the agenda."]
    assert _agenda(a) == [(1, "Plan"), (2, "Report"), (3, "Budget")]
    assert client.post(reverse("assembly:staff_item_action", args=[a.meeting.slug, items[0].pk, "fly"])).status_code \
        == 404


def test_staff_meeting_page_queries_do_not_grow_with_the_agenda(client):
    def page_queries(n):
        a = make_assembly(2, slug=f"agenda{n}")
        for i in range(n):
            services.add_item(meeting=a.meeting, kind="motion", title=f"Item {i}", actor=a.staff)
        client.force_login(a.staff)
        url = reverse("assembly:staff_meeting", args=[a.meeting.slug])
        client.get(url)
        queries, r = count_queries(client.get, url)
        assert (r.status_code, len(r.context["items"])) == (200, n)
        return queries

    assert page_queries(2) == page_queries(8)
