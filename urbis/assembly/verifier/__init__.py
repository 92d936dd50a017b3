"""Standalone verifier of Urbis election records: Python with PyNaCl (Ed25519) and rbcl (ristretto255), no Django.

    from urbis.assembly.verifier import verify_record, verify_diff
    report = verify_record(json.load(open("record.json")))
    assert report.ok, report.errors
"""

from .ballots import BallotInvalid, Question, check_ballot, make_ballot, public_credential, tracker
from .record import FORMAT, Report, verify_diff, verify_record

__all__ = ["FORMAT", "BallotInvalid", "Question", "Report", "check_ballot", "make_ballot", "public_credential",
           "tracker", "verify_diff", "verify_record"]
