"""Counting rules of secret elections (verifier/counting.py): every edge case, then properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from urbis.assembly import rules
from urbis.assembly.verifier.counting import (
    ABSOLUTE_MAJORITY,
    ELECTED,
    LIMITED,
    RUN_OFF,
    UNFILLED,
    QuestionCount,
    absolute_majority,
    check_elected,
    count_question,
    elected_of,
    limited,
    needs_run_off,
    question_problem,
    result_summary,
    run_off_questions,
)


def _q(n=3, *, rule=LIMITED, max_choices=1, seats=1, min_choices=0):
    return {"id": "q", "title": "Q", "choices": [f"C{i}" for i in range(n)], "min": min_choices,
            "max": max_choices, "seats": seats, "rule": rule}


# ------------------------------------------------------------------------- limited voting


@pytest.mark.parametrize(("counts", "seats", "expected"), [
    ([5, 3, 1], 1, ([0], [])),
    ([5, 3, 1], 2, ([0, 1], [])),
    ([3, 5, 1], 2, ([1, 0], [])),                   # by votes, not ballot order
    ([4, 4, 1], 1, ([], [0, 1])),                   # tie for the only seat
    ([4, 4, 1], 2, ([0, 1], [])),                   # the tie fits the seats
    ([5, 3, 3, 1], 2, ([0], [1, 2])),               # tie for the last seat
    ([3, 3, 3, 1], 2, ([], [0, 1, 2])),             # tie for every seat
    ([5, 4, 2, 2, 2], 3, ([0, 1], [2, 3, 4])),      # three tied for the third seat
    ([2, 2, 2, 2], 4, ([0, 1, 2, 3], [])),          # as many seats as candidates
    ([0, 0, 3], 2, ([2], [])),                      # a candidate without votes is never elected
    ([0, 0, 0], 1, ([], [])),                       # nobody voted: the seat stays unfilled
    ([0, 0, 0], 3, ([], [])),
    ([7], 1, ([0], [])),                            # one candidate
    ([0], 1, ([], [])),
    ([1, 2], 5, ([1, 0], [])),                      # more seats than candidates
    ([], 1, ([], [])),
    ([3, 1], 0, ([], [])),
])
def test_limited_edge_cases(counts, seats, expected):
    assert limited(counts=counts, seats=seats) == expected


def test_seats_won_keeps_its_shape_for_existing_callers():
    assert rules.seats_won(counts=[5, 3, 3, 1], seats=2) == rules.SeatResult([0], [1, 2])


# ------------------------------------------------------------------------- absolute majority


@pytest.mark.parametrize(("counts", "expected"), [
    ([6, 3, 2], ([0], [])),                         # 6 of 11 valid votes
    ([5, 3, 2], ([], [0, 1])),                      # exactly half is not a majority
    ([5, 5], ([], [0, 1])),                         # two tied at exactly half
    ([6, 5], ([0], [])),
    ([4, 3, 3, 1], ([], [0, 1, 2])),                # tie for second: all tied take part
    ([4, 4, 3], ([], [0, 1])),                      # tie for first: the tied only
    ([3, 3, 3], ([], [0, 1, 2])),                   # everyone tied for first
    ([2, 1, 1, 1, 0], ([], [0, 1, 2, 3])),
    ([0, 0, 0], ([], [0, 1, 2])),                   # all blank: every candidate is tied at zero
    ([1], ([0], [])),                               # one candidate with a vote
    ([0], ([], [])),                                # one candidate, all blank: nobody, no second round
    ([0, 1], ([1], [])),
    ([], ([], [])),
])
def test_absolute_majority_edge_cases(counts, expected):
    assert absolute_majority(counts=counts) == expected


def test_absolute_majority_excludes_blanks_from_the_valid_votes():
    # 10 ballots: 4 blank, 6 valid — 4 of 6 is a majority although it is not half of the ballots
    assert count_question(question=_q(2, rule=ABSOLUTE_MAJORITY), counts=[4, 2], ballots=10) == QuestionCount(
        rule=ABSOLUTE_MAJORITY, seats=1, counts=[4, 2], ballots=10, blank=4, valid=6, elected=[0], run_off=[],
        outcome=ELECTED)


def test_absolute_majority_with_weights_counts_weighted_votes():
    # ballots weigh 1, 1, 3: A gets the weight-3 ballot, B the two others; 3 of 5 is a majority
    c = count_question(question=_q(2, rule=ABSOLUTE_MAJORITY), counts=[3, 2], ballots=5)
    assert (c.elected, c.run_off, c.blank, c.valid, c.majority_needed, c.outcome) == ([0], [], 0, 5, 3, ELECTED)


def test_absolute_majority_all_blank_calls_a_second_round_between_everyone():
    c = count_question(question=_q(3, rule=ABSOLUTE_MAJORITY), counts=[0, 0, 0], ballots=4)
    assert (c.elected, c.run_off, c.blank, c.valid, c.majority_needed, c.outcome) == (
        [], [0, 1, 2], 4, 0, 1, RUN_OFF)


def test_one_candidate_without_votes_leaves_the_seat_unfilled():
    c = count_question(question=_q(1, rule=ABSOLUTE_MAJORITY), counts=[0], ballots=3)
    assert (c.elected, c.run_off, c.blank, c.outcome) == ([], [], 3, UNFILLED)


# ------------------------------------------------------------------------- blanks, validation, summary


def test_blanks_are_known_only_when_one_choice_is_allowed():
    one = count_question(question=_q(3, max_choices=1), counts=[2, 1, 0], ballots=5)
    several = count_question(question=_q(3, max_choices=2, seats=2), counts=[2, 1, 0], ballots=5)
    assert ((one.blank, one.valid), (several.blank, several.valid, several.majority_needed)) == (
        (2, 3), (None, None, None))


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"rule": LIMITED, "choices": 3, "max_choices": 2, "seats": 2}, None),
    ({"rule": LIMITED, "choices": 3, "max_choices": 1, "seats": 2}, None),        # limited vote: fewer marks
    ({"rule": ABSOLUTE_MAJORITY, "choices": 2, "max_choices": 1, "seats": 1}, None),
    ({"rule": "stv", "choices": 3, "max_choices": 1, "seats": 1}, "unknown_rule"),
    ({"rule": LIMITED, "choices": 3, "max_choices": 1, "seats": 0}, "bad_seats"),
    ({"rule": LIMITED, "choices": 3, "max_choices": 1, "seats": 4}, "bad_seats"),
    ({"rule": LIMITED, "choices": 3, "max_choices": 0, "seats": 1}, "bad_max"),
    ({"rule": ABSOLUTE_MAJORITY, "choices": 3, "max_choices": 2, "seats": 1}, "absolute_majority_needs_one"),
    ({"rule": ABSOLUTE_MAJORITY, "choices": 3, "max_choices": 1, "seats": 2}, "absolute_majority_needs_one"),
])
def test_question_problem(kwargs, expected):
    assert question_problem(**kwargs) == expected


@pytest.mark.parametrize(("counts", "ballots"), [
    ([3, 1], 3),          # one choice each, but 4 votes from 3 ballots
    ([4, 0], 3),          # more votes for one candidate than ballots
    ([-1, 2], 3),
    ([1, 1, 1], 3),       # one total too many
])
def test_impossible_totals_are_refused(counts, ballots):
    with pytest.raises(ValueError, match="question q"):
        count_question(question=_q(2), counts=counts, ballots=ballots)


def test_a_question_without_a_rule_is_counted_as_limited_with_seats_defaulting_to_max():
    q = {"id": "q", "choices": ["A", "B", "C"], "min": 0, "max": 2}
    c = count_question(question=q, counts=[3, 2, 1], ballots=4)
    assert (c.rule, c.seats, c.elected, c.outcome) == (LIMITED, 2, [0, 1], ELECTED)


def test_result_summary_states_rule_blanks_turnout_and_weights():
    questions = [{"id": "president", "title": "President", "choices": ["Ana", "Bo", "Cy"], "min": 0, "max": 1,
                  "seats": 1, "rule": ABSOLUTE_MAJORITY},
                 {"id": "africa", "title": "Africa", "choices": ["Dakar", "Abidjan", "Lagos"], "min": 0, "max": 2,
                  "seats": 2}]
    summary = result_summary(questions=questions, counts=[[4, 3, 1], [5, 3, 3]], ballots=7, ballots_weight=9,
                             voters=7, electorate=10, electorate_weight=12)
    assert summary == {
        "counts": [[4, 3, 1], [5, 3, 3]], "turnout": 7, "electorate": 10, "electorate_weight": 12, "ballots": 7,
        "ballots_weight": 9,
        "elected": [{"elected": [], "tied": [0, 1]}, {"elected": [0], "tied": [1, 2]}],
        "questions": [
            {"id": "president", "title": "President", "choices": ["Ana", "Bo", "Cy"], "min": 0, "max": 1,
             "rule": ABSOLUTE_MAJORITY, "seats": 1, "counts": [4, 3, 1], "ballots": 9, "blank": 1, "valid": 8,
             "elected": [], "run_off": [0, 1], "outcome": RUN_OFF, "majority_needed": 5},
            {"id": "africa", "title": "Africa", "choices": ["Dakar", "Abidjan", "Lagos"], "min": 0, "max": 2,
             "rule": LIMITED, "seats": 2, "counts": [5, 3, 3], "ballots": 9, "blank": None, "valid": None,
             "elected": [0], "run_off": [1, 2], "outcome": RUN_OFF, "majority_needed": None},
        ],
    }
    assert needs_run_off(summary) is True
    assert run_off_questions(summary) == [
        {"id": "president", "title": "President", "choices": ["Ana", "Bo"], "min": 0, "max": 1, "seats": 1,
         "rule": ABSOLUTE_MAJORITY},
        {"id": "africa", "title": "Africa", "choices": ["Abidjan", "Lagos"], "min": 0, "max": 1, "seats": 1,
         "rule": LIMITED},
    ]


def test_no_run_off_questions_when_everyone_is_elected():
    summary = result_summary(questions=[_q(2, rule=ABSOLUTE_MAJORITY)], counts=[[3, 1]], ballots=4,
                             ballots_weight=4, voters=4, electorate=5, electorate_weight=5)
    assert (needs_run_off(summary), run_off_questions(summary)) == (False, [])


def test_check_elected_accepts_the_derived_winners_and_catches_a_changed_claim():
    questions = [_q(3, rule=ABSOLUTE_MAJORITY)]
    derived = [{"elected": [0], "run_off": []}]
    assert elected_of(questions=questions, result=[[3, 1, 0]], ballots=5) == derived
    assert check_elected(questions=questions, result=[[3, 1, 0]], ballots=5, claimed=derived) == []
    assert check_elected(questions=questions, result=[[3, 1, 0]], ballots=5, claimed=None) == []
    assert check_elected(questions=questions, result=[[3, 1, 0]], ballots=5,
                         claimed=[{"elected": [1], "run_off": []}]) == [
        "the published winners [{'elected': [1], 'run_off': []}] differ from those the counting rules give "
        "[{'elected': [0], 'run_off': []}]"]
    bad_rule = [{**questions[0], "max": 2}]
    assert check_elected(questions=bad_rule, result=[[3, 1, 0]], ballots=5, claimed=derived) == [
        "the counting rule cannot be applied: question q: absolute_majority_needs_one"]


# ------------------------------------------------------------------------- properties

counts_st = st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=8)


def _limited_oracle(counts, seats):
    """Independent definition: elected iff it has votes and every candidate with at least as many fits."""
    at_least = [sum(1 for d in counts if d >= c) for c in counts]
    above = [sum(1 for d in counts if d > c) for c in counts]
    elected = {i for i, c in enumerate(counts) if c > 0 and at_least[i] <= seats}
    tied = {i for i, c in enumerate(counts) if c > 0 and above[i] < seats < at_least[i]}
    return elected, tied


@given(counts=counts_st, seats=st.integers(min_value=1, max_value=9))
def test_limited_matches_its_definition(counts, seats):
    elected, tied = limited(counts=counts, seats=seats)
    assert (set(elected), set(tied)) == _limited_oracle(counts, seats)
    assert elected == sorted(elected, key=lambda i: (-counts[i], i))
    assert len(elected) <= seats
    if tied:
        assert len({counts[i] for i in tied}) == 1 and len(elected) < seats < len(elected) + len(tied)


def _majority_oracle(counts):
    valid = sum(counts)
    winners = {i for i, c in enumerate(counts) if 2 * c > valid}
    if winners or len(counts) < 2:
        return winners, set()
    ranked = sorted(set(counts), reverse=True)
    top = {i for i, c in enumerate(counts) if c == ranked[0]}
    if len(top) >= 2:
        return set(), top
    return set(), top | {i for i, c in enumerate(counts) if c == ranked[1]}


@given(counts=counts_st)
def test_absolute_majority_matches_its_definition(counts):
    elected, run_off = absolute_majority(counts=counts)
    assert (set(elected), set(run_off)) == _majority_oracle(counts)
    assert len(elected) <= 1 and (not run_off or len(run_off) >= 2)


@given(counts=counts_st, seats=st.integers(min_value=1, max_value=9), weight=st.integers(min_value=2, max_value=5),
       data=st.data())
def test_rules_ignore_candidate_order_and_a_common_weight(counts, seats, weight, data):
    perm = data.draw(st.permutations(range(len(counts))))
    shuffled = [counts[p] for p in perm]           # candidate k of `shuffled` is candidate perm[k] of `counts`
    for rule in (lambda c: limited(counts=c, seats=seats), lambda c: absolute_majority(counts=c)):
        elected, other = rule(counts)
        s_elected, s_other = rule(shuffled)
        assert ({perm[k] for k in s_elected}, {perm[k] for k in s_other}) == (set(elected), set(other))
        assert rule([c * weight for c in counts]) == (elected, other)


@given(counts=counts_st, extra_blank=st.integers(min_value=0, max_value=20))
def test_blank_answers_never_change_an_absolute_majority_result(counts, extra_blank):
    q = _q(len(counts), rule=ABSOLUTE_MAJORITY)
    ballots = sum(counts)
    first = count_question(question=q, counts=counts, ballots=ballots)
    more_blank = count_question(question=q, counts=counts, ballots=ballots + extra_blank)
    assert (more_blank.elected, more_blank.run_off, more_blank.blank) == (first.elected, first.run_off, extra_blank)


@given(counts=counts_st, seats=st.integers(min_value=1, max_value=8))
def test_a_run_off_question_fills_exactly_the_seats_left(counts, seats):
    seats = min(seats, len(counts))
    q = _q(len(counts), max_choices=seats, seats=seats)
    summary = result_summary(questions=[q], counts=[counts], ballots=sum(counts), ballots_weight=sum(counts),
                             voters=1, electorate=1, electorate_weight=1)
    c = summary["questions"][0]
    second = run_off_questions(summary)
    if c["outcome"] == RUN_OFF:
        assert [(s["seats"], len(s["choices"])) for s in second] == [(seats - len(c["elected"]), len(c["run_off"]))]
        assert second[0]["seats"] < len(second[0]["choices"])
    else:
        assert second == []
