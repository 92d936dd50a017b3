import pytest

from urbis.awards import services

from .factories import CycleFactory, PanelFactory, PanelMemberFactory, SubmissionFactory

CRITERIA = [("Innovation", 2.0, 1, 10), ("Impact", 1.0, 1, 10), ("Replicability", 1.0, 1, 5)]


@pytest.fixture
def cycle(db):
    return CycleFactory()


@pytest.fixture
def review_setup(db, cycle):
    """A round of 4 submissions (ES), 3 reviewers (FR), k=2, assigned."""
    panel = PanelFactory(cycle=cycle)
    members = [PanelMemberFactory(panel=panel) for _ in range(3)]
    subs = [SubmissionFactory(cycle=cycle) for _ in range(4)]
    round = services.create_round(cycle=cycle, panel=panel, name="Screening", actor=None, k=2, criteria=CRITERIA)
    services.run_assignment(round=round, actor=None)
    return round, members, subs


@pytest.fixture(autouse=True)
def _english():
    """Pages activate the visitor's language in the test thread; services' messages are asserted in English."""
    from django.utils import translation

    with translation.override("en"):
        yield
