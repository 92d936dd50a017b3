"""Benchmark of the secret election.

1. Cast: N voting delegates (140, and 1,000 for headroom) each POST their encrypted ballot at the same time
   to the production server (`urbis serve`, gunicorn, DEBUG off) through the JSON API; every ballot is
   checked by the server (signature, credential, every proof) before it is stored. Prints p50/p99 cast
   latency and the time for all of them (target: within 30 s). The ballots are encrypted beforehand, as
   each delegate's browser would; that work is not on the server.
2. Close → verified result: closing the item (homomorphic sum), two trustees' partial decryptions with
   proofs, the combination, then the full verifier on the published record (its ballots checked on every
   core, verifier/parallel.py) — for 140 ballots (target < 2 s); wall time and CPU time (this process and
   its worker processes) are reported apart, and the verification once more on one core for reference.
3. Verifier throughput: 0/1 proofs verified per second on one core, against the same disjunctive
   Chaum–Pedersen proof in 4096-bit modular groups, in the same run, measured in interleaved slices
   (target ≥ 25×): RFC 3526 group 16 with Python ints and with GMP, and the strongest baseline — a 4096-bit
   prime with a 256-bit prime-order subgroup (short exponents, as Helios does) with GMP. Both sides make
   the same membership checks on the ciphertext (libsodium's decoding on the curve; x^q = 1 mod p).
4. Plaintext tally of 1,000,000 approval ballots with numpy (target < 2 s).

    .venv/bin/python bench/election.py [--voters 140,1000] [--databases sqlite]

Stops by itself and only talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import secrets
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registration import (  # noqa: E402
    CSRF,
    PYTHON,
    child_env,
    headers_for,
    machine,
    percentile_ms,
    run,
    session_cookies,
    start_server,
    stop_server,
)

QUESTIONS_PER_REGION = 6  # one question per world region, 4 candidates, up to 2 seats
UNUSABLE = "!"  # noqa: S105 - an unusable password hash: nobody logs in as these users


# ---------------------------------------------------------------------------------- child modes


def prepare(voters: int, out: str, questions_count: int = QUESTIONS_PER_REGION) -> None:
    """Child: a meeting of `voters` members with delegates (sessions), an open election; write what clients need."""
    import datetime as dt

    import django

    django.setup()
    from django.utils import timezone

    from urbis.accounts.models import User
    from urbis.assembly import services
    from urbis.assembly.models import ElectorateMember, Heartbeat
    from urbis.assembly.verifier.ballots import new_code, public_credential
    from urbis.members.models import Organisation
    from urbis.program.models import Edition

    staff = User.objects.create(email="staff@bench.example", is_staff=True, password=UNUSABLE)
    edition = Edition.objects.create(slug="bench", name="Bench", starts_on=dt.date(2030, 5, 6),
                                     ends_on=dt.date(2030, 5, 9), time_zone="UTC", venue_city="X")
    meeting = services.create_meeting(edition=edition, kind="general_assembly", title="Bench GA", slug="bench-ga",
                                      actor=staff)
    members = Organisation.objects.bulk_create([Organisation(
        name=f"City {i:04d}", slug=f"city-{i}", kind="member_government", membership_status="active",
        region="europe") for i in range(voters)])
    keys = session_cookies(voters, "delegate")
    delegates = list(User.objects.filter(email__startswith="delegate").order_by("pk"))
    ElectorateMember.objects.bulk_create([ElectorateMember(meeting=meeting, member=m, delegate=d)
                                          for m, d in zip(members, delegates, strict=True)])
    from urbis.accounts.enums import Role
    from urbis.accounts.models import RoleGrant

    RoleGrant.objects.bulk_create([RoleGrant(user=d, role=Role.VOTING_DELEGATE) for d in delegates])
    item = services.add_item(meeting=meeting, kind="election", title="Board", actor=staff)
    questions = [{"id": f"region{r}", "title": f"Region {r}", "choices": ["A", "B", "C", "D"], "min": 0, "max": 2}
                 for r in range(questions_count)]
    trustees = [User.objects.create(email=f"trustee{i}@bench.example", password=UNUSABLE) for i in range(3)]
    election = services.create_election(item=item, questions=questions, trustees=trustees, threshold=2, actor=staff)
    from urbis.demo.assembly import run_key_ceremony

    trustee_keys = run_key_ceremony(election)  # the trustees' dealerless key ceremony, with the offline tool
    election.refresh_from_db()
    registrar = User.objects.create(email="registrar@bench.example", password=UNUSABLE)
    services.appoint_registrar(user=registrar, actor=staff)
    codes = [new_code() for _ in members]
    eid = str(election.public_id)
    services.publish_credentials(election=election, actor=registrar,
                                 credentials=[(public_credential(eid, c), 1) for c in codes])
    services.open_meeting(meeting=meeting, actor=staff)
    Heartbeat.objects.bulk_create([Heartbeat(meeting=meeting, user=d, last_seen=timezone.now() + dt.timedelta(hours=1))
                                   for d in delegates])
    services.open_item(item=item, actor=staff)
    Path(out).write_text(json.dumps({"keys": keys, "members": [m.pk for m in members], "codes": codes,
                                     "election": {"id": eid, "public_key": election.public_key,
                                                  "questions": questions}, "trustee_keys": trustee_keys,
                                     "item": item.pk}))


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the verifier's worker processes)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def tally(info_file: str, out: str) -> None:
    """Child: close → two partial decryptions → result → full verification, timed (wall and CPU)."""
    import os

    import django

    django.setup()
    from urbis.accounts.models import User
    from urbis.assembly import services
    from urbis.assembly.models import AgendaItem, Election
    from urbis.assembly.selectors import election_record
    from urbis.assembly.verifier import parallel, verify_record
    from urbis.demo.assembly import trustee_decrypts

    info = json.loads(Path(info_file).read_text())
    item = AgendaItem.objects.get(pk=info["item"])
    staff = User.objects.get(email="staff@bench.example")
    cpu0, began = _cpu_seconds(), time.perf_counter()
    services.close_item(item=item, actor=staff)
    cpu1, closed = _cpu_seconds(), time.perf_counter()
    election = Election.objects.get(item=item)
    for t in election.trustees.filter(index__in=[1, 3]).select_related("user").order_by("index"):
        trustee_decrypts(Election.objects.get(pk=election.pk), t, info["trustee_keys"][str(t.index)])
    cpu2, decrypted = _cpu_seconds(), time.perf_counter()
    record = election_record(Election.objects.get(pk=election.pk))
    workers = parallel.available_workers()
    report = verify_record(record)
    cpu3, verified = _cpu_seconds(), time.perf_counter()
    os.environ["URBIS_VERIFIER_WORKERS"] = "1"  # the same verification on one core, for reference
    serial = verify_record(record)
    cpu4, serial_done = _cpu_seconds(), time.perf_counter()
    assert serial == report
    Path(out).write_text(json.dumps({
        "close": closed - began, "decrypt": decrypted - closed, "verify": verified - decrypted,
        "total": verified - began, "cpu": {"close": cpu1 - cpu0, "decrypt": cpu2 - cpu1, "verify": cpu3 - cpu2,
                                           "total": cpu3 - cpu0, "serial_verify": cpu4 - cpu3},
        "serial_verify": serial_done - verified, "workers": workers, "ok": report.ok,
        "errors": report.errors[:3], "ballots": report.ballots, "proofs": report.proofs}))


# ---------------------------------------------------------------------------------- parent


def make_ballots(info: dict) -> list[bytes]:
    from urbis.assembly.verifier import make_ballot
    from urbis.assembly.verifier.ballots import Question

    election = info["election"]
    qs = [Question.from_json(q) for q in election["questions"]]
    bodies = []
    for i, (member, code) in enumerate(zip(info["members"], info["codes"], strict=True)):
        selections = [[(i + j + r) % 3 == 0 and 1 or 0 for j in range(4)] for r in range(len(qs))]
        selections = [s if sum(s) <= 2 else [1, 1, 0, 0] for s in selections]
        ballot = make_ballot(election_id=election["id"], public_key=bytes.fromhex(election["public_key"]),
                             questions=qs, selections=selections, code=code)
        bodies.append(json.dumps({"member": member, "ballot": ballot}).encode())
    return bodies


def cast_all(base: str, info: dict, bodies: list[bytes], clients: int) -> dict:
    port = int(base.rsplit(":", 1)[1])
    path = f"/api/v1/assembly/elections/{info['election']['id']}/ballots"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    work = list(zip(info["keys"], bodies, strict=True))

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        own, seen = [], {}
        barrier.wait()
        for key, body in work[index::clients]:
            began = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers_for(key))
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            own.append(time.perf_counter() - began)
            seen[status] = seen.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(own)
            for s, n in seen.items():
                statuses[s] = statuses.get(s, 0) + n

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"elapsed": elapsed, "statuses": statuses, "p50": percentile_ms(latencies, 50),
            "p99": percentile_ms(latencies, 99)}


def bench_cast(voters: int, kind: str, questions: int = QUESTIONS_PER_REGION) -> list[str]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"urbis-bench-election-{kind}-"))
    pg_folder = server = None
    bin_dir = ""
    try:
        url = ""
        if kind == "postgres":
            from tests.pgserver import find_bin_dir, start

            bin_dir = find_bin_dir()
            pg_folder, pg_port = start(bin_dir)
            url = f"postgres://postgres@127.0.0.1:{pg_port}/postgres"
        env = child_env(data_dir, url)
        run([PYTHON, "-m", "urbis.cli", "migrate", "-v0"], env=env, timeout=600)
        info_file = data_dir / "info.json"
        run([PYTHON, __file__, "--prepare", str(info_file), "--voters", str(voters), "--questions",
             str(questions)], env=env, timeout=900)
        info = json.loads(info_file.read_text())
        t0 = time.perf_counter()
        bodies = make_ballots(info)
        encrypt_ms = (time.perf_counter() - t0) / voters * 1000
        server, base = start_server(env)
        result = cast_all(base, info, bodies, clients=min(voters, 100))
        stop_server(server)
        server = None
        tally_file = data_dir / "tally.json"
        run([PYTHON, __file__, "--tally", str(info_file), "--out", str(tally_file)], env=env, timeout=900)
        t = json.loads(tally_file.read_text())
        lines = [
            f"{kind:<8} cast: {voters} delegates, {min(voters, 100)} at once, all in {result['elapsed']:.1f} s; "
            f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms; statuses {result['statuses']} "
            f"(ballot of {questions} question(s) × 4 choices; encryption in the client "
            f"{encrypt_ms:.0f} ms per ballot)",
            f"{kind:<8} close → verified result for {t['ballots']} ballots: wall {t['total']:.2f} s (close "
            f"{t['close']:.2f}, 2 trustees {t['decrypt']:.2f}, verify {t['verify']:.2f} for {t['proofs']} proofs on "
            f"{t['workers']} core(s)); CPU {t['cpu']['total']:.2f} s (close {t['cpu']['close']:.2f}, trustees "
            f"{t['cpu']['decrypt']:.2f}, verify {t['cpu']['verify']:.2f}); verification on one core: wall "
            f"{t['serial_verify']:.2f} s, CPU {t['cpu']['serial_verify']:.2f} s; "
            f"verified {'OK' if t['ok'] else 'FAILED ' + str(t['errors'])}",
        ]
        for line in lines:
            print(line, flush=True)
        return lines
    finally:
        stop_server(server)
        if pg_folder:
            from tests.pgserver import stop

            stop(bin_dir, pg_folder)
        shutil.rmtree(data_dir, ignore_errors=True)


# ------------------------------------------------------------------- 4096-bit modular comparison

# RFC 3526, group 16 (4096-bit MODP); g = 2 generates the subgroup of order q = (p − 1) / 2.
P4096 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A92108011A723C12A787E6D7"
    "88719A10BDBA5B2699C327186AF4E23C1A946834B6150BDA2583E9CA2AD44CE8DBBBC2DB04DE8EF92E8EFC141FBECAA6"
    "287C59474E6BC05D99B2964FA090C3A2233BA186515BE7ED1F612970CEE2D7AFB81BDD762170481CD0069127D5B05AA9"
    "93B4EA988D8FDDC186FFB7DC90A6C08F4DF435C934063199FFFFFFFFFFFFFFFF", 16)
Q4096 = (P4096 - 1) // 2
G4096 = 2


def _h_mod(q, *parts) -> int:
    import hashlib

    h = hashlib.sha512(b"urbis-election-v2")
    for part in parts:
        data = str(part).encode()
        h.update(len(data).to_bytes(4, "big") + data)
    return int.from_bytes(h.digest(), "big") % q


def mod_prove01(grp, alpha, beta, r, m, h, ctx: str):
    p, q, g = grp
    k = secrets.randbelow(int(q) - 1) + 1
    pairs, commits = {}, {}
    for w in (0, 1):
        if w == m:
            commits[w] = (pow(g, k, p), pow(h, k, p))
        else:
            c, s = secrets.randbelow(int(q) - 1) + 1, secrets.randbelow(int(q) - 1) + 1
            pairs[w] = (c, s)
            bw = beta * pow(pow(g, w, p), -1, p) % p
            commits[w] = (pow(g, s, p) * pow(alpha, -c, p) % p, pow(h, s, p) * pow(bw, -c, p) % p)
    c = _h_mod(q, ctx, h, alpha, beta, *commits[0], *commits[1])
    cm = (c - sum(pc for pc, _ in pairs.values())) % q
    pairs[m] = (cm, (k + cm * r) % q)
    return [pairs[0], pairs[1]]


def mod_verify01(grp, alpha, beta, proof, h, ctx: str) -> bool:
    p, q, g = grp
    # the same checks as libsodium makes on the curve side: both elements are in the prime-order subgroup
    if not (0 < alpha < p and 0 < beta < p and pow(alpha, q, p) == 1 and pow(beta, q, p) == 1):
        return False
    commits = []
    for w, (c, s) in zip((0, 1), proof, strict=True):
        bw = beta * pow(pow(g, w, p), -1, p) % p
        commits += [pow(g, s, p) * pow(alpha, -c, p) % p, pow(h, s, p) * pow(bw, -c, p) % p]
    return _h_mod(q, ctx, h, alpha, beta, *commits) == sum(c for c, _ in proof) % q


def _schnorr_group(gmpy2):
    """A 4096-bit p with a 256-bit prime-order subgroup (p = k·q + 1), found with GMP's primality test."""
    rng = secrets.SystemRandom()
    q = gmpy2.next_prime(gmpy2.mpz(rng.getrandbits(256)) | (1 << 255))
    while True:
        k = gmpy2.mpz(rng.getrandbits(3840) | (1 << 3839)) * 2
        p = k * q + 1
        if p.bit_length() == 4096 and gmpy2.is_prime(p, 25):
            break
    g = pow(gmpy2.mpz(2), k, p)
    assert g != 1 and pow(g, q, p) == 1
    return p, q, g


