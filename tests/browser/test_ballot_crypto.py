"""ballot.js and the Python verifier compute the same group: run in Chromium, checked in Python.

The page loads the vendored libsodium-wrappers-sumo and ballot.js from the files the site serves;
no server is needed.
"""

from pathlib import Path

import pytest

from tests.assembly.test_group import BAD_ENCODINGS, MULTIPLES
from urbis.assembly.verifier import group as g
from urbis.assembly.verifier.ballots import (
    BallotInvalid,
    Question,
    canonical,
    check_ballot,
    public_credential,
    signing_key,
)
from urbis.assembly.verifier.proofs import Ciphertext, verify_partial
from urbis.assembly.verifier.record import decryption_context

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [ROOT / "urbis/static/vendor/libsodium-sumo.js", ROOT / "urbis/static/vendor/sodium.js",
           ROOT / "urbis/assembly/static/assembly/ballot.js"]
HELPERS = """
window.hx = (h) => UrbisBallot.unhex(h);
window.sc = (n) => { // a non-negative integer given as a decimal string, as a 32-byte little-endian scalar
  let v = BigInt(n); const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) { out[i] = Number(v & 255n); v >>= 8n; }
  return out;
};
"""

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def js(browser):
    """A page with ballot.js initialised on libsodium; `js(expression, arg)` evaluates in it."""
    for script in SCRIPTS:
        if not script.exists():
            pytest.skip(f"{script.name} is not vendored (scripts/vendor.py)")
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    for script in SCRIPTS:
        page.add_script_tag(path=str(script))
    page.add_script_tag(content=HELPERS)
    page.evaluate("window.sodium.ready.then(() => { window.U = UrbisBallot.init(window.sodium); "
                  "window.G = U.group; return true; })")
    yield lambda expression, arg=None: page.evaluate(expression, arg)
    context.close()


def test_generator_multiples_and_identity_match_the_rfc_and_python(js):
    got = js("(n) => Array.from({length: n}, (_, k) => U.hex(G.base(U.group.scalarOf(k))))", 16)
    assert got == MULTIPLES == [g.base(k).hex() for k in range(16)]
    assert js("() => U.hex(G.IDENTITY)") == g.IDENTITY.hex() == "00" * 32
    b = MULTIPLES[1]
    assert js("(b) => [G.add(G.IDENTITY, hx(b)), G.add(hx(b), G.IDENTITY), G.sub(hx(b), hx(b)), "
              "G.mul(sc('0'), hx(b)), G.mul(sc('5'), G.IDENTITY), G.sub(hx(b), G.IDENTITY)].map(U.hex)", b) \
        == [b, b, "00" * 32, "00" * 32, "00" * 32, b]


def test_the_browser_libsodium_rejects_the_same_invalid_encodings(js):
    verdicts = js("(bad) => bad.map((b) => { let mulThrows = false, addThrows = false;"
                  "  try { G.mul(sc('3'), hx(b)); } catch (e) { mulThrows = true; }"
                  "  try { G.add(G.base(sc('1')), hx(b)); } catch (e) { addThrows = true; }"
                  "  return [sodium.crypto_core_ristretto255_is_valid_point(hx(b)), mulThrows, addThrows]; })",
                  BAD_ENCODINGS)
    assert verdicts == [[False, True, True]] * len(BAD_ENCODINGS)
    assert [g.is_valid_point(bytes.fromhex(b)) for b in BAD_ENCODINGS] == [False] * len(BAD_ENCODINGS)


def test_scalar_and_point_arithmetic_agree(js):
    a, b, p_scalar = g.random_scalar(), g.random_scalar(), g.random_scalar()
    p = g.base(p_scalar)
    got = js("([a, b, p, lm1]) => [G.sAdd(sc(a), sc(b)), G.sSub(sc(a), sc(b)), G.sMul(sc(a), sc(b)), G.base(sc(a)),"
             " G.mul(sc(a), hx(p)), G.add(G.base(sc(a)), hx(p)), G.sub(G.base(sc(a)), hx(p)),"
             " G.mul(sc(lm1), hx(p))].map(U.hex)", [str(a), str(b), p.hex(), str(g.L - 1)])
    assert got == [g.scalar_hex(a + b), g.scalar_hex(a - b), g.scalar_hex(a * b), g.base(a).hex(), g.mul(a, p).hex(),
                   g.add(g.base(a), p).hex(), g.sub(g.base(a), p).hex(), g.sub(g.IDENTITY, p).hex()]


