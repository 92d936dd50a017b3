from datetime import datetime

from ninja import Schema


class CycleOut(Schema):
    slug: str
    name: str
    year: int
    time_zone: str  # the zone the deadlines are announced in; the moments below are absolute
    call_closes_at: datetime
    vote_opens_at: datetime
    vote_closes_at: datetime


class ShowcaseEntryOut(Schema):
    id: int
    title: str
    city: str
    country: str
    region: str
    applicant_slug: str
    status: str
    sdgs: list[int]
    member_page: str


class SuggestIn(Schema):
    text: str


class SuggestOut(Schema):
    sdgs: list[int]


class VoteIn(Schema):
    submission: int
    email: str = ""


class VoteOut(Schema):
    status: str


class ReviewIn(Schema):
    scores: dict[int, int]
    comment_to_staff: str = ""
    comment_to_applicant: str = ""
    submit: bool = False


class ReviewOut(Schema):
    id: int
    status: str
    total: float | None


class AssignmentRunOut(Schema):
    objective: float
    bound: float
    solver: str
    min_load: int
    max_load: int