def _mod_case(grp):
    p, q, g = grp
    x = secrets.randbelow(int(q) - 1) + 1
    hm = pow(g, x, p)
    proofs = []
    for i in range(4):
        r = secrets.randbelow(int(q) - 1) + 1
        alpha, beta = pow(g, r, p), pow(g, i % 2, p) * pow(hm, r, p) % p
        proofs.append((alpha, beta, mod_prove01(grp, alpha, beta, r, i % 2, hm, f"ctx{i}"), f"ctx{i}"))
    assert not mod_verify01(grp, proofs[0][0], proofs[0][1], proofs[1][2], hm, "ctx0")  # sound too
    state = {"n": 0}

    def one() -> None:
        alpha, beta, proof, ctx = proofs[state["n"] % len(proofs)]
        assert mod_verify01(grp, alpha, beta, proof, hm, ctx)
        state["n"] += 1

    return one


def _ec_case():
    from urbis.assembly.verifier.group import base, random_scalar
    from urbis.assembly.verifier.proofs import encrypt, prove_range, verify_range

    h = base(random_scalar())
    cases = []
    for i in range(64):
        ct, r = encrypt(i % 2, h)
        cases.append((ct, prove_range(ct, r, i % 2, 0, 1, h, ("choice", "e", "q", i, "c")), i))
    state = {"n": 0}

    def one() -> None:
        ct, proof, i = cases[state["n"] % len(cases)]
        assert verify_range(ct, proof, 0, 1, h, ("choice", "e", "q", i, "c"))
        state["n"] += 1

    return one


