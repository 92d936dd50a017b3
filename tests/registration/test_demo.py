"""The demo step builds the reference figures (deterministically)."""

import pytest
from django.db import transaction

from urbis.demo.builder import DemoContext
from urbis.registration.enums import Mode, Status
from urbis.registration.models import Attendance, Certificate, CheckIn, Registration
from urbis.registration.selectors import checked_in_user_ids
from urbis.registration.stats import dashboard

pytestmark = pytest.mark.django_db


def build(seed=2021):
    from urbis.demo import members, programme, registration

    ctx = DemoContext(seed=seed)
    for step in (members, programme, registration):
        with transaction.atomic():
            step.build(ctx)
    return ctx


def test_demo_registrations_match_the_reference_congress():
    ctx = build()
    edition = ctx.data["edition"]
    totals = dashboard(edition, today=edition.starts_on)["totals"]
    assert (totals["cities"], totals["countries"], totals["international_organisations"]) == (126, 80, 9)
    assert 780 <= totals["active"] <= 850
    on_site = Registration.objects.filter(edition=edition, status=Status.APPROVED, mode=Mode.ON_SITE).count()
    online = Registration.objects.filter(edition=edition, status=Status.APPROVED, mode=Mode.ONLINE).count()
    assert 0.25 <= on_site / (on_site + online) <= 0.45
    # the venue is full: no more approved on site than seats; every check-in belongs to an on-site participant
    assert on_site == edition.registration_settings.onsite_capacity
    assert set(CheckIn.objects.values_list("registration__mode", flat=True).distinct()) == {Mode.ON_SITE}
    assert Attendance.objects.filter(edition=edition, attended=True).count() > 1000
    assert Certificate.objects.filter(registration__edition=edition).count() > 200
    demo_delegate = Registration.objects.get(edition=edition, email="voting@urbis.example")
    assert (demo_delegate.status, demo_delegate.mode) == (Status.APPROVED, Mode.ON_SITE)
    assert demo_delegate.user_id in checked_in_user_ids(edition=edition)
