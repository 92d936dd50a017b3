"""Builders of import files for the members tests."""

import tablib


def table_bytes(headers: list[str], rows: list[list], fmt: str = "csv") -> bytes:
    dataset = tablib.Dataset(*rows, headers=headers)
    data = dataset.export(fmt)
    return data.encode("utf-8") if isinstance(data, str) else data


ORG_HEADERS = ["slug", "name", "kind", "country", "city", "population", "region", "time_zone",
               "membership_status", "member_since"]


def org_row(slug: str, **overrides) -> list:
    values = {"slug": slug, "name": slug.title(), "kind": "member_government", "country": "FR", "city": slug.title(),
              "population": "2000000", "region": "", "time_zone": "Europe/Paris", "membership_status": "active",
              "member_since": "1990"}
    values.update(overrides)
    return [values[h] for h in ORG_HEADERS]
