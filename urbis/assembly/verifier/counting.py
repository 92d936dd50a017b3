"""Who is elected: the counting rules of a secret election, applied to its decrypted totals.

Pure Python, no Django: the web application and the standalone verifier call the same functions, so
anyone holding a record can re-derive who was elected (and whether a second round is needed) from the
totals that the trustees decrypted.

A question's counting rule:

- ``limited`` — limited (or approval) voting: each ballot marks up to ``max`` candidates; the ``seats``
  candidates with the most votes are elected. Candidates tied for the last seat(s) are not elected: the
  seats they compete for go to a second round between them. A candidate without any vote is never
  elected (the seat stays unfilled).
- ``absolute_majority`` — one seat, one choice per ballot (the presidency): a candidate is elected with
  more than half of the valid votes cast; blank answers (no candidate marked) are counted separately and
  are not valid votes. Otherwise a second round is held between the two leading candidates; when several
  are tied for first or for second place, all of them take part.

Blank answers are knowable only for a question with ``max = 1``: every ballot answers every question, so
``blank = ballots − Σ counts`` (in weighted votes). With ``max > 1`` the homomorphic sums give only the
votes per candidate, and nothing here pretends otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

LIMITED = "limited"
ABSOLUTE_MAJORITY = "absolute_majority"
RULES = (LIMITED, ABSOLUTE_MAJORITY)

# outcome of one question
ELECTED = "elected"      # every seat is filled
RUN_OFF = "run_off"      # a second round is needed between `run_off` candidates
UNFILLED = "unfilled"    # a seat stays empty: not enough candidates received a vote


def rule_of(question: dict) -> str:
    return str(question.get("rule", LIMITED))


def seats_of(question: dict) -> int:
    return int(question.get("seats", question["max"]))


def question_problem(*, rule: str, choices: int, max_choices: int, seats: int) -> str | None:
    """Why a question's counting rule cannot apply (a stable code), or None when it is consistent."""
    if rule not in RULES:
        return "unknown_rule"
    if not 1 <= seats <= choices:
        return "bad_seats"
    if max_choices < 1:
        return "bad_max"
    if rule == ABSOLUTE_MAJORITY and (max_choices != 1 or seats != 1):
        return "absolute_majority_needs_one"
    return None


def _order(counts: list[int]) -> list[int]:
    return sorted(range(len(counts)), key=lambda i: (-counts[i], i))


def limited(*, counts: list[int], seats: int) -> tuple[list[int], list[int]]:
    """(elected, tied) under limited voting; both by votes, then ballot order.

    `tied` are the candidates tied for the last seat(s) when they do not all fit: the remaining
    `seats − len(elected)` seats go to a second round between them.
    """
    if seats <= 0 or not counts:
        return [], []
    order = _order(counts)
    if seats >= len(counts):
        return [i for i in order if counts[i] > 0], []
    cut = counts[order[seats - 1]]
    above = [i for i in order if counts[i] > cut]
    at_cut = [i for i in order if counts[i] == cut]
    if cut == 0:
        return above, []
    if len(above) + len(at_cut) == seats:
        return above + at_cut, []
    return above, at_cut


def absolute_majority(*, counts: list[int]) -> tuple[list[int], list[int]]:
    """(elected, run_off) for one seat by absolute majority of the valid votes (`counts` exclude blanks)."""
    valid = sum(counts)
    if not counts:
        return [], []
    order = _order(counts)
    top = counts[order[0]]
    if valid > 0 and 2 * top > valid:
        return [order[0]], []
    if len(counts) < 2:
        return [], []
    leaders = [i for i in order if counts[i] == top]
    if len(leaders) >= 2:
        return [], leaders
    second = counts[order[1]]
    return [], [order[0]] + [i for i in order if counts[i] == second]


@dataclass(frozen=True)
class QuestionCount:
    rule: str
    seats: int
    counts: list[int]        # weighted votes per candidate, in ballot order
    ballots: int             # weighted ballots counted (every ballot answers every question)
    blank: int | None        # weighted blank answers; None when not knowable (max > 1)
    valid: int | None        # weighted votes for a candidate; None when not knowable (max > 1)
    elected: list[int]       # candidate indices, by votes then ballot order
    run_off: list[int]       # candidates of the second round that is needed; [] when none
    outcome: str             # ELECTED, RUN_OFF or UNFILLED

    @property
    def majority_needed(self) -> int | None:
        """Votes needed for an absolute majority of the valid votes (absolute-majority questions)."""
        if self.rule != ABSOLUTE_MAJORITY or self.valid is None:
            return None
        return self.valid // 2 + 1


