import pytest
from django.db import transaction
from django.test.utils import override_settings

from urbis.demo.builder import build_demo

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo edition at scale 1, built once per test module and rolled back after it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        ctx = build_demo(scale=1, seed=2021)
        yield ctx
        transaction.set_rollback(True)
