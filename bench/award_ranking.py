"""The ranking page of the demo's screening round (264 submissions, 11 reviewers, k = 3, 792 reviews),
before and after the rank intervals moved to a background task.

Builds the members and award steps of the demo in a throwaway SQLite database, logs in as staff and
times GET /awards/staff/rounds/<id>/ranking/ with Django's test client (the whole view and template,
no network), median of several requests:

- before: the intervals bootstrapped in the request with the obvious per-resample loop (100 resamples,
  what the page did until now);
- after, first view of a new review state with the immediate task backend (the task runs in the request,
  all resamples at once);
- after, first view of a new review state with a real worker (the task is only queued: the page shows
  "intervals being computed…");
- after, intervals ready (the usual case);

and, unless --before is empty, the same page in the code as it was before this change (commit ec89b91:
intervals in the request, model instances for 4,000 scores, per-row translations), exported with
`git archive` into a temporary folder and timed the same way in a subprocess.

Run: .venv/bin/python bench/award_ranking.py [--repeat 9] [--before ec89b91]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--before", default="ec89b91", help="commit of the old page; empty to skip")
    args = parser.parse_args()
    if args.before:
        _time_old_page(args.before, args.repeat)
    data_dir = tempfile.mkdtemp(prefix="urbis-bench-ranking-")
    os.environ.update(URBIS_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="config.settings", URBIS_TASKS="immediate")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from unittest import mock

    import numpy as np
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from urbis.accounts.models import User
    from urbis.awards import normalisation, services, tasks
    from urbis.awards.models import RankIntervals, Review, Round
    from urbis.demo import awards as award_step
    from urbis.demo import members as member_step
    from urbis.demo.builder import DemoContext

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        ctx = DemoContext(seed=2021)
        member_step.build(ctx)
        award_step.build(ctx)
    print(f"demo members + award built in {time.perf_counter() - started:.1f} s")
    round = Round.objects.get(cycle=ctx.data["award_cycle"], position=1)
    reviews = Review.objects.filter(assignment__round=round, status="submitted").count()
    staff = User.objects.create_user(email="bench-staff@example.org", password=None, is_staff=True)
    client = Client()
    client.force_login(staff)
    url = f"/awards/staff/rounds/{round.pk}/ranking/"
    client.get(url)  # warm imports and templates

    def timed(prepare) -> tuple[float, int, bytes]:
        times, queries, body = [], 0, b""
        for _ in range(args.repeat):
            prepare()
            with CaptureQueriesContext(connection) as ctx_q:
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
            assert response.status_code == 200, response.status_code
            queries, body = len(ctx_q.captured_queries), response.content
        return statistics.median(times), queries, body

    def forget():
        RankIntervals.objects.filter(round=round).delete()

    def slow_bootstrap(obs, n_s, n_r, method, *, samples=200, seed=0, level=0.9):
        picks = normalisation.bootstrap_picks(obs, n_s, samples=samples, seed=seed)
        return normalisation._central(normalisation.reference_sample_ranks(obs, n_s, n_r, method, picks), level)

    n_subs = len(services.round_record(round)["ranking"])
    print(f"screening round: {n_subs} ranked submissions, {reviews} submitted reviews, method {round.method}, "
          f"{services.RANK_INTERVAL_SAMPLES} resamples; median of {args.repeat} requests\n")
    rows = []
    with mock.patch.object(normalisation, "bootstrap_rank_intervals", slow_bootstrap):
        rows.append(("before: intervals bootstrapped in the request (per-resample loop)", *timed(forget)[:2]))
    after_cold = timed(forget)
    rows.append(("after, new review state, immediate backend (task runs in the request)", *after_cold[:2]))
    with mock.patch.object(tasks, "task_compute_rank_intervals", SimpleNamespace(enqueue=lambda **kw: None)):
        queued = timed(forget)
    assert b"Rank intervals being computed" in queued[2]
    rows.append(("after, new review state, worker backend (task queued, page says so)", *queued[:2]))
    forget()
    services.request_rank_intervals(round=round)
    warm = timed(lambda: None)
    assert b"Rank intervals being computed" not in warm[2]
    rows.append(("after, intervals ready", *warm[:2]))
    width = max(len(r[0]) for r in rows)
    for label, seconds, queries in rows:
        print(f"{label:<{width}}  {seconds * 1000:7.0f} ms  {queries:3d} queries")

    record = services.round_record(round)
    started = time.perf_counter()
    services.compute_ranking(record)
    exact = time.perf_counter() - started
    obs_args = _obs(record, services, normalisation)
    started = time.perf_counter()
    fast = normalisation.bootstrap_rank_intervals(*obs_args, round.method, samples=services.RANK_INTERVAL_SAMPLES)
    fast_s = time.perf_counter() - started
    started = time.perf_counter()
    slow = slow_bootstrap(*obs_args, round.method, samples=services.RANK_INTERVAL_SAMPLES)
    slow_s = time.perf_counter() - started
    print(f"\nexact ranking (3 methods): {exact * 1000:.0f} ms; bootstrap alone: all resamples at once "
          f"{fast_s * 1000:.0f} ms, per-resample loop {slow_s * 1000:.0f} ms; same intervals: {fast == slow}")
    assert np.array_equal(np.array(fast), np.array(slow))


OLD_PAGE = """
import os, statistics, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
os.environ.update(URBIS_DATA_DIR=tempfile.mkdtemp(), DJANGO_SETTINGS_MODULE="config.settings", URBIS_TASKS="immediate")
os.environ.pop("DATABASE_URL", None)
import django
django.setup()
import urbis
assert urbis.__file__.startswith(sys.argv[1]), urbis.__file__
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from urbis.accounts.models import User
from urbis.awards.models import Round
from urbis.demo import awards as award_step, members as member_step
from urbis.demo.builder import DemoContext
call_command("migrate", verbosity=0)
with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
    ctx = DemoContext(seed=2021)
    member_step.build(ctx)
    award_step.build(ctx)