def count_question(*, question: dict, counts: list[int], ballots: int) -> QuestionCount:
    """Apply `question`'s rule to its decrypted totals; `ballots` is the weight of the ballots counted.

    Raises ValueError when the figures cannot come from valid ballots or the rule does not fit.
    """
    rule, seats, max_choices = rule_of(question), seats_of(question), int(question["max"])
    problem = question_problem(rule=rule, choices=len(question["choices"]), max_choices=max_choices, seats=seats)
    if problem:
        raise ValueError(f"question {question.get('id')}: {problem}")
    counts = [int(c) for c in counts]
    if len(counts) != len(question["choices"]):
        raise ValueError(f"question {question.get('id')}: one total per candidate is needed")
    if any(c < 0 or c > ballots for c in counts) or sum(counts) > max_choices * ballots:
        raise ValueError(f"question {question.get('id')}: the totals cannot come from {ballots} ballots")
    blank = valid = None
    if max_choices == 1:
        valid = sum(counts)
        blank = ballots - valid
    if rule == ABSOLUTE_MAJORITY:
        elected, run_off = absolute_majority(counts=counts)
    else:
        elected, run_off = limited(counts=counts, seats=seats)
    outcome = RUN_OFF if run_off else (ELECTED if len(elected) == seats else UNFILLED)
    return QuestionCount(rule=rule, seats=seats, counts=counts, ballots=ballots, blank=blank, valid=valid,
                         elected=elected, run_off=run_off, outcome=outcome)


def elected_of(*, questions: list[dict], result: list[list[int]], ballots: int) -> list[dict]:
    """Per question {elected, run_off}: what a record's tally claims (`tally.elected`)."""
    out = []
    for q, row in zip(questions, result, strict=True):
        c = count_question(question=q, counts=row, ballots=ballots)
        out.append({"elected": c.elected, "run_off": c.run_off})
    return out


def check_elected(*, questions: list[dict], result: list[list[int]], ballots: int,
                  claimed: list[dict] | None) -> list[str]:
    """The verifier's check: problems with the winners the record claims (none when it claims none)."""
    try:
        derived = elected_of(questions=questions, result=result, ballots=ballots)
    except ValueError as exc:
        return [f"the counting rule cannot be applied: {exc}"]
    if claimed is None or claimed == derived:
        return []
    return [f"the published winners {claimed} differ from those the counting rules give {derived}"]


def result_summary(*, questions: list[dict], counts: list[list[int]], ballots: int, ballots_weight: int,
                   voters: int, electorate: int, electorate_weight: int) -> dict:
    """An election item's stored result: turnout, weights and, per question, the rule applied and its outcome.

    `ballots` is the number of ballots counted, `ballots_weight` their weight; `voters` the member
    governments that took part; `electorate`/`electorate_weight` the frozen electorate.
    """
    per_question = []
    for q, row in zip(questions, counts, strict=True):
        c = count_question(question=q, counts=row, ballots=ballots_weight)
        per_question.append({"id": q["id"], "title": q.get("title", q["id"]), "choices": list(q["choices"]),
                             "min": int(q.get("min", 0)), "max": int(q["max"]), **asdict(c),
                             "majority_needed": c.majority_needed})
    return {
        "counts": [list(row) for row in counts], "turnout": voters, "electorate": electorate,
        "electorate_weight": electorate_weight, "ballots": ballots, "ballots_weight": ballots_weight,
        # the earlier shape, kept for readers of `elected` (the minutes): tied = the second round's candidates
        "elected": [{"elected": q["elected"], "tied": q["run_off"]} for q in per_question],
        "questions": per_question,
    }


def needs_run_off(summary: dict) -> bool:
    return any(q.get("outcome") == RUN_OFF for q in summary.get("questions", []))


def run_off_questions(summary: dict) -> list[dict]:
    """The questions of the second round: for each question that needs one, its run-off candidates
    (in the first round's ballot order) for the seats still to fill, under the same rule."""
    out = []
    for q in summary.get("questions", []):
        if q.get("outcome") != RUN_OFF:
            continue
        remaining = int(q["seats"]) - len(q["elected"])
        max_choices = min(int(q["max"]), remaining)
        out.append({"id": q["id"], "title": q["title"], "choices": [q["choices"][i] for i in sorted(q["run_off"])],
                    "min": min(int(q["min"]), max_choices), "max": max_choices, "seats": remaining,
                    "rule": q["rule"]})
    return out
