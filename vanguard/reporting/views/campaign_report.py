"""The campaign report (活动总结报告) for the leading group: a page to start it, and the
background job writing it as a Word document or a PDF (my downloads)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.reporting import campaign_report, report_documents
from vanguard.reports import jobs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"docx": DOCX, "pdf": jobs.PDF}
STEPS = 3  # figures, charts, the document


@login_required
def report_page(request, campaign_pk):
    campaign = request.scope.get_campaign_report_or_404(campaign_pk)
    return render(request, "reporting/campaign_report.html", {"campaign": campaign})


@login_required
@require_POST
def report_start(request, campaign_pk, fmt):
    campaign = request.scope.get_campaign_report_or_404(campaign_pk)
    if fmt not in FORMATS:
        raise Http404
    title = _("Campaign report of %(campaign)s (%(format)s)") % {
        "campaign": campaign.title,
        "format": "Word" if fmt == "docx" else "PDF",
    }
    params = {"campaign_pk": campaign.pk, "fmt": fmt}
    return jobs.start_response(request, "reporting.campaign_report", title, params)


@jobs.export("reporting.campaign_report")
def build_campaign_report(ctx, campaign_pk, fmt) -> jobs.Output:
    """Made by the background worker, access checked again with the owner's scope."""
    campaign = ctx.scope.get_campaign_report_or_404(campaign_pk)
    if fmt not in FORMATS:
        raise Http404
    ctx.progress(0, STEPS)
    data = campaign_report.build(campaign, ctx.scope)
    ctx.progress(1, STEPS)
    drawn = report_documents.charts(data)
    ctx.progress(2, STEPS)
    write = report_documents.docx if fmt == "docx" else report_documents.pdf
    content = write(data, drawn)
    ctx.progress(STEPS, STEPS)
    filename = f"{campaign.title}-{data.made_at:%Y%m%d}.{fmt}"
    return jobs.Output(filename, FORMATS[fmt], content=content)
