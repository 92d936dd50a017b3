"""`urbis demo`: migrate, build the demo edition once, make sure the demo accounts exist, serve."""

import time
from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from urbis.demo.builder import build_demo
from urbis.demo.members import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD_FILE,
    DEMO_USERS,
    USERS_PASSWORD_FILE,
    ensure_demo_users,
    secret_in_data_dir,
)
from urbis.demo.programme import EDITION_SLUG, SESSIONS


def demo_is_built() -> bool:
    from urbis.program.models import Edition

    return Edition.objects.filter(slug=EDITION_SLUG).exists()


def built_scale() -> int:
    from urbis.program.models import Edition, Session

    edition = Edition.objects.get(slug=EDITION_SLUG)
    return max(1, round(Session.objects.filter(edition=edition, version__isnull=True).count() / SESSIONS))


def database_has_data() -> bool:
    from urbis.members.models import Organisation, Person
    from urbis.program.models import Edition

    return Organisation.objects.exists() or Person.objects.exists() or Edition.objects.exists()


def wipe_database() -> None:
    """Empty every table, then put the fixed reference data (SDGs, themes) back as the migration does."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Inside a transaction (tests), rows written earlier still have deferred foreign-key checks
        # pending, and PostgreSQL refuses to TRUNCATE such tables; run the checks now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    loader = import_module("urbis.core.migrations.0002_load_taxonomies")
    with transaction.atomic():
        loader.load(apps, None)


class Command(BaseCommand):
    help = "Prepare the demo edition (13th World Congress, Guangzhou 2021) and serve it on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Prepare the data only; do not start the server.")
        parser.add_argument("--scale", type=int, default=1,
                            help="Multiply people and sessions (1 = the reference congress, about 150 sessions).")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--reset", action="store_true", help="Wipe the database and build the demo again.")

    def handle(self, *args, no_serve, scale, port, workers, reset, **options):
        if scale < 1:
            raise CommandError(_("--scale must be 1 or more."))
        call_command("migrate", interactive=False, verbosity=0)
        if reset:
            self.stdout.write(_("Wiping the database…"))
            wipe_database()
        if demo_is_built():
            existing = built_scale()
            self.stdout.write(_("The demo edition is already built (scale %(scale)d).") % {"scale": existing})
            if existing != scale:
                self.stdout.write(_("To build it at scale %(scale)d instead, add --reset.") % {"scale": scale})
        elif database_has_data():
            raise CommandError(_("This database already holds data that is not the demo edition; "
                                 "run `urbis demo --reset` to wipe it, or point URBIS_DATA_DIR at a new folder."))
        else:
            self.stdout.write(_("Building the demo edition at scale %(scale)d…") % {"scale": scale})
            began = time.perf_counter()
            build_demo(scale=scale, stdout=self.stdout)
            self.stdout.write(_("Built in %(seconds).1f s.") % {"seconds": time.perf_counter() - began})
        admin_password = secret_in_data_dir(ADMIN_PASSWORD_FILE)
        users_password = secret_in_data_dir(USERS_PASSWORD_FILE)
        ensure_demo_users()
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write("")
        self.stdout.write(_("Admin login: %(email)s / %(password)s") % {"email": ADMIN_EMAIL, "password": admin_password})
        self.stdout.write(_("Demo users (password %(password)s): %(emails)s")
                          % {"password": users_password, "emails": ", ".join(email for email, _r, _n in DEMO_USERS)})
        self.stdout.write(_("Site: %(url)s — staff pages at %(url)sstaff/") % {"url": url})
        if no_serve:
            return
        self.stdout.flush()
        call_command("serve", port=port, workers=workers)
