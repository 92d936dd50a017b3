/* Urbis trustee page: the dealerless key ceremony and the tally, in the trustee's own browser.
 *
 * The same encodings as the Python trustee tool (urbis/assembly/verifier/ceremony.py):
 *   round 1  an X25519 box key pair (crypto_box_keypair); the secret key is shown once and offered as
 *            the key file urbis-trustee-<election>-<index>.json; only the public key is sent;
 *   round 2  a random polynomial a_0…a_{k−1}, commitments C_m = a_m·G, a Schnorr proof of knowledge of
 *            a_0 over ("pok", "dealing", election, index, C_0, R), and f(j) sealed (crypto_box_seal)
 *            to every trustee j; the polynomial lives only inside one function call;
 *   round 3  open the shares addressed to this trustee, check s_ij·G = Σ_m j^m·C_{i,m} for every dealer
 *            i, then send Y_j = x_j·G with a proof over ("pok", "trustee-key", election, j, Y_j, R), or a
 *            complaint naming the dealers whose share failed;
 *   tally    re-derive x_j from the key file, check x_j·G = Y_j, decrypt (UrbisBallot.trusteeDecryption).
 * Group arithmetic only through UrbisBallot.group; libsodium (window.sodium) only for the boxes.
 */
(function (root) {
  "use strict";

  function setup(U, sodium, page) {
    const G = U.group;
    const hex = U.hex, unhex = U.unhex;
    const eid = page.election, index = page.index, k = page.threshold;
    const T = page.text; // translated messages

    function horner(coefficients, j) { // f(j) mod L
      const x = G.scalarOf(j);
      let out = G.scalarOf(0);
      for (let m = coefficients.length - 1; m >= 0; m--) out = G.sAdd(G.sMul(out, x), coefficients[m]);
      return out;
    }
    function expected(commitments, j) { // Σ_m j^m·C_m
      const x = G.scalarOf(j);
      let pw = G.scalarOf(1), acc = G.IDENTITY;
      for (const c of commitments) { acc = G.add(acc, G.mul(pw, c)); pw = G.sMul(pw, x); }
      return acc;
    }
    function proveKnowledge(secret, y, context) {
      const r = G.sRandom();
      const c = G.hashToScalar(["pok", ...context, y, G.base(r)]);
      return [hex(c), hex(G.sAdd(r, G.sMul(c, secret)))];
    }

    function makeKeyFile() {
      const kp = sodium.crypto_box_keypair();
      return { election: eid, index: index, box_secret_key: hex(kp.privateKey), box_public_key: hex(kp.publicKey) };
    }

    function makeDealing(boxKeys) {
      const a = [];
      for (let m = 0; m < k; m++) a.push(G.sRandom());
      const commitments = a.map((s) => G.base(s));
      const proof = proveKnowledge(a[0], commitments[0], ["dealing", eid, index]);
      const shares = boxKeys.map((pk, i) => hex(sodium.crypto_box_seal(horner(a, i + 1), unhex(pk))));
      return { commitments: commitments.map(hex), proof: proof, shares: shares };
    }

    function parseKey(text) {
      let key;
      try { key = JSON.parse(text); } catch (e) { throw new Error(T.notKeyFile); }
      if (!key || typeof key.box_secret_key !== "string" || typeof key.box_public_key !== "string") throw new Error(T.notKeyFile);
      if (String(key.election) !== eid || Number(key.index) !== index) throw new Error(T.otherKeyFile);
      const derived = sodium.crypto_scalarmult_base(unhex(key.box_secret_key));
      if (hex(derived) !== key.box_public_key) throw new Error(T.notKeyFile);
      return key;
    }

    /* (x_j, dealers whose share failed) from the key file and the published dealings. */
    function openShares(key, ceremony) {
      const sk = unhex(key.box_secret_key), pk = unhex(key.box_public_key);
      let x = G.scalarOf(0); const bad = [];
      for (const t of ceremony.trustees.slice().sort((p, q) => p.index - q.index)) {
        let ok = false, s = null;
        try {
          const raw = sodium.crypto_box_seal_open(unhex(t.dealing.shares[index - 1]), pk, sk);
          if (raw.length === 32) {
            s = G.sAdd(raw, G.scalarOf(0)); // reduce mod L
            ok = G.eq(G.base(s), expected(t.dealing.commitments.map(unhex), index));
          }
        } catch (e) { ok = false; }
        if (ok) x = G.sAdd(x, s); else bad.push(t.index);
      }
      return { x: x, bad: bad };
    }

    function mine(ceremony) { return ceremony.trustees.find((t) => t.index === index); }

    function confirm(key, ceremony) {
      if (mine(ceremony).box_public_key !== key.box_public_key) throw new Error(T.otherKeyFile);
      const { x, bad } = openShares(key, ceremony);
      if (bad.length) return { complaint: bad };
      const y = G.base(x);
      return { verification_key: hex(y), proof: proveKnowledge(x, y, ["trustee-key", eid, index]) };
    }

    function secretShare(key, ceremony) {
      const { x, bad } = openShares(key, ceremony);
      if (bad.length || hex(G.base(x)) !== mine(ceremony).verification_key) throw new Error(T.notYourKey);
      return x;
    }

    return { makeKeyFile, makeDealing, parseKey, openShares, confirm, secretShare };
  }

  /* ------------------------------------------------------------------ the page */

  function byId(id) { return document.getElementById(id); }
  function say(el, cls, text) { el.innerHTML = ""; const p = document.createElement("p"); p.className = "message " + cls; p.textContent = text; el.appendChild(p); }
  function getJSON(url) { return fetch(url, { credentials: "same-origin" }).then((r) => r.json()); }
  function readKeyText(fileInput, textArea) {
    const f = fileInput && fileInput.files && fileInput.files[0];
    if (f) return f.text();
    return Promise.resolve(textArea ? textArea.value : "");
  }

  function start() {
    const data = byId("trustee-data");
    if (!data) return;
    const page = JSON.parse(data.textContent);
    const out = byId("trustee-outcome");
    const ready = root.urbisSodiumReady.then((U) => setup(U, root.sodium, page));
    const fail = (e) => say(out, "error", (e && e.message) || String(e));
    const answer = (r, success) => {
      if (r.ok) { say(out, "success", success); return true; }
      say(out, "error", (r.data.error || {}).message || page.text.refused);
      return false;
    };

    const makeKey = byId("make-key");
    if (makeKey) makeKey.addEventListener("click", () => {
      makeKey.disabled = true;
      ready.then((C) => {
        const key = C.makeKeyFile();
        return root.urbisPost(page.urls.key, { box_public_key: key.box_public_key }).then((r) => {
          if (!answer(r, page.text.keySent)) { makeKey.disabled = false; return; }
          const text = JSON.stringify(key, null, 1);
          const shown = byId("key-shown");
          byId("key-text").value = text;
          const link = byId("download-key");
          link.href = URL.createObjectURL(new Blob([text + "\n"], { type: "application/json" }));
          link.download = "urbis-trustee-" + page.election + "-" + page.index + ".json";
          shown.hidden = false;
          stopPolling();
        });
      }).catch(fail);
    });

    const deal = byId("make-dealing");
    if (deal) deal.addEventListener("click", () => {
      deal.disabled = true;
      ready.then((C) => getJSON(page.urls.ceremony).then((ceremony) => {
        const keys = ceremony.trustees.slice().sort((p, q) => p.index - q.index).map((t) => t.box_public_key);
        return root.urbisPost(page.urls.dealing, { dealing: C.makeDealing(keys) });
      })).then((r) => { if (answer(r, page.text.dealingSent)) root.location.reload(); else deal.disabled = false; })
        .catch((e) => { deal.disabled = false; fail(e); });
    });

    const confirmButton = byId("confirm-shares");
    if (confirmButton) confirmButton.addEventListener("click", () => {
      confirmButton.disabled = true;
      Promise.all([ready, readKeyText(byId("key-file"), byId("key-paste")), getJSON(page.urls.ceremony)])
        .then(([C, text, ceremony]) => {
          const body = C.confirm(C.parseKey(text), ceremony);
          return root.urbisPost(page.urls.confirmation, body).then((r) => {
            if (answer(r, body.complaint ? page.text.complained : page.text.confirmed)) root.location.reload();
            else confirmButton.disabled = false;
          });
        }).catch((e) => { confirmButton.disabled = false; fail(e); });
    });

    const decrypt = byId("decrypt");
    if (decrypt) decrypt.addEventListener("click", () => {
      decrypt.disabled = true;
      Promise.all([root.urbisSodiumReady, ready, readKeyText(byId("key-file"), byId("key-paste")), getJSON(page.urls.ceremony)])
        .then(([U, C, text, ceremony]) => {
          const x = C.secretShare(C.parseKey(text), ceremony);
          const d = U.trusteeDecryption(page.election_data, ceremony.encrypted_tally, page.index, U.hex(x));
          return root.urbisPost(page.urls.decryption, { decryption: { trustee: d.trustee, factors: d.factors } }).then((r) => {
            if (answer(r, page.text.decrypted)) { decrypt.hidden = true; out.firstChild.id = "decryption-done"; }
            else decrypt.disabled = false;
          });
        }).catch((e) => { decrypt.disabled = false; fail(e); });
    });

    // while waiting for the other trustees, look again every few seconds and reload when the round moves on
    let timer = null;
    function stopPolling() { if (timer) clearInterval(timer); timer = null; }
    if (page.poll) {
      timer = setInterval(() => {
        getJSON(page.urls.ceremony).then((c) => {
          if (c.status !== page.ceremony_status || c.election_status !== page.election_status) root.location.reload();
        }).catch(() => {});
      }, 3000);
    }
  }

  root.UrbisTrustee = { setup, start };
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
  }
})(typeof window !== "undefined" ? window : globalThis);
