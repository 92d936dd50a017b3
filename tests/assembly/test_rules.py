"""Quorum, majorities, representation and seats: every edge case, exact results."""

import pytest

from urbis.assembly.rules import (
    MajorityRule,
    Outcome,
    Quorum,
    QuorumRule,
    Representation,
    Seat,
    SeatResult,
    majority,
    quorum,
    representation,
    seats_won,
)

SEATS = [Seat(m) for m in range(1, 7)]


def test_present_members_represent_themselves_and_absent_ones_without_proxy_are_unrepresented():
    assert representation(seats=SEATS, present={1, 2}, proxies={}, cap=2) == Representation({1: 1, 2: 2}, {})


def test_proxy_counts_when_holder_present():
    assert representation(seats=SEATS, present={1}, proxies={3: 1}, cap=2) == Representation({1: 1, 3: 1}, {})


def test_proxy_holder_absent_represents_no_one():
    assert representation(seats=SEATS, present={1}, proxies={3: 2}, cap=2) == Representation(
        {1: 1}, {3: "holder_absent"})


def test_proxies_over_the_cap_are_refused_in_grant_order():
    got = representation(seats=SEATS, present={1}, proxies={3: 1, 4: 1, 5: 1}, cap=2)
    assert got == Representation({1: 1, 3: 1, 4: 1}, {5: "cap"})


def test_cap_zero_refuses_every_proxy():
    assert representation(seats=SEATS, present={1}, proxies={3: 1}, cap=0) == Representation({1: 1}, {3: "cap"})


def test_present_grantor_votes_itself_and_its_proxy_is_unused():
    assert representation(seats=SEATS, present={1, 3}, proxies={3: 1}, cap=1) == Representation({1: 1, 3: 3}, {})


def test_proxy_to_self_or_outsider_is_invalid_and_no_chains():
    got = representation(seats=SEATS, present={1}, proxies={2: 2, 3: 99, 4: 5, 5: 1}, cap=5)
    assert got == Representation({1: 1, 5: 1}, {2: "invalid", 3: "invalid", 4: "holder_absent"})


@pytest.mark.parametrize(("rule", "total", "have", "expected"), [
    (QuorumRule.MAJORITY_OF_MEMBERS, 140, 70, Quorum(False, 70, 71, 140)),   # exactly half is not more than half
    (QuorumRule.MAJORITY_OF_MEMBERS, 140, 71, Quorum(True, 71, 71, 140)),
    (QuorumRule.MAJORITY_OF_MEMBERS, 5, 3, Quorum(True, 3, 3, 5)),
    (QuorumRule.MAJORITY_OF_MEMBERS, 5, 2, Quorum(False, 2, 3, 5)),
    (QuorumRule.THIRD_OF_MEMBERS, 9, 3, Quorum(True, 3, 3, 9)),
    (QuorumRule.THIRD_OF_MEMBERS, 10, 3, Quorum(False, 3, 4, 10)),
    (QuorumRule.TWO_THIRDS_OF_MEMBERS, 9, 6, Quorum(True, 6, 6, 9)),
    (QuorumRule.TWO_THIRDS_OF_MEMBERS, 10, 6, Quorum(False, 6, 7, 10)),
    (QuorumRule.NONE, 10, 0, Quorum(True, 0, 0, 10)),
    (QuorumRule.MAJORITY_OF_MEMBERS, 0, 0, Quorum(False, 0, 0, 0)),
    (QuorumRule.NONE, 0, 0, Quorum(True, 0, 0, 0)),
])
def test_quorum_thresholds(rule, total, have, expected):
    assert quorum(rule=rule, members_total=total, represented=have) == expected


@pytest.mark.parametrize(("rule", "yes", "no", "abstain", "passed"), [
    (MajorityRule.SIMPLE, 5, 4, 100, True),
    (MajorityRule.SIMPLE, 4, 4, 0, False),        # tie
    (MajorityRule.SIMPLE, 0, 0, 9, False),        # all abstain
    (MajorityRule.SIMPLE, 0, 0, 0, False),        # nobody voted
    (MajorityRule.ABSOLUTE, 5, 0, 5, False),      # exactly half of votes cast
    (MajorityRule.ABSOLUTE, 6, 0, 5, True),
    (MajorityRule.ABSOLUTE, 5, 4, 0, True),
    (MajorityRule.TWO_THIRDS, 2, 1, 50, True),    # exactly two thirds, abstentions ignored
    (MajorityRule.TWO_THIRDS, 65, 33, 0, False),  # 65/98 < 2/3
    (MajorityRule.TWO_THIRDS, 66, 33, 0, True),
    (MajorityRule.TWO_THIRDS, 0, 0, 7, False),    # all abstain
    (MajorityRule.TWO_THIRDS_WITH_ABSTENTIONS, 2, 0, 1, True),
    (MajorityRule.TWO_THIRDS_WITH_ABSTENTIONS, 2, 1, 1, False),
    (MajorityRule.TWO_THIRDS_WITH_ABSTENTIONS, 0, 0, 0, False),
])
def test_majorities_at_every_edge(rule, yes, no, abstain, passed):
    assert majority(rule=rule, yes=yes, no=no, abstain=abstain) == Outcome(passed, yes, no, abstain, rule.value)


def test_absolute_majority_of_the_electorate_uses_weights():
    assert majority(rule="absolute_electorate", yes=70, no=0, abstain=0, electorate_weight=140).passed is False
    assert majority(rule="absolute_electorate", yes=71, no=0, abstain=0, electorate_weight=140).passed is True


def test_negative_counts_and_unknown_rules_are_refused():
    with pytest.raises(ValueError):
        majority(rule="simple", yes=-1, no=0, abstain=0)
    with pytest.raises(ValueError):
        majority(rule="plurality", yes=1, no=0, abstain=0)


@pytest.mark.parametrize(("counts", "seats", "expected"), [
    ([5, 3, 9, 1], 2, SeatResult([2, 0], [])),
    ([5, 5, 9, 1], 2, SeatResult([2], [0, 1])),   # tie for the last seat
    ([5, 5, 9, 1], 3, SeatResult([2, 0, 1], [])),
    ([4, 4, 4], 1, SeatResult([], [0, 1, 2])),
    ([0, 0, 3], 2, SeatResult([2], [])),                         # nobody with no votes is elected
    ([2, 1], 5, SeatResult([0, 1], [])),
    ([2, 1], 0, SeatResult([], [])),
])
def test_seats_won(counts, seats, expected):
    assert seats_won(counts=counts, seats=seats) == expected
