"""Who may do what in the award. Used by views, the API, templates and tests."""

from .enums import FINALIST_STATUSES, ReviewStatus, SubmissionStatus


def is_award_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_apply(user) -> bool:
    return bool(user.is_authenticated)


def can_view_submission(user, submission) -> bool:
    return is_award_staff(user) or (user.is_authenticated and submission.submitted_by_id == user.pk)


def can_edit_submission(user, submission) -> bool:
    return (user.is_authenticated and submission.submitted_by_id == user.pk
            and submission.status == SubmissionStatus.DRAFT)


def can_review(user, assignment) -> bool:
    """The assigned reviewer, and only while no conflict of interest is known."""
    from .selectors import conflict_reasons

    if not user.is_authenticated or assignment.member.person.user_id != user.pk:
        return False
    return not conflict_reasons(assignment.member, assignment.submission)


def can_see_co_reviews(user, assignment) -> bool:
    """Others' reviews of a submission: staff, or a reviewer after submitting their own."""
    if is_award_staff(user):
        return True
    review = getattr(assignment, "review", None)
    return bool(can_review(user, assignment) and review is not None
                and review.status in (ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED))


def can_view_showcase(user, cycle) -> bool:
    return bool(cycle.showcase_public or is_award_staff(user))


def can_view_showcase_entry(user, submission) -> bool:
    return can_view_showcase(user, submission.cycle) and submission.status in FINALIST_STATUSES


def can_view_report(user, cycle) -> bool:
    return can_view_showcase(user, cycle)


def can_see_applicant_feedback(user, submission) -> bool:
    """Applicants see reviewers' comments to them only once staff release the results."""
    return can_view_submission(user, submission) and (submission.cycle.results_public or is_award_staff(user))


def can_set_up_award(user) -> bool:
    """Panels, rounds, rubrics and the assignment: the award's secretariat (staff)."""
    return is_award_staff(user)