def bench_proofs(seconds: float = 6.0) -> list[str]:
    """Proofs/s of each implementation, measured in interleaved slices so that a busy machine slows them alike."""
    cases = {"ristretto255 (libsodium, through rbcl)": _ec_case(), "4096-bit safe-prime group, Python int pow": _mod_case(
        (P4096, Q4096, G4096))}
    lines = []
    try:
        import gmpy2

        cases["4096-bit safe-prime group, GMP (gmpy2)"] = _mod_case(
            (gmpy2.mpz(P4096), gmpy2.mpz(Q4096), gmpy2.mpz(G4096)))
        cases["4096-bit group with a 256-bit subgroup (short exponents, as Helios), GMP (gmpy2)"] = _mod_case(
            _schnorr_group(gmpy2))
    except ImportError:
        lines.append("(gmpy2 not installed: no GMP comparison)")
    spent = dict.fromkeys(cases, 0.0)
    done = dict.fromkeys(cases, 0)
    slices = 12
    for _ in range(slices):
        for label, one in cases.items():
            began = time.perf_counter()
            while True:
                one()
                done[label] += 1
                if time.perf_counter() - began >= seconds / slices / len(cases):
                    break
            spent[label] += time.perf_counter() - began
    rates = {label: done[label] / spent[label] for label in cases}
    ec_label = next(iter(cases))
    lines.append(f"verifier: {rates[ec_label]:.0f} 0/1 proofs/s on one core, {ec_label}")
    for label, rate in list(rates.items())[1:]:
        lines.append(f"verifier: {rate:.2f} proofs/s, {label} — the curve is {rates[ec_label] / rate:.0f}× faster")
    for line in lines:
        print(line, flush=True)
    return lines


