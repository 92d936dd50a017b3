"""Members appoint, change and revoke their own proxies: services, the meeting page, the API, e-mails."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from tests.assembly.factories import make_assembly
from tests.factories import UserFactory
from tests.helpers import count_queries, requires_postgres
from urbis.assembly import services
from urbis.assembly.models import Proxy
from urbis.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _proxies(a):
    return sorted(Proxy.objects.filter(meeting=a.meeting).values_list("grantor_id", "holder_id"))


def _audit(action):
    return [(e.actor_id, e.data) for e in AuditEntry.objects.filter(action=action).order_by("id")]


def _mails():
    return sorted((m.to[0], m.subject) for m in mail.outbox)


# ---------------------------------------------------------------------------------------------- services


def test_delegate_appoints_own_proxy_audited_as_the_delegate_and_both_sides_mailed(django_capture_on_commit_callbacks):
    a = make_assembly(3)
    grantor, holder = a.members[0], a.members[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.appoint_member_proxy(meeting=a.meeting, grantor=grantor, holder=holder, actor=a.delegates[0])
    assert _proxies(a) == [(grantor.pk, holder.pk)]
    assert _audit("assembly.proxy.appointed") == [(a.delegates[0].pk, {"grantor": grantor.pk, "holder": holder.pk})]
    subject = f"General Assembly: {grantor.name} is represented by {holder.name}"
    assert _mails() == sorted([(a.delegates[0].email, subject), (a.delegates[1].email, subject)])
    holder_mail = next(m for m in mail.outbox if m.to == [a.delegates[1].email])
    assert "A member may hold at most 2 proxies in this meeting." in holder_mail.body


def test_substitute_may_appoint_and_changing_the_holder_tells_the_old_one(django_capture_on_commit_callbacks):
    a = make_assembly(4)
    substitute = UserFactory()
    services.set_seat(meeting=a.meeting, member=a.members[0], delegate=a.delegates[0], substitute=substitute,
                      actor=a.staff)
    services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=substitute)
    with django_capture_on_commit_callbacks(execute=True):
        services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[2],
                                      actor=a.delegates[0])
    assert _proxies(a) == [(a.members[0].pk, a.members[2].pk)]
    assert [actor for actor, _data in _audit("assembly.proxy.appointed")] == [substitute.pk, a.delegates[0].pk]
    g, old, new = a.members[0].name, a.members[1].name, a.members[2].name
    revoked = f"General Assembly: proxy of {g} to {old} revoked"
    appointed = f"General Assembly: {g} is represented by {new}"
    assert _mails() == sorted([
        (a.delegates[0].email, revoked), (substitute.email, revoked), (a.delegates[1].email, revoked),
        (a.delegates[0].email, appointed), (substitute.email, appointed), (a.delegates[2].email, appointed)])


def test_a_proxy_recorded_by_staff_is_mailed_too_and_a_repeat_sends_nothing(django_capture_on_commit_callbacks):
    a = make_assembly(3)
    with django_capture_on_commit_callbacks(execute=True):
        services.appoint_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=a.staff)
    subject = f"General Assembly: {a.members[0].name} is represented by {a.members[1].name}"
    assert _mails() == sorted([(a.delegates[0].email, subject), (a.delegates[1].email, subject)])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1],
                                      actor=a.delegates[0])
    assert (mail.outbox, _proxies(a)) == ([], [(a.members[0].pk, a.members[1].pk)])


def test_delegate_revokes_own_proxy_audited_and_mailed(django_capture_on_commit_callbacks):
    a = make_assembly(3)
    services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=a.delegates[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_member_proxy(meeting=a.meeting, grantor=a.members[0], actor=a.delegates[0])
    assert _proxies(a) == []
    assert _audit("assembly.proxy.revoked") == [(a.delegates[0].pk, {"grantor": a.members[0].pk,
                                                                     "holder": a.members[1].pk})]
    subject = f"General Assembly: proxy of {a.members[0].name} to {a.members[1].name} revoked"
    assert _mails() == sorted([(a.delegates[0].email, subject), (a.delegates[1].email, subject)])


def test_another_members_delegate_cannot_appoint_or_revoke(django_capture_on_commit_callbacks):
    a = make_assembly(3)
    services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=a.delegates[0])
    before = _proxies(a)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(PermissionDenied) as exc:
            services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[2],
                                          actor=a.delegates[1])
        assert exc.value.code == "not_member_delegate"
        with pytest.raises(PermissionDenied) as exc:
            services.revoke_member_proxy(meeting=a.meeting, grantor=a.members[0], actor=a.delegates[2])
        assert exc.value.code == "not_member_delegate"
        with pytest.raises(PermissionDenied):
            services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[2], holder=a.members[1],
                                          actor=UserFactory())
    assert (_proxies(a), mail.outbox) == (before, [])


def test_member_proxies_follow_the_rules_of_appoint_proxy():
    a = make_assembly(4, proxy_cap=1)
    services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[1], holder=a.members[0], actor=a.delegates[1])
    before = _proxies(a)
    cases = [
        (dict(grantor=a.members[2], holder=a.members[0], actor=a.delegates[2]), Conflict, "proxy_cap"),
        (dict(grantor=a.members[0], holder=a.members[3], actor=a.delegates[0]), ValidationFailed, "proxy_chain"),
        (dict(grantor=a.members[3], holder=a.members[3], actor=a.delegates[3]), ValidationFailed, "proxy_to_self"),
    ]
    for kwargs, error, code in cases:
        with pytest.raises(error) as exc:
            services.appoint_member_proxy(meeting=a.meeting, **kwargs)
        assert exc.value.code == code
    assert _proxies(a) == before


def test_revoking_a_proxy_that_was_never_given_is_not_found():
    a = make_assembly(2)
    with pytest.raises(NotFound) as exc:
        services.revoke_member_proxy(meeting=a.meeting, grantor=a.members[0], actor=a.delegates[0])
    assert exc.value.code == "no_proxy"
    assert _audit("assembly.proxy.revoked") == []


def test_after_opening_proxies_are_frozen_and_the_attempts_audited(django_capture_on_commit_callbacks):
    a = make_assembly(3)
    services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=a.delegates[0])
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    before = _proxies(a)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Conflict) as exc:
            services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[2],
                                          actor=a.delegates[0])
        assert exc.value.code == "electorate_frozen"
        with pytest.raises(Conflict) as exc:
            services.revoke_member_proxy(meeting=a.meeting, grantor=a.members[0], actor=a.delegates[0])
        assert exc.value.code == "electorate_frozen"
        with pytest.raises(Conflict):
            services.revoke_proxy(meeting=a.meeting, grantor=a.members[0], actor=a.staff)
    assert (_proxies(a), mail.outbox) == (before, [])
    assert _audit("assembly.electorate.edit_refused") == [
        (a.delegates[0].pk, {"service": "appoint_member_proxy", "grantor": a.members[0].pk, "holder": a.members[2].pk}),
        (a.delegates[0].pk, {"service": "revoke_member_proxy", "grantor": a.members[0].pk}),
        (a.staff.pk, {"service": "revoke_proxy", "grantor": a.members[0].pk}),
    ]


# ---------------------------------------------------------------------------------------------- pages


def test_draft_meeting_page_is_open_to_its_delegates_only(client):
    a = make_assembly(2)
    url = reverse("assembly:meeting", args=[a.meeting.slug])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(a.delegates[0])
    r = client.get(url)
    assert (r.status_code, [s.seat.member for s in r.context["own_seats"]]) == (200, [a.members[0]])


def test_delegate_appoints_on_the_page_and_sees_who_represents_the_member(client):
    a = make_assembly(3)
    client.force_login(a.delegates[0])
    r = client.post(reverse("assembly:member_proxy", args=[a.meeting.slug]),
                    {"action": "appoint", "grantor": a.members[0].pk, "holder": a.members[1].pk}, follow=True)
    assert [str(m) for m in r.context["messages"]] == [f"{a.members[0]} is now represented by {a.members[1]}."]
    assert _proxies(a) == [(a.members[0].pk, a.members[1].pk)]
    text = r.content.decode()
    assert (f"{a.members[0]} is represented by {a.members[1]} (its delegate {a.delegates[1]})." in text) is True
    client.force_login(a.delegates[1])
    r = client.get(reverse("assembly:meeting", args=[a.meeting.slug]))
    (own,) = r.context["own_seats"]
    assert ([row.grantor for row in own.held], own.given) == ([a.members[0]], None)
    assert (f"{a.members[1]} holds the proxy of one member (at most 2):" in r.content.decode()) is True


def test_page_refuses_a_delegate_acting_for_another_member_and_outsiders(client):
    a = make_assembly(3)
    url = reverse("assembly:member_proxy", args=[a.meeting.slug])
    client.force_login(UserFactory())
    assert client.post(url, {"grantor": a.members[0].pk, "holder": a.members[1].pk}).status_code == 404
    client.force_login(a.delegates[2])
    r = client.post(url, {"grantor": a.members[0].pk, "holder": a.members[1].pk}, follow=True)
    assert [str(m) for m in r.context["messages"]] == [
        f"Only the voting delegate or substitute of {a.members[0]} can do this."]
    r = client.post(url, {"grantor": a.members[2].pk, "holder": "x"}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["Choose a member of the electorate to represent yours."]
    assert _proxies(a) == []


def test_delegate_revokes_on_the_page(client):
    a = make_assembly(3)
    services.appoint_member_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=a.delegates[0])
    client.force_login(a.delegates[0])
    r = client.post(reverse("assembly:member_proxy", args=[a.meeting.slug]),
                    {"action": "revoke", "grantor": a.members[0].pk}, follow=True)
    assert ([str(m) for m in r.context["messages"]], _proxies(a)) == (
        [f"The proxy of {a.members[0]} is revoked."], [])


def test_staff_revoke_allowed_for_staff_denied_for_delegates(client):
    a = make_assembly(3)
    services.appoint_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=a.staff)
    url = reverse("assembly:staff_proxy_revoke", args=[a.meeting.slug])
    client.force_login(a.delegates[0])
    assert client.post(url, {"grantor": a.members[0].pk}).status_code == 403
    assert _proxies(a) == [(a.members[0].pk, a.members[1].pk)]
    client.force_login(a.staff)
    assert client.post(url, {"grantor": a.members[0].pk}).status_code == 302
    assert (_proxies(a), [actor for actor, _ in _audit("assembly.proxy.revoked")]) == ([], [a.staff.pk])


def test_meeting_page_queries_do_not_grow_with_proxies(client):
    def page_queries(n):
        a = make_assembly(2 * n, proxy_cap=n, slug=f"q{n}")
        for i in range(1, n):
            services.appoint_proxy(meeting=a.meeting, grantor=a.members[i], holder=a.members[0], actor=a.staff)
        client.force_login(a.delegates[0])
        url = reverse("assembly:meeting", args=[a.meeting.slug])
        client.get(url)
        queries, r = count_queries(client.get, url)
        assert (r.status_code, len(r.context["proxy_rows"])) == (200, n - 1)
        return queries

    assert page_queries(3) == page_queries(9)


# ---------------------------------------------------------------------------------------------- API


def _api(a):
    return f"/api/v1/assembly/meetings/{a.meeting.slug}/proxies"


def test_api_lists_proxies_publicly_once_open_and_to_delegates_before(client):
    a = make_assembly(3)
    services.appoint_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=a.staff)
    assert client.get(_api(a)).status_code == 404
    expected = {"cap": 2, "frozen": False, "proxies": [{
        "grantor": {"id": a.members[0].pk, "name": a.members[0].name},
        "holder": {"id": a.members[1].pk, "name": a.members[1].name}, "holder_delegate": str(a.delegates[1])}]}
    client.force_login(a.delegates[2])
    assert (client.get(_api(a)).status_code, client.get(_api(a)).json()) == (200, expected)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    client.logout()
    assert client.get(_api(a)).json() == {**expected, "frozen": True}


def test_api_appoint_allowed_for_the_members_delegate_denied_otherwise(client):
    a = make_assembly(3, proxy_cap=1)
    body = json.dumps({"grantor": a.members[0].pk, "holder": a.members[1].pk})
    assert client.post(_api(a), body, content_type="application/json").status_code == 401
    client.force_login(a.delegates[2])
    r = client.post(_api(a), body, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"], _proxies(a)) == (403, "not_member_delegate", [])
    client.force_login(a.delegates[0])
    r = client.post(_api(a), body, content_type="application/json")
    assert (r.status_code, r.json()) == (201, {
        "grantor": {"id": a.members[0].pk, "name": a.members[0].name},
        "holder": {"id": a.members[1].pk, "name": a.members[1].name}, "holder_delegate": str(a.delegates[1])})
    client.force_login(a.delegates[2])
    r = client.post(_api(a), json.dumps({"grantor": a.members[2].pk, "holder": a.members[1].pk}),
                    content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "proxy_cap")
    r = client.post(_api(a), json.dumps({"grantor": a.members[2].pk, "holder": 999999}),
                    content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["field"]) == (422, "not_in_electorate",
                                                                                     "holder")
    r = client.post(_api(a), "{", content_type="application/json")
    assert r.status_code in (400, 422)
    assert _proxies(a) == [(a.members[0].pk, a.members[1].pk)]


def test_api_revoke_and_staff_may_act_for_any_member(client):
    a = make_assembly(3)
    client.force_login(a.staff)
    r = client.post(_api(a), json.dumps({"grantor": a.members[2].pk, "holder": a.members[0].pk}),
                    content_type="application/json")
    assert (r.status_code, _proxies(a)) == (201, [(a.members[2].pk, a.members[0].pk)])
    client.force_login(a.delegates[0])
    r = client.delete(f"{_api(a)}?grantor={a.members[2].pk}")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_member_delegate")
    client.force_login(a.delegates[2])
    assert client.delete(f"{_api(a)}?grantor={a.members[2].pk}").status_code == 204
    r = client.delete(f"{_api(a)}?grantor={a.members[2].pk}")
    assert (r.status_code, r.json()["error"]["code"], _proxies(a)) == (404, "no_proxy", [])
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    r = client.post(_api(a), json.dumps({"grantor": a.members[2].pk, "holder": a.members[0].pk}),
                    content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"], _proxies(a)) == (409, "electorate_frozen", [])


# ---------------------------------------------------------------------------------------------- races


def _race_grantors_to_one_holder(a, monkeypatch=None):
    """Every member but the first gives its proxy to the first, all at once, each from its own connection."""
    import threading

    from django.db import connections

    grantors = list(zip(a.members[1:], a.delegates[1:], strict=True))
    barrier = threading.Barrier(len(grantors))
    if monkeypatch is not None:
        # the control: the meeting row is read without its lock, and every client reads before any writes
        from urbis.assembly.models import Meeting

        gate = threading.Barrier(len(grantors), timeout=20)

        def unlocked(meeting):
            row = Meeting.objects.get(pk=meeting.pk)
            gate.wait()
            return row

        monkeypatch.setattr(services, "_lock_meeting", unlocked)
    outcomes = []

    def work(grantor, delegate):
        try:
            barrier.wait()
            services.appoint_member_proxy(meeting=a.meeting, grantor=grantor, holder=a.members[0], actor=delegate)
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the test counts every kind of failure
            outcomes.append(getattr(exc, "code", type(exc).__name__))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=pair) for pair in grantors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_grantors_never_exceed_the_holders_cap():
    a = make_assembly(9, proxy_cap=2, slug="race")
    outcomes = _race_grantors_to_one_holder(a)
    assert outcomes == sorted(["ok"] * 2 + ["proxy_cap"] * 6)
    assert Proxy.objects.filter(meeting=a.meeting, holder=a.members[0]).count() == 2
    assert len(_audit("assembly.proxy.appointed")) == 2


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_meeting_lock_the_cap_is_exceeded(monkeypatch):
    a = make_assembly(9, proxy_cap=2, slug="race-control")
    outcomes = _race_grantors_to_one_holder(a, monkeypatch)
    held = Proxy.objects.filter(meeting=a.meeting, holder=a.members[0]).count()
    assert (held > 2, outcomes.count("ok") == held) == (True, True)
