"""My downloads (我的下载): the signed-in user's background jobs, a job's progress (polled by
htmx while it runs) and its file. Only the user who started a job sees it; anyone else
gets 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from vanguard.ops.files import send_file
from vanguard.reports.jobs import PDF, download_hours
from vanguard.reports.models import Job

LIST_SIZE = 50


def _own_job_or_404(request, pk) -> Job:
    return request.scope.get_job_or_404(pk)


@login_required
def downloads(request):
    jobs = request.scope.jobs().defer("params", "result")[:LIST_SIZE]
    jobs = list(jobs)
    context = {
        "jobs": jobs,
        "polling": any(job.is_active for job in jobs),
        "download_hours": download_hours(),
    }
    if request.htmx:
        return render(request, "reports/_downloads_table.html", context)
    return render(request, "reports/downloads.html", context)


@login_required
def job_detail(request, pk):
    job = _own_job_or_404(request, pk)
    template = "reports/_job_status.html" if request.htmx else "reports/job.html"
    return render(request, template, {"job": job})


@login_required
def job_file(request, pk):
    job = _own_job_or_404(request, pk)
    if job.expired:
        return render(request, "reports/expired.html", {"job": job}, status=410)
    if not job.downloadable:
        raise Http404
    # A PDF opens in the browser, ready to print; behind nginx, nginx sends the file.
    return send_file(job.file, filename=job.filename, as_attachment=job.content_type != PDF)
