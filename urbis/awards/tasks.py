"""Thin background tasks: they take ids and call a service."""

from django_tasks import task


@task()
def task_send_applicant_message(*, submission_id: int, subject: str, body: str) -> None:
    from .services import send_applicant_message

    send_applicant_message(submission_id=submission_id, subject=subject, body=body)


@task()
def task_send_review_reminder(*, round_id: int, member_id: int) -> None:
    from .services import send_review_reminder

    send_review_reminder(round_id=round_id, member_id=member_id)


@task()
def task_send_vote_confirmation(*, request_id: int) -> None:
    from .services import send_vote_confirmation

    send_vote_confirmation(request_id=request_id)


@task()
def task_build_report(*, job_id: int) -> None:
    from .services import build_report

    build_report(job_id=job_id)


@task()
def task_compute_rank_intervals(*, intervals_id: int) -> None:
    from .services import compute_rank_intervals

    compute_rank_intervals(intervals_id=intervals_id)
