import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _settle() -> None:
    """Load the URL configuration (and with it every view module) now, then move everything loaded so far
    out of the garbage collector's way: it lives as long as the worker, and a full collection walking it
    took 115–700 ms of a request's time (bench/checkin.py's p99)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports the views
    gc.collect()
    gc.freeze()


_settle()
