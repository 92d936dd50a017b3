"""Settings come from environment variables only: each deployment shape loads."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'tasks': s.TASKS['default']['BACKEND'], "
    "'cache': s.CACHES['default']['BACKEND'], 'files': s.STORAGES['default']['BACKEND'], 'debug': s.DEBUG}))"
)


def load_settings(tmp_path, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "URBIS_TASKS")}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings",
                                 "URBIS_DATA_DIR": str(tmp_path), **env})
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default(tmp_path):
    assert load_settings(tmp_path) == {
        "engine": "django.db.backends.sqlite3", "tasks": "django_tasks.backends.immediate.ImmediateBackend",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "files": "django.core.files.storage.FileSystemStorage", "debug": False}


@pytest.mark.parametrize(("tasks", "backend"), [("database", "django_tasks_db.DatabaseBackend"),
                                                ("celery", "django_tasks_fennel.CeleryBackend")])
def test_at_scale(tmp_path, tasks, backend):
    assert load_settings(tmp_path, DATABASE_URL="postgres://u:p@db.internal:5432/urbis",
                         REDIS_URL="redis://cache.internal:6379/0", URBIS_TASKS=tasks,
                         AWS_STORAGE_BUCKET_NAME="urbis-files") == {
        "engine": "django.db.backends.postgresql", "tasks": backend,
        "cache": "django.core.cache.backends.redis.RedisCache", "files": "storages.backends.s3.S3Storage",
        "debug": False}
