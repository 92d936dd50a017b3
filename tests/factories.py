"""factory_boy factories shared by every app's tests."""

import datetime as dt

import factory
from django.utils import timezone

from urbis.accounts.models import User
from urbis.members.enums import MembershipStatus, OrganisationKind
from urbis.members.models import Organisation, Person
from urbis.program.models import Edition, Part, Room, Session, Stream


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    kind = OrganisationKind.MEMBER_GOVERNMENT
    country = "ES"
    city = factory.Sequence(lambda n: f"City {n}")
    region = "europe"
    time_zone = "Europe/Madrid"
    population = 1_500_000
    membership_status = MembershipStatus.ACTIVE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Ana{n}")
    last_name = factory.Sequence(lambda n: f"García{n}")
    slug = factory.Sequence(lambda n: f"ana-garcia-{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    country = "ES"
    languages = ["es", "en"]


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    slug = factory.Sequence(lambda n: f"congress-{n}")
    name = factory.Sequence(lambda n: f"World Congress {n}")
    starts_on = dt.date(2021, 11, 8)
    ends_on = dt.date(2021, 11, 13)
    time_zone = "Asia/Shanghai"
    venue_city = "Guangzhou"
    venue_country = "CN"


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    edition = factory.SubFactory(EditionFactory)
    slug = factory.Sequence(lambda n: f"part-{n}")
    name = factory.Sequence(lambda n: f"Part {n}")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 200


class StreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stream

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Stream {n}")
    platform = "Zoom"
    url = factory.Sequence(lambda n: f"https://meet.example.org/stream-{n}")


class SessionFactory(factory.django.DjangoModelFactory):
    """A draft session (version is null) on the edition's first day, 10:00–11:00 edition time."""

    class Meta:
        model = Session

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"S{n:04d}")
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(dt.datetime.combine(o.edition.starts_on, dt.time(10, 0)), o.edition.zone))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    languages = ["en"]
