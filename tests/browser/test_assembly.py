"""A newcomer runs a General Assembly: check-in and online presence, quorum, a roll-call motion, a secret
Board election with three trustees (k = 2, one absent), trackers, and the verifier on the downloaded record."""

import copy
import json

import pytest

from tests.browser.conftest import login
from tests.factories import EditionFactory, OrganisationFactory, StaffFactory, UserFactory
from urbis.assembly import services
from urbis.assembly.models import Ballot, Meeting
from urbis.assembly.verifier import verify_record
from urbis.assembly.verifier.ballots import canonical, public_credential

PASSWORD = "correct horse battery"


def _as(page, user):
    page.context.clear_cookies()
    login(page, user.email, PASSWORD)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_general_assembly_with_roll_call_and_verifiable_secret_election(page, monkeypatch):
    staff = StaffFactory()
    edition = EditionFactory()
    meeting = services.create_meeting(edition=edition, kind="general_assembly", title="General Assembly 2021",
                                      slug="ga-2021", actor=staff)
    members = [OrganisationFactory(name=n) for n in ("Barcelona", "Dakar", "Guangzhou")]
    delegates = [UserFactory() for _ in members]
    for m, d in zip(members, delegates, strict=True):
        services.set_seat(meeting=meeting, member=m, delegate=d, actor=staff)
    motion = services.add_item(meeting=meeting, kind="motion", title="Strategic action plan 2021–2023",
                               majority_rule="two_thirds", actor=staff)
    item = services.add_item(meeting=meeting, kind="election", title="Board election", actor=staff)
    trustees = [UserFactory() for _ in range(3)]
    election = services.create_election(item=item, trustees=trustees, threshold=2, actor=staff, questions=[
        {"id": "board", "title": "Board seats", "choices": ["Ana", "Bo", "Chen"], "min": 0, "max": 2, "seats": 2}])
    registrar = UserFactory()
    services.appoint_registrar(user=registrar, actor=staff)
    # the first delegate checks in at the door (registration); the others join online
    import urbis.registration.selectors as reg
    monkeypatch.setattr(reg, "checked_in_user_ids", lambda *, edition, on_day=None: {delegates[0].pk})

    # the trustees' key ceremony, in their browsers. Round 1: each makes a key pair and keeps the file
    trustee_url = f"/assembly/elections/{election.public_id}/trustee/"
    key_files = []
    for i, t in enumerate(trustees, start=1):
        _as(page, t)
        page.goto(trustee_url)
        page.click("#make-key")
        page.wait_for_selector("#key-shown:not([hidden])")
        with page.expect_download() as info:
            page.click("#download-key")
        assert info.value.suggested_filename == f"urbis-trustee-{election.public_id}-{i}.json"
        key = json.loads(open(info.value.path(), encoding="utf-8").read())
        assert json.loads(page.locator("#key-text").input_value()) == key
        assert sorted(key) == ["box_public_key", "box_secret_key", "election", "index"]
        assert (key["election"], key["index"]) == (str(election.public_id), i)
        key_files.append(info.value.path())
        page.click("#key-saved")
        page.wait_for_selector("#waiting, #make-dealing")
    # round 2: each deals (the polynomial lives only in the page)
    for t in trustees:
        _as(page, t)
        page.goto(trustee_url)
        page.click("#make-dealing")
        page.wait_for_selector("#waiting, #confirm-shares")
    # round 3: each opens and checks the shares sent to it with its key file
    for t, path in zip(trustees, key_files, strict=True):
        _as(page, t)
        page.goto(trustee_url)
        page.set_input_files("#key-file", str(path))
        page.click("#confirm-shares")
        page.wait_for_selector("#waiting, #key-ready")
    assert page.locator("[data-ceremony]").get_attribute("data-ceremony") == "ready"
    election.refresh_from_db()
    assert (election.ceremony, election.public_key == election.commitments[0]) == ("ready", True)
    # the server holds no secret share: nothing it stored gives a trustee's verification key
    from urbis.assembly.selectors import ceremony_state
    from urbis.assembly.verifier.ceremony import secret_share
    from urbis.assembly.verifier.group import scalar_hex
    state = ceremony_state(election)
    secrets = [scalar_hex(secret_share(key=json.loads(open(p, encoding="utf-8").read()), ceremony=state))
               for p in key_files]
    stored = json.dumps([list(Meeting.objects.values()), list(election.trustees.values()),
                         list(type(election).objects.values())], default=str)
    assert [x in stored for x in secrets] == [False, False, False]

    # the registrar makes the codes in the browser; the server gets only public keys
    _as(page, registrar)
    page.goto(f"/assembly/elections/{election.public_id}/registrar/")
    page.click("#make-credentials")
    page.wait_for_selector("#credentials-published")
    codes = {row.locator("td").nth(0).inner_text(): row.locator("td.code").inner_text()
             for row in page.locator("#credential-sheet tbody tr").all()}
    assert sorted(codes) == ["Barcelona", "Dakar", "Guangzhou"]

    # staff open the meeting; quorum is not reached until the online delegates join
    _as(page, staff)
    page.goto("/assembly/staff/ga-2021/")
    page.click("#open-meeting")
    assert page.locator("#live [data-quorum]").get_attribute("data-quorum") == "not-met"
    for d in delegates[1:]:
        _as(page, d)
        page.goto("/assembly/ga-2021/")
    _as(page, staff)
    page.goto("/assembly/staff/ga-2021/")
    assert page.locator("#live [data-quorum]").get_attribute("data-quorum") == "met"
    page.click(f"tr[data-item='{motion.pk}'] button.open-item")

    # roll call: yes, yes, no → exactly two thirds
    for d, choice in zip(delegates, ("yes", "yes", "no"), strict=True):
        _as(page, d)
        page.goto("/assembly/ga-2021/")
        page.click(f"#item-{motion.pk} button[value={choice}]")
        assert page.locator(".message.success").count() == 1
    _as(page, staff)
    page.goto("/assembly/staff/ga-2021/")
    page.click(f"tr[data-item='{motion.pk}'] button.close-item")
    page.goto(f"/assembly/ga-2021/items/{motion.pk}/")
    assert page.locator("#motion-result strong").inner_text() == "Adopted"
    assert page.locator("table tbody tr").count() == 3

    # the secret election
    page.goto("/assembly/staff/ga-2021/")
    page.click(f"tr[data-item='{item.pk}'] button.open-item")
    picks = {"Barcelona": ["0", "1"], "Dakar": ["0"], "Guangzhou": ["2"]}
    trackers = {}
    for m, d in zip(members, delegates, strict=True):
        _as(page, d)
        page.goto(f"/assembly/elections/{election.public_id}/vote/")
        if m == members[0]:  # the browser's encodings are byte-identical to the verifier's
            sample = {"b": [1, "é", {"z": "中", "a": None}], "a": "x\"y"}
            got = page.evaluate("([eid, code, obj]) => window.urbisSodiumReady.then((U) => "
                                "[U.publicCredential(eid, code), U.canonical(obj)])",
                                [str(election.public_id), codes[m.name], sample])
            assert got == [public_credential(str(election.public_id), codes[m.name]), canonical(sample).decode()]
        page.fill("#code", codes[m.name])
        for value in picks[m.name]:
            page.check(f"fieldset[data-question=board] input[value='{value}']")
        page.click("#cast")
        page.wait_for_selector("#my-tracker")
        trackers[m.name] = page.locator("#my-tracker").inner_text()
        page.goto(f"/assembly/elections/{election.public_id}/")
        page.fill("#tracker-search input[name=tracker]", trackers[m.name])
        page.click("#tracker-search button")
        assert page.locator("#tracker-result").inner_text() == "Your ballot is on the board and will be counted."
    assert sorted(trackers.values()) == sorted(Ballot.objects.values_list("tracker", flat=True))

    _as(page, staff)
    page.goto("/assembly/staff/ga-2021/")
    page.click(f"tr[data-item='{item.pk}'] button.close-item")
    # trustee 2 is absent; trustees 1 and 3 decrypt in their browsers, from their key files
    for index in (0, 2):
        _as(page, trustees[index])
        page.goto(trustee_url)
        page.fill("#key-paste", open(key_files[index], encoding="utf-8").read())
        page.click("#decrypt")
        page.wait_for_selector("#decryption-done")
    page.goto(f"/assembly/elections/{election.public_id}/")
    rows = [r.locator("td").all_inner_texts() for r in page.locator(".result-table tbody tr").all()]
    assert rows == [["Ana", "2"], ["Bo", "1"], ["Chen", "1"]]

    with page.expect_download() as info:
        page.click("#download-record")
    record = json.loads(open(info.value.path(), encoding="utf-8").read())
    report = verify_record(record)
    assert (report.ok, report.errors, report.result) == (True, [], [[2, 1, 1]])
    tampered = copy.deepcopy(record)
    tampered["ballots"][0]["answers"][0]["choices"][0]["beta"] = tampered["ballots"][1]["answers"][0]["choices"][0]["beta"]
    assert verify_record(tampered).ok is False
    assert Meeting.objects.get(pk=meeting.pk).status == "open"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_trustee_browser_catches_a_bad_share_and_complains_then_refuses_a_wrong_key_file(page):
    """Dealer 3 (played offline) seals a wrong share for trustee 1: trustee 1's browser finds it."""
    from nacl.public import PublicKey, SealedBox

    from urbis.assembly.verifier import ceremony as tool
    from urbis.assembly.verifier.group import scalar_bytes

    staff = StaffFactory()
    meeting = services.create_meeting(edition=EditionFactory(), kind="board", title="Board", slug="board",
                                      actor=staff)
    item = services.add_item(meeting=meeting, kind="election", title="President", actor=staff)
    trustees = [UserFactory() for _ in range(3)]
    election = services.create_election(item=item, trustees=trustees, threshold=2, actor=staff, questions=[
        {"id": "p", "title": "President", "choices": ["Ana", "Bo"], "min": 0, "max": 1}])
    eid = str(election.public_id)
    keys = {i: tool.key_file(election_id=eid, index=i, keypair=tool.make_box_keypair()) for i in (1, 2, 3)}
    for i, t in enumerate(trustees, start=1):
        services.submit_trustee_key(election=election, index=i, user=t, box_public_key=keys[i]["box_public_key"])
    box = [keys[i]["box_public_key"] for i in (1, 2, 3)]
    for i, t in enumerate(trustees, start=1):
        dealing = tool.make_dealing(election_id=eid, dealer=i, threshold=2, box_public_keys=box)
        if i == 3:
            dealing["shares"][0] = SealedBox(PublicKey(bytes.fromhex(box[0]))).encrypt(scalar_bytes(42)).hex()
        services.submit_dealing(election=election, index=i, user=t, dealing=dealing)
    _as(page, trustees[0])
    page.goto(f"/assembly/elections/{eid}/trustee/")
    page.fill("#key-paste", json.dumps(keys[2]))          # another trustee's file first: refused, nothing sent
    page.click("#confirm-shares")
    page.wait_for_selector("#trustee-outcome .message.error")
    assert page.locator("#trustee-outcome").inner_text() == (
        "This key file belongs to another election or another trustee.")
    election.refresh_from_db()
    assert (election.ceremony, election.trustees.get(index=1).complaint) == ("confirmations", None)
    page.fill("#key-paste", json.dumps(keys[1]))
    page.click("#confirm-shares")
    page.wait_for_selector("#ceremony-failed")
    election.refresh_from_db()
    assert (election.ceremony, election.ceremony_failure) == ("failed", {"trustee": 1, "dealers": [3]})
    assert page.locator("[data-ceremony]").inner_text() == (
        "Key ceremony failed: trustee 1 reported a bad share from trustee 3 — restart it")