def bench_calls(calls: int = 3000) -> list[str]:
    """Microseconds per libsodium call: PyNaCl's edwards25519 (0004) against rbcl's ristretto255 (0005)."""
    import os
    import timeit

    import rbcl
    from nacl import bindings as nb

    from urbis.assembly.verifier import group

    es = nb.crypto_core_ed25519_scalar_reduce(os.urandom(64))
    ep = nb.crypto_scalarmult_ed25519_base_noclamp(es)
    rs, rp = rbcl.crypto_core_ristretto255_scalar_random(), rbcl.crypto_core_ristretto255_random()
    gs, gp = group.random_scalar(), group.base(group.random_scalar())
    cases = {
        "PyNaCl crypto_scalarmult_ed25519_noclamp (re-checks the subgroup)": lambda: nb.crypto_scalarmult_ed25519_noclamp(
            es, ep),
        "PyNaCl crypto_scalarmult_ed25519_base_noclamp": lambda: nb.crypto_scalarmult_ed25519_base_noclamp(es),
        "PyNaCl crypto_core_ed25519_is_valid_point": lambda: nb.crypto_core_ed25519_is_valid_point(ep),
        "PyNaCl crypto_core_ed25519_add": lambda: nb.crypto_core_ed25519_add(ep, ep),
        "rbcl crypto_scalarmult_ristretto255": lambda: rbcl.crypto_scalarmult_ristretto255(rs, rp),
        "rbcl crypto_scalarmult_ristretto255_base": lambda: rbcl.crypto_scalarmult_ristretto255_base(rs),
        "rbcl crypto_core_ristretto255_is_valid_point": lambda: rbcl.crypto_core_ristretto255_is_valid_point(rp),
        "rbcl crypto_core_ristretto255_add": lambda: rbcl.crypto_core_ristretto255_add(rp, rp),
        "group.mul (Urbis, ctypes on rbcl's libsodium)": lambda: group.mul(gs, gp),
        "group.base": lambda: group.base(gs),
        "group.add": lambda: group.add(gp, group.G),
    }
    lines = [f"call: {min(timeit.repeat(f, number=calls, repeat=5)) / calls * 1e6:5.1f} µs  {label}"
             for label, f in cases.items()]
    for line in lines:
        print(line, flush=True)
    return lines


