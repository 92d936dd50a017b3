/* Urbis secret ballots in the browser: credentials, encryption, proofs, trustee decryption.
 *
 * The same encodings as the Python verifier (urbis/assembly/verifier): the prime-order group
 * ristretto255 through libsodium's crypto_core_ristretto255_* and crypto_scalarmult_ristretto255*
 * (the identity is 32 zero bytes), exponential ElGamal, disjunctive Chaum–Pedersen proofs,
 * Fiat–Shamir with SHA-512 over length-prefixed parts, Ed25519 signatures over canonical JSON. Nothing secret leaves the page:
 * the credential code, the choices, the randomness and a trustee's key share stay here.
 */
(function (root) {
  "use strict";
  let S = null; // libsodium, after init()
  const ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
  const CODE_LENGTH = 20;
  const IDENTITY = new Uint8Array(32); // ristretto255's neutral element is encoded as 32 zero bytes
  const enc = new TextEncoder();

  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const unhex = (h) => Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16));
  const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const isZero = (s) => s.every((x) => x === 0);

  function scalarOf(n) { // a small non-negative integer as a 32-byte little-endian scalar
    const out = new Uint8Array(32); let v = n;
    for (let i = 0; v > 0; i++) { out[i] = v & 0xff; v = Math.floor(v / 256); }
    return out;
  }
  const sAdd = (a, b) => S.crypto_core_ristretto255_scalar_add(a, b);
  const sSub = (a, b) => S.crypto_core_ristretto255_scalar_sub(a, b);
  const sMul = (a, b) => S.crypto_core_ristretto255_scalar_mul(a, b);
  function sRandom() { let s; do { s = S.crypto_core_ristretto255_scalar_random(); } while (isZero(s)); return s; }

  /* libsodium refuses a scalar multiplication whose result is the identity; in a prime-order group that
   * happens only for a zero scalar (scalars here are reduced) or the identity, answered before calling it. */
  function base(s) { return isZero(s) ? IDENTITY : S.crypto_scalarmult_ristretto255_base(s); }
  function mul(s, p) { return (isZero(s) || eq(p, IDENTITY)) ? IDENTITY : S.crypto_scalarmult_ristretto255(s, p); }
  function add(p, q) { if (eq(p, IDENTITY)) return q; if (eq(q, IDENTITY)) return p; return S.crypto_core_ristretto255_add(p, q); }
  function sub(p, q) { if (eq(q, IDENTITY)) return p; return S.crypto_core_ristretto255_sub(p, q); }

  function part(x) {
    const bytes = (x instanceof Uint8Array) ? x : enc.encode(String(x));
    const out = new Uint8Array(4 + bytes.length);
    new DataView(out.buffer).setUint32(0, bytes.length, false);
    out.set(bytes, 4);
    return out;
  }
  function hashToScalar(parts) {
    const chunks = [enc.encode("urbis-election-v2"), ...parts.map(part)];
    const total = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0; for (const c of chunks) { total.set(c, at); at += c.length; }
    return S.crypto_core_ristretto255_scalar_reduce(S.crypto_hash_sha512(total));
  }

  function canonical(value) { // json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort().map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function normaliseCode(code) { return Array.from(code.toUpperCase()).filter((c) => ALPHABET.includes(c)).join(""); }
  function newCode() {
    let out = "";
    while (out.length < CODE_LENGTH) {
      const b = S.randombytes_buf(1)[0];
      if (b < 240) out += ALPHABET[b % 30]; // 240 = 8 × 30: no bias
    }
    return out;
  }
  function credentialKeys(electionId, code) {
    const seed = S.crypto_hash_sha512(enc.encode("urbis-credential-v1|" + electionId + "|" + normaliseCode(code))).slice(0, 32);
    return S.crypto_sign_seed_keypair(seed);
  }
  function publicCredential(electionId, code) { return hex(credentialKeys(electionId, code).publicKey); }

  function commitments(ct, h, w, c, s) {
    return [sub(base(s), mul(c, ct.alpha)), sub(mul(s, h), mul(c, sub(ct.beta, base(scalarOf(w)))))];
  }
  function challenge(ct, h, commits, context) {
    const parts = ["range", ...context, h, ct.alpha, ct.beta];
    for (const [a, b] of commits) parts.push(a, b);
    return hashToScalar(parts);
  }
  function proveRange(ct, r, m, lo, hi, h, context) {
    const k = sRandom(); const pairs = {}; const commits = [];
    for (let w = lo; w <= hi; w++) {
      if (w === m) { commits.push([base(k), mul(k, h)]); continue; }
      const c = sRandom(), s = sRandom();
      pairs[w] = [c, s]; commits.push(commitments(ct, h, w, c, s));
    }
    let cm = challenge(ct, h, commits, context);
    for (const w in pairs) cm = sSub(cm, pairs[w][0]);
    pairs[m] = [cm, sAdd(k, sMul(cm, r))];
    const out = [];
    for (let w = lo; w <= hi; w++) out.push([hex(pairs[w][0]), hex(pairs[w][1])]);
    return out;
  }
  function encrypt(m, h) {
    const r = sRandom();
    return { ct: { alpha: base(r), beta: add(base(scalarOf(m)), mul(r, h)) }, r };
  }

  /* selections: one array of 0/1 per question, in the election's order. */
  function makeBallot(election, code, selections) {
    const eid = election.id, h = unhex(election.public_key);
    const keys = credentialKeys(eid, code);
    const credential = hex(keys.publicKey);
    const answers = election.questions.map((q, qi) => {
      const chosen = selections[qi];
      if (chosen.length !== q.choices.length) throw new Error("one value per choice");
      const total = chosen.reduce((a, b) => a + b, 0);
      if (total < q.min || total > q.max) throw new Error("choose between " + q.min + " and " + q.max);
      let rSum = scalarOf(0), sum = null;
      const choices = chosen.map((v, j) => {
        const { ct, r } = encrypt(v, h);
        rSum = sAdd(rSum, r);
        sum = sum ? { alpha: add(sum.alpha, ct.alpha), beta: add(sum.beta, ct.beta) } : ct;
        return { alpha: hex(ct.alpha), beta: hex(ct.beta), proof: proveRange(ct, r, v, 0, 1, h, ["choice", eid, q.id, j, credential]) };
      });
      return { question: q.id, choices, proof: proveRange(sum, rSum, total, q.min, q.max, h, ["sum", eid, q.id, credential]) };
    });
    const ballot = { election: eid, credential, answers };
    ballot.signature = hex(S.crypto_sign_detached(enc.encode(canonical(ballot)), keys.privateKey));
    return ballot;
  }
  function tracker(ballot) { return hex(S.crypto_hash_sha256(enc.encode(canonical(ballot)))); }

  /* A trustee's partial decryption of the encrypted tally, with Chaum–Pedersen proofs. */
  function trusteeDecryption(election, ciphertexts, index, shareHex) {
    const x = unhex(shareHex.trim().toLowerCase());
    const y = base(x);
    const factors = election.questions.map((q, qi) => ciphertexts[qi].map((c, j) => {
      const alpha = unhex(c.alpha);
      const d = mul(x, alpha);
      const k = sRandom();
      const cc = hashToScalar(["decrypt", "tally", election.id, q.id, j, index, y, alpha, d, base(k), mul(k, alpha)]);
      return { d: hex(d), proof: [hex(cc), hex(sAdd(k, sMul(cc, x)))] };
    }));
    return { trustee: index, factors, verification_key: hex(y) };
  }

  const api = { init(sodium) { S = sodium; return api; }, canonical, newCode, normaliseCode, publicCredential,
    makeBallot, tracker, trusteeDecryption, hex, unhex,
    /* the group and scalar primitives, for the trustees' key ceremony (trustee.js) */
    group: { base, mul, add, sub, eq, scalarOf, sAdd, sSub, sMul, sRandom, hashToScalar, IDENTITY } };
  root.UrbisBallot = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
