"""Shared helpers for tests (import from tests.helpers)."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (runs in the PostgreSQL pass of the suite)",
)


def count_queries(func, *args, **kwargs) -> tuple[int, object]:
    """Run func and return (number of SQL queries it made, its result)."""
    with CaptureQueriesContext(connection) as ctx:
        result = func(*args, **kwargs)
    return len(ctx.captured_queries), result
