from django.utils import translation

from urbis.members.countries import country_name, is_valid_country


def test_country_name_in_english_comes_from_iso():
    with translation.override("en"):
        assert [country_name(c) for c in ("ES", "kr", "CN", "")] == ["Spain", "South Korea", "China", ""]


def test_country_name_follows_the_active_language():
    names = {}
    for language in ("fr", "es", "zh-hans"):
        with translation.override(language):
            names[language] = [country_name(c) for c in ("ES", "DE", "CN")]
    assert names == {"fr": ["Espagne", "Allemagne", "Chine"], "es": ["España", "Alemania", "China"],
                     "zh-hans": ["西班牙", "德国", "中国"]}


def test_is_valid_country():
    assert [is_valid_country(c) for c in ("FR", "fr", "XX", "")] == [True, True, False, False]
