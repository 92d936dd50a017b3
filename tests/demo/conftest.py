import pytest
from django.db import transaction
from django.test.utils import override_settings

from urbis.demo.builder import build_demo

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The steps this app's tests check figure by figure; the later steps (registration, awards, assembly)
# are tested by their own apps, and run all together in test_demo_command.
OWN_STEPS = ["urbis.demo.members", "urbis.demo.programme"]


def _built(steps):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        ctx = build_demo(scale=1, seed=2021, steps=steps)
        yield ctx
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo edition (every step) at scale 1, built once per test module and rolled back after it."""
    with django_db_blocker.unblock():
        yield from _built(None)


@pytest.fixture(scope="module")
def own_demo(django_db_setup, django_db_blocker):
    """Only the members and programme steps at scale 1, built once per test module and rolled back after it."""
    with django_db_blocker.unblock():
        yield from _built(OWN_STEPS)


@pytest.fixture
def own_steps_only(monkeypatch):
    """`urbis demo` runs only the members and programme steps (quick), for tests of the command's logic."""
    from urbis.demo import builder

    monkeypatch.setattr(builder, "STEPS", OWN_STEPS)
