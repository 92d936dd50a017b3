import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test.utils import override_settings

from tests.factories import OrganisationFactory
from urbis.demo.management.commands import demo as demo_command
from urbis.members.models import Organisation
from urbis.program.models import Edition, Session

from .conftest import FAST_HASHERS

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("demo", *args, stdout=out)
    return out.getvalue()


def _password() -> str:
    return (settings.DATA_DIR / "demo-admin-password").read_text().strip()


# Every step (registration, awards, assembly too) runs in the `demo` fixture of tests/demo/test_assembly.py;
# here the command runs the members and programme steps only, to keep the suite quick.
@pytest.mark.usefixtures("own_steps_only")
def test_demo_no_serve_builds_and_prints_the_admin_login():
    output = _run("--no-serve")
    lines = output.splitlines()
    assert lines[0] == "Building the demo edition at scale 1…"
    # each step's last line ends with its time
    timed = [line for line in lines if re.search(r" \[\d+\.\d s\]$", line)]
    assert [line.split(":")[0] for line in timed] == ["Members", "Programme"]
    assert f"Admin login: admin@urbis.example / {_password()}" in lines
    assert "Site: http://127.0.0.1:8000/ — staff pages at http://127.0.0.1:8000/staff/" in lines
    assert Edition.objects.filter(slug="guangzhou-2021").count() == 1
    assert Session.objects.filter(version__isnull=True).count() == 150


@pytest.mark.usefixtures("own_steps_only")
def test_demo_second_run_keeps_the_data_and_the_password():
    _run("--no-serve")
    first_ids = sorted(Session.objects.values_list("pk", flat=True))
    password = _password()
    output = _run("--no-serve", "--port", "8123")
    assert output.splitlines()[0] == "The demo edition is already built (scale 1)."
    assert f"Admin login: admin@urbis.example / {password}" in output
    assert "Site: http://127.0.0.1:8123/ — staff pages at http://127.0.0.1:8123/staff/" in output
    assert sorted(Session.objects.values_list("pk", flat=True)) == first_ids


@pytest.mark.usefixtures("own_steps_only")
def test_demo_other_scale_without_reset_says_how():
    _run("--no-serve")
    output = _run("--no-serve", "--scale", "2")
    assert output.splitlines()[:2] == ["The demo edition is already built (scale 1).",
                                       "To build it at scale 2 instead, add --reset."]
    assert Session.objects.filter(version__isnull=True).count() == 150


@pytest.fixture
def _fresh_content_types():
    # flush deletes and re-creates content types inside the test's transaction; the rollback brings the
    # old rows back, so the manager's cache must not keep the ids of the re-created ones
    from django.contrib.contenttypes.models import ContentType

    yield
    ContentType.objects.clear_cache()


@pytest.mark.usefixtures("_fresh_content_types", "own_steps_only")
def test_demo_reset_rebuilds():
    _run("--no-serve")
    OrganisationFactory(name="Not in the demo", slug="not-in-the-demo")
    output = _run("--no-serve", "--reset")
    assert output.splitlines()[:2] == ["Wiping the database…", "Building the demo edition at scale 1…"]
    assert Organisation.objects.filter(slug="not-in-the-demo").exists() is False
    assert Session.objects.filter(version__isnull=True).count() == 150
    assert f"Admin login: admin@urbis.example / {_password()}" in output


@pytest.mark.usefixtures("own_steps_only")
def test_demo_refuses_a_database_with_other_data():
    OrganisationFactory(name="Somebody else's city", slug="somebody-else")
    with pytest.raises(CommandError, match="--reset"):
        _run("--no-serve")
    assert Edition.objects.count() == 0
    assert Organisation.objects.count() == 1


@pytest.mark.usefixtures("own_steps_only")
def test_demo_bad_scale_is_refused():
    with pytest.raises(CommandError, match="--scale must be 1 or more"):
        _run("--no-serve", "--scale", "0")
    assert Edition.objects.count() == 0


@pytest.mark.usefixtures("own_steps_only")
def test_demo_without_no_serve_starts_the_production_server(monkeypatch):
    calls = []
    real_call_command = demo_command.call_command

    def record(name, *args, **kwargs):
        if name == "serve":  # the server itself is not started in a test
            calls.append((name, kwargs))
            return None
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", record)
    _run("--port", "8124")
    assert calls == [("serve", {"port": 8124, "workers": 2})]
