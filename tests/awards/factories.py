"""Factories and builders for the award's tests."""

import datetime as dt

import factory
from django.utils import timezone

from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from urbis.awards.enums import PanelKind, SubmissionStatus
from urbis.awards.models import Award, Cycle, Panel, PanelMember, Submission
from urbis.core.models import SDG


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    slug = factory.Sequence(lambda n: f"award-{n}")
    name = factory.Sequence(lambda n: f"Award {n}")


def _at(days: int):
    return timezone.now() + dt.timedelta(days=days)


class CycleFactory(factory.django.DjangoModelFactory):
    """A cycle whose call is open now (closes in 10 days) and whose public vote is open too."""

    class Meta:
        model = Cycle

    award = factory.SubFactory(AwardFactory)
    slug = factory.Sequence(lambda n: f"cycle-{n}")
    name = factory.Sequence(lambda n: f"Award cycle {n}")
    year = 2021
    call_opens_at = factory.LazyFunction(lambda: _at(-30))
    call_closes_at = factory.LazyFunction(lambda: _at(10))
    screening_ends_at = factory.LazyFunction(lambda: _at(20))
    shortlisting_ends_at = factory.LazyFunction(lambda: _at(30))
    jury_ends_at = factory.LazyFunction(lambda: _at(40))
    vote_opens_at = factory.LazyFunction(lambda: _at(-1))
    vote_closes_at = factory.LazyFunction(lambda: _at(5))
    announced_at = factory.LazyFunction(lambda: _at(50))
    min_years_running = 1
    eligible_kinds = ["member_government", "local_government"]
    showcase_public = True


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    applicant = factory.SubFactory(OrganisationFactory)
    submitted_by = factory.SubFactory(UserFactory)
    status = SubmissionStatus.SUBMITTED
    title = factory.Sequence(lambda n: f"Initiative {n}")
    city = factory.LazyAttribute(lambda o: o.applicant.city)
    country = factory.LazyAttribute(lambda o: o.applicant.country)
    region = factory.LazyAttribute(lambda o: o.applicant.region)
    contact_name = "Ana"
    contact_email = "ana@example.org"
    summary = "A summary."
    description = "A description."
    start_year = 2015

    @factory.post_generation
    def sdgs(obj, create, extracted, **kwargs):
        if create:
            obj.sdgs.set(SDG.objects.filter(number__in=extracted or [11]))


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Panel

    cycle = factory.SubFactory(CycleFactory)
    kind = PanelKind.TECHNICAL_COMMITTEE
    name = "Technical committee"


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMember

    panel = factory.SubFactory(PanelFactory)
    person = factory.SubFactory(PersonFactory, user=factory.SubFactory(UserFactory), country="FR",
                                organisation=factory.SubFactory(OrganisationFactory, country="FR", city="Lyon",
                                                                region="europe"))
    languages = ["en"]
