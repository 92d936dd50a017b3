import os
import shutil
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the production web server (gunicorn, DEBUG off, static files by WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, workers, port, host, threads, no_collectstatic, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("gunicorn is not installed.")
        env = {**os.environ, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
        cmd = [gunicorn, "config.wsgi:application", "--workers", str(workers), "--threads", str(threads),
               "--bind", f"{host}:{port}", "--access-logfile", "-" if os.environ.get("URBIS_ACCESS_LOG") else "/dev/null",
               "--graceful-timeout", "5"]
        self.stdout.write(f"Urbis is serving on http://{host}:{port}/ ({workers} workers)")
        self.stdout.flush()
        # Become gunicorn, so that a signal to this process (Ctrl-C, a supervisor, a test) reaches the
        # server's master and no worker outlives it.
        os.execve(gunicorn, cmd, env)  # noqa: S606
