"""Pure rules of a meeting: who is represented, quorum, majorities, seats. No database, no Django.

The counting rules of secret elections live in `verifier/counting.py` (the standalone verifier needs
them too) and are re-exported here.

Everything here is a function of plain values (the frozen electorate, presence, proxies, counts),
so each rule is tested for its edge cases on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .verifier.counting import (  # noqa: F401  (re-exported: the counting rules of secret elections)
    ABSOLUTE_MAJORITY,
    LIMITED,
    RULES,
    QuestionCount,
    absolute_majority,
    count_question,
    limited,
    question_problem,
    result_summary,
    run_off_questions,
)


class QuorumRule(StrEnum):
    NONE = "none"                          # no quorum needed (e.g. reports)
    MAJORITY_OF_MEMBERS = "majority"       # more than half of the members present or represented
    THIRD_OF_MEMBERS = "third"             # at least one third
    TWO_THIRDS_OF_MEMBERS = "two_thirds"   # at least two thirds


class MajorityRule(StrEnum):
    SIMPLE = "simple"                      # more yes than no; abstentions ignored
    ABSOLUTE = "absolute"                  # yes > half of the votes cast, abstentions counted as cast
    TWO_THIRDS = "two_thirds"              # yes ≥ two thirds of yes + no
    TWO_THIRDS_WITH_ABSTENTIONS = "two_thirds_abst"  # yes ≥ two thirds of yes + no + abstain
    ABSOLUTE_OF_ELECTORATE = "absolute_electorate"   # yes > half of the whole electorate's weight


@dataclass(frozen=True)
class Seat:
    member: int
    weight: int = 1


@dataclass(frozen=True)
class Representation:
    by: dict[int, int]          # member → member that casts its vote (itself, or its proxy holder)
    refused: dict[int, str]     # member → why its proxy does not count ("cap", "holder_absent", "chain")


def representation(*, seats: list[Seat], present: set[int], proxies: dict[int, int], cap: int) -> Representation:
    """Who casts each member's vote.

    A present member votes for itself (a proxy it gave is then unused). An absent member is represented
    by its proxy holder if the holder is present, holds no more than `cap` proxies (earlier grants —
    lower member ids in `proxies` order — win) and is not itself represented by someone else.
    """
    members = {s.member for s in seats}
    by: dict[int, int] = {m: m for m in members if m in present}
    refused: dict[int, str] = {}
    held: dict[int, int] = {}
    for grantor, holder in proxies.items():
        if grantor not in members or grantor in present:
            continue
        if holder not in members or holder == grantor:
            refused[grantor] = "invalid"
        elif holder not in present:
            refused[grantor] = "holder_absent"
        elif held.get(holder, 0) >= cap:
            refused[grantor] = "cap"
        else:
            held[holder] = held.get(holder, 0) + 1
            by[grantor] = holder
    return Representation(by=by, refused=refused)


@dataclass(frozen=True)
class Quorum:
    met: bool
    have: int
    needed: int
    total: int


def quorum(*, rule: QuorumRule | str, members_total: int, represented: int) -> Quorum:
    """Quorum on the number of members (present or represented) out of the frozen electorate."""
    rule = QuorumRule(rule)
    if members_total <= 0:
        return Quorum(met=rule == QuorumRule.NONE, have=represented, needed=0, total=0)
    if rule == QuorumRule.NONE:
        needed = 0
    elif rule == QuorumRule.MAJORITY_OF_MEMBERS:
        needed = members_total // 2 + 1
    elif rule == QuorumRule.THIRD_OF_MEMBERS:
        needed = -(-members_total // 3)
    else:
        needed = -(-2 * members_total // 3)
    return Quorum(met=represented >= needed, have=represented, needed=needed, total=members_total)


@dataclass(frozen=True)
class Outcome:
    passed: bool
    yes: int
    no: int
    abstain: int
    rule: str


def majority(*, rule: MajorityRule | str, yes: int, no: int, abstain: int, electorate_weight: int = 0) -> Outcome:
    """Whether a motion passes under `rule` (weights already applied). A tie never passes."""
    rule = MajorityRule(rule)
    if min(yes, no, abstain) < 0:
        raise ValueError("vote counts cannot be negative")
    if rule == MajorityRule.SIMPLE:
        passed = yes > no
    elif rule == MajorityRule.ABSOLUTE:
        passed = 2 * yes > yes + no + abstain
    elif rule == MajorityRule.TWO_THIRDS:
        passed = yes + no > 0 and 3 * yes >= 2 * (yes + no)
    elif rule == MajorityRule.TWO_THIRDS_WITH_ABSTENTIONS:
        passed = yes + no + abstain > 0 and 3 * yes >= 2 * (yes + no + abstain)
    else:
        passed = 2 * yes > electorate_weight
    return Outcome(passed=passed, yes=yes, no=no, abstain=abstain, rule=rule.value)


@dataclass(frozen=True)
class SeatResult:
    elected: list[int]   # choice indices elected outright, by votes then index
    tied: list[int]      # choices tied for the last seat(s); statutes: a run-off between them


def seats_won(*, counts: list[int], seats: int) -> SeatResult:
    """Approval / limited voting: the `seats` choices with the most votes; a tie at the cut is reported."""
    elected, tied = limited(counts=counts, seats=seats)
    return SeatResult(elected, tied)
