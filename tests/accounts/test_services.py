import pytest

from tests.factories import UserFactory
from urbis.accounts.services import update_profile
from urbis.core.errors import ValidationFailed
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_update_profile_saves_and_audits_changed_fields():
    user = UserFactory(display_name="A", time_zone="", language="")
    update_profile(user=user, display_name=" B ", time_zone="America/Bogota", language="es", actor=user)
    user.refresh_from_db()
    assert (user.display_name, user.time_zone, user.language) == ("B", "America/Bogota", "es")
    assert AuditEntry.objects.get().data == {"fields": ["display_name", "language", "time_zone"]}


def test_update_profile_without_changes_writes_no_audit():
    user = UserFactory(display_name="A", time_zone="UTC", language="fr")
    update_profile(user=user, display_name="A", time_zone="UTC", language="fr", actor=user)
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"time_zone": "Atlantis/Capital"}, "unknown_time_zone"),
    ({"language": "tlh"}, "unknown_language"),
])
def test_update_profile_rejects_bad_values(kwargs, code):
    user = UserFactory(display_name="A")
    with pytest.raises(ValidationFailed) as caught:
        update_profile(user=user, **{"display_name": "B", "time_zone": "", "language": "", "actor": user, **kwargs})
    user.refresh_from_db()
    assert (caught.value.code, user.display_name) == (code, "A")