def bench_plaintext(ballots: int = 1_000_000, choices: int = 24) -> list[str]:
    import numpy as np

    rng = np.random.default_rng(2021)
    matrix = rng.random((ballots, choices), dtype=np.float32) < 0.3   # approval ballots, ~30% approved
    began = time.perf_counter()
    totals = matrix.sum(axis=0, dtype=np.int64)
    elapsed = time.perf_counter() - began
    assert int(totals.sum()) == int(np.count_nonzero(matrix))
    line = f"plaintext tally: {ballots:,} approval ballots × {choices} choices in {elapsed * 1000:.0f} ms (numpy)"
    print(line, flush=True)
    return [line]


def main() -> None:
    parser = argparse.ArgumentParser(description="Secret election benchmark.")
    parser.add_argument("--voters", default="140,1000")
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--tally", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--questions", type=int, default=QUESTIONS_PER_REGION,
                        help="questions per ballot (6: Board by region; 1: presidency)")
    parser.add_argument("--skip-server", action="store_true")
    parser.add_argument("--skip-crypto", action="store_true")
    args = parser.parse_args()
    if args.prepare:
        prepare(int(args.voters), args.prepare, args.questions)
        return
    if args.tally:
        tally(args.tally, args.out)
        return
    import os

    print(f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.1f}", flush=True)
    if not args.skip_crypto:
        bench_calls()
        bench_proofs()
        bench_plaintext()
        print(f"load average after the crypto part {os.getloadavg()[0]:.1f}", flush=True)
    if not args.skip_server:
        for kind in args.databases.split(","):
            for voters in (int(v) for v in args.voters.split(",")):
                bench_cast(voters, kind, args.questions)


if __name__ == "__main__":
    assert CSRF
    main()
