"""Factories of registration (shared ones live in tests/factories.py)."""

import factory
from django.utils import timezone

from tests.factories import EditionFactory, OrganisationFactory, UserFactory
from urbis.registration.badges import new_code
from urbis.registration.enums import Category, Mode, Status
from urbis.registration.models import Registration


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "guest@example.org")
    first_name = factory.Sequence(lambda n: f"Lina{n}")
    last_name = factory.Sequence(lambda n: f"Chen{n}")
    category = Category.DELEGATE
    mode = Mode.ON_SITE
    status = Status.APPROVED
    organisation = factory.SubFactory(OrganisationFactory)
    country = "ES"
    consent_at = factory.LazyFunction(timezone.now)
    badge_code = factory.LazyFunction(new_code)
