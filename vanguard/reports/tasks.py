"""The background worker's tasks of the reports app. Tasks take ids (`Job` rows)."""

from django_tasks import task

from vanguard.reports import jobs


@task()
def run_job(job_id: int) -> None:
    jobs.run(job_id)
