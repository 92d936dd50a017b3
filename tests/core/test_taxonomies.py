import pytest

from urbis.core.models import SDG, Theme
from urbis.core.taxonomies import SDGS, region_of_country


@pytest.mark.django_db
def test_sdgs_loaded_with_official_colours():
    assert SDG.objects.count() == 17
    assert SDG.objects.get(number=11).colour == "#FD9D24"
    assert [g.number for g in SDGS] == list(range(1, 18))


@pytest.mark.django_db
def test_themes_loaded():
    assert Theme.objects.filter(kind="outcome_area").count() == 8
    assert list(Theme.objects.filter(kind="aspect").values_list("slug", flat=True)) == [
        "urban-growth", "digitalisation", "citizen-participation", "resilience"]


@pytest.mark.parametrize(("country", "region"), [
    ("CN", "asia-pacific"), ("FR", "europe"), ("BR", "latin-america"), ("MX", "latin-america"),
    ("US", "north-america"), ("ZA", "africa"), ("IR", "middle-east"), ("AU", "asia-pacific"),
])
def test_region_of_country(country, region):
    assert region_of_country(country) == region


def test_region_of_unknown_country_raises():
    with pytest.raises(KeyError):
        region_of_country("XX")