round = Round.objects.get(cycle=ctx.data["award_cycle"], position=1)
client = Client()
client.force_login(User.objects.create_user(email="s@example.org", password=None, is_staff=True))
url = f"/awards/staff/rounds/{round.pk}/ranking/"
client.get(url)
times = []
for _ in range(int(sys.argv[2])):
    with CaptureQueriesContext(connection) as q:
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append(time.perf_counter() - started)
print(f"{statistics.median(times) * 1000:.0f} {len(q.captured_queries)}")
"""


def _time_old_page(commit: str, repeat: int) -> None:
    import shutil
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tree = tempfile.mkdtemp(prefix="urbis-bench-old-")
    try:
        archive = subprocess.run(["git", "-C", root, "archive", commit], capture_output=True, check=True)  # noqa: S607
        subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)  # noqa: S607
        out = subprocess.run([sys.executable, "-c", OLD_PAGE, tree, str(repeat)], cwd=tree, capture_output=True,
                             text=True, check=True, env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"})
        ms, queries = out.stdout.split()[-2:]
        print(f"code before the change (commit {commit}), intervals in the request: {ms} ms, {queries} queries "
              f"(median of {repeat})")
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"(the old page at {commit} could not be timed: {exc})")
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def _obs(record, services, normalisation):
    from urbis.awards.models import Criterion

    criteria = [Criterion(pk=c["id"], weight=c["weight"], scale_min=c["min"], scale_max=c["max"])
                for c in record["criteria"]]
    subs = sorted({s for s, _m in record["assignments"]} | {r["submission"] for r in record["reviews"]})
    members = sorted({m for _s, m in record["assignments"]} | {r["member"] for r in record["reviews"]})
    s_index = {s: i for i, s in enumerate(subs)}
    m_index = {m: j for j, m in enumerate(members)}
    obs = [(s_index[r["submission"]], m_index[r["member"]],
            services.weighted_total(criteria, {int(k): v for k, v in r["scores"].items()})) for r in record["reviews"]]
    return obs, len(subs), len(members)


if __name__ == "__main__":
    main()
