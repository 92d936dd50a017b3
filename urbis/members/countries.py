from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language, to_locale


@lru_cache(maxsize=512)
def _english_country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper())
    return getattr(country, "common_name", None) or (country.name if country else code)


@lru_cache(maxsize=2048)
def _local_country_name(code: str, locale: str) -> str:
    try:
        return Locale.parse(locale).territories.get(code.upper(), "")
    except (UnknownLocaleError, ValueError):
        return ""


def country_name(code: str) -> str:
    """The country's name in the active language (CLDR names through Babel); English names come
    from ISO 3166 (pycountry's common names)."""
    if not code:
        return ""
    language = get_language() or "en"
    if not language.lower().startswith("en"):
        local = _local_country_name(code.upper(), to_locale(language))
        if local:
            return local
    return _english_country_name(code)


def is_valid_country(code: str) -> bool:
    return bool(code) and pycountry.countries.get(alpha_2=code.upper()) is not None


def country_choices() -> list[tuple[str, str]]:
    return sorted(((c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries),
                  key=lambda pair: pair[1])