def test_fiat_shamir_hash_is_the_same(js):
    parts = ["range", "e-1", "africa", 3, "é中"]
    point_part = g.base(7)
    got = js("([parts, p]) => U.hex(G.hashToScalar([...parts, hx(p)]))", [parts, point_part.hex()])
    assert got == g.scalar_hex(g.hash_to_scalar(*parts, point_part))


def test_a_ballot_made_in_the_browser_verifies_in_python_and_a_changed_one_does_not(js):
    eid, code = "e-cross", "ABCDEFGHJKMNPQRSTVWX"
    questions = [{"id": "africa", "title": "Africa", "choices": ["A", "B", "C", "D"], "min": 0, "max": 2},
                 {"id": "president", "title": "President", "choices": ["X", "Y"], "min": 1, "max": 1}]
    x = g.random_scalar()
    election = {"id": eid, "public_key": g.base(x).hex(), "questions": questions}
    ballot = js("([election, code]) => U.makeBallot(election, code, [[1, 0, 0, 1], [0, 1]])", [election, code])
    qs = [Question.from_json(q) for q in questions]
    credential = public_credential(eid, code)
    cts, proofs = check_ballot(ballot, election_id=eid, public_key=g.base(x), questions=qs, credentials={credential})
    assert (ballot["credential"], proofs) == (credential, 4 + 1 + 2 + 1)
    # decrypting with the election secret gives back the choices
    assert [[g.discrete_log(g.sub(ct.beta, g.mul(x, ct.alpha)), 1) for ct in row] for row in cts] \
        == [[1, 0, 0, 1], [0, 1]]
    # another browser ballot carrying the first one's proof for its first choice, signed again: refused
    forged = js("([election, code]) => U.makeBallot(election, code, [[1, 0, 0, 1], [0, 1]])", [election, code])
    forged["answers"][0]["choices"][0]["proof"] = ballot["answers"][0]["choices"][0]["proof"]
    body = {k: v for k, v in forged.items() if k != "signature"}
    forged["signature"] = signing_key(eid, code).sign(canonical(body)).signature.hex()
    with pytest.raises(BallotInvalid) as exc:
        check_ballot(forged, election_id=eid, public_key=g.base(x), questions=qs, credentials={credential})
    assert exc.value.code == "bad_proof"


def test_a_trustee_decryption_made_in_the_browser_verifies_in_python(js):
    eid, share = "e-cross", g.random_scalar()
    questions = [{"id": "africa", "title": "Africa", "choices": ["A", "B"], "min": 0, "max": 2}]
    cts = [[Ciphertext(g.base(g.random_scalar()), g.base(g.random_scalar())), Ciphertext(g.IDENTITY, g.G)]]
    ciphertexts = [[{"alpha": ct.alpha.hex(), "beta": ct.beta.hex()} for ct in row] for row in cts]
    out = js("([election, cts, share]) => U.trusteeDecryption(election, cts, 2, share)",
             [{"id": eid, "questions": questions}, ciphertexts, g.scalar_hex(share)])
    y = g.base(share)
    assert out["verification_key"] == y.hex()
    checks = []
    for j, (ct, factor) in enumerate(zip(cts[0], out["factors"][0], strict=True)):
        d = g.point(factor["d"], allow_identity=True)
        assert d == g.mul(share, ct.alpha)
        proof = (g.scalar_from_hex(factor["proof"][0]), g.scalar_from_hex(factor["proof"][1]))
        checks.append(verify_partial(ct, d, proof, y, decryption_context(eid, "africa", j, 2)))
        checks.append(verify_partial(ct, d, proof, y, decryption_context(eid, "africa", j, 3)))
    assert checks == [True, False, True, False]
