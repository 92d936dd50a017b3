"""The demo's General Assembly documents: members' own proxies, the action plan and reports, approved minutes."""

import hashlib

import pytest
from django.core.files.storage import default_storage

from tests.demo.conftest import _built
from urbis.assembly.documents import minutes_pdf, minutes_story, story_text
from urbis.assembly.models import AgendaAttachment, Meeting, Proxy
from urbis.core.models import AuditEntry
from urbis.demo import assembly_documents

pytestmark = pytest.mark.django_db
STEPS = ["urbis.demo.members", "urbis.demo.programme", "urbis.demo.assembly", "urbis.demo.assembly_documents"]


@pytest.fixture(scope="module")
def documented(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test.utils import override_settings

    media = str(tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        for _ctx in _built(STEPS):
            _analyze()
            yield media


def _analyze() -> None:
    """On PostgreSQL, refresh the planner's statistics: autovacuum may have analyzed these tables while
    earlier tests left them empty, and a plan made for empty tables joins the demo's rows as a cartesian
    product (minutes instead of milliseconds). ANALYZE counts this transaction's own rows."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def test_proxies_of_the_demo_assembly_were_appointed_by_the_members_delegates(documented):
    meeting = Meeting.objects.get(slug="general-assembly-2021")
    proxies = list(Proxy.objects.filter(meeting=meeting))
    entries = list(AuditEntry.objects.filter(action="assembly.proxy.appointed", object_id=str(meeting.pk))
                   .select_related("actor"))
    delegate_of = dict(meeting.electorate.values_list("member_id", "delegate_id"))
    assert len(proxies) > 0
    assert sorted((e.data["grantor"], e.actor_id) for e in entries) == sorted(
        (p.grantor_id, delegate_of[p.grantor_id]) for p in proxies)
    assert {e.actor.is_staff for e in entries} == {False}


def test_demo_assembly_has_its_documents_and_approved_minutes(documented, settings):
    settings.MEDIA_ROOT = documented
    meeting = Meeting.objects.get(slug="general-assembly-2021")
    docs = sorted((a.title, a.item.kind if a.item else None, a.visibility, a.content_type)
                  for a in AgendaAttachment.objects.filter(meeting=meeting).select_related("item"))
    assert docs == [
        ("Annual Report 2020", None, "public", "application/pdf"),
        ("Auditor's Report on the Accounts 2020", None, "members", "application/pdf"),
        ("Strategic Action Plan 2021–2023", "motion", "public", "application/pdf"),
    ]
    plan = AgendaAttachment.objects.get(meeting=meeting, item__kind="motion")
    with default_storage.open(plan.file.name) as f:
        stored = f.read()
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(assembly_documents._action_plan()).hexdigest()
    assert (meeting.minutes_status, meeting.minutes_approved_by.is_staff,
            meeting.minutes_approved_at.date().isoformat()) == ("approved", True, "2021-11-24")
    assert meeting.minutes.startswith("# Opening\n\nThe President opened the General Assembly 2021 with ")
    text = " ".join(story_text(minutes_story(meeting)))
    assert [p for p in ("Strategic Action Plan 2021–2023", "Annual Report 2020", "Approved by") if p not in text] == []
    assert minutes_pdf(meeting)[:5] == b"%PDF-"


def test_demo_documents_are_made_the_same_every_time():
    assert assembly_documents._action_plan() == assembly_documents._action_plan()
    assert assembly_documents._auditor_report() == assembly_documents._auditor_report()
