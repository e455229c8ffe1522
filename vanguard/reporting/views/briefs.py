"""简报、信息报送: units write briefs, the office reviews, accepts and may publish them; the
office's page counts them per unit and per batch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import MANAGE, STAFF
from vanguard.ops.files import send_file
from vanguard.reporting import services
from vanguard.reporting.compliance import min_briefs
from vanguard.reporting.forms import BriefForm, NoteForm
from vanguard.reporting.models import COUNTED, Brief, BriefPicture, BriefStatus
from vanguard.reporting.views.common import attempt, require

MODULE = "briefs"
PER_PAGE = 30


def _brief_or_404(request, pk) -> Brief:
    return request.scope.get_or_404(
        Brief.objects.select_related(
            "campaign__organization", "enrollment__organization", "enrollment__batch", "author"
        ),
        unit=lambda b: b.enrollment.organization,
        reach=STAFF,
        module=MODULE,
        pk=pk,
    )


def _counts(briefs) -> dict:
    return {
        "total": Count("pk", filter=~Q(status__in=(BriefStatus.DRAFT, BriefStatus.WITHDRAWN))),
        "accepted": Count("pk", filter=Q(status__in=COUNTED)),
        "published": Count("pk", filter=Q(status=BriefStatus.PUBLISHED)),
        "waiting": Count("pk", filter=Q(status=BriefStatus.SUBMITTED)),
    }


@login_required
def brief_list(request, campaign_pk):
    """The campaign's briefs the user reads, with counts per unit and per batch."""
    campaign = request.scope.get_campaign_or_404(campaign_pk, module=MODULE)
    briefs = (
        Brief.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter("enrollment__organization__"))
        .select_related("enrollment__organization", "enrollment__batch")
    )
    counts = _counts(briefs)
    per_unit = (
        briefs.values("enrollment_id", "enrollment__organization__name", "enrollment__batch__title")
        .annotate(**counts)
        .order_by("enrollment__batch__number", "enrollment__organization__path")
    )
    per_batch = (
        briefs.values("enrollment__batch__title")
        .annotate(**counts)
        .order_by("enrollment__batch__number")
    )
    status = request.GET.get("status", "")
    listed = briefs.filter(status=status) if status in BriefStatus.values else briefs
    context = {
        "campaign": campaign,
        "page": Paginator(listed.order_by("-pk"), PER_PAGE).get_page(request.GET.get("page")),
        "per_unit": per_unit,
        "per_batch": per_batch,
        "statuses": BriefStatus.choices,
        "status": status,
        "minimum": min_briefs(campaign),
    }
    return render(request, "reporting/brief_list.html", context)


@login_required
def unit_briefs(request, campaign_pk, enrollment_pk, form=None, status=200):
    """A unit's briefs and the form for a new one (its managers)."""
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, reach=STAFF, module=MODULE
    )
    can_write = request.scope.can_write_reports(enrollment.organization)
    if form is None and can_write and not enrollment.campaign.is_read_only:
        form = BriefForm()
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "briefs": Brief.objects.filter(enrollment=enrollment).order_by("-pk"),
        "form": form,
        "minimum": min_briefs(enrollment.campaign),
    }
    return render(request, "reporting/unit_briefs.html", context, status=status)


@login_required
@require_POST
def brief_new(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, reach=STAFF, require=MANAGE, module=MODULE
    )
    form = BriefForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            brief = services.create_brief(
                enrollment,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                pictures=form.pictures(),
                author=request.user,
                acting=request.scope,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft was saved; submit it when it is ready."))
            return redirect(brief)
    return unit_briefs(request, campaign_pk, enrollment_pk, form=form, status=400)


@login_required
def brief_detail(request, pk):
    brief = _brief_or_404(request, pk)
    scope = request.scope
    editable = (
        scope.can_write_reports(brief.enrollment.organization)
        and brief.status in services.EDITABLE_BRIEF
        and not brief.campaign.is_read_only
    )
    form = None
    if editable:
        initial = {"title": brief.title, "body": brief.body}
        form = BriefForm(request.POST or None, request.FILES or None, initial=initial)
    elif request.method == "POST":
        require(False)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.update_brief(
                brief,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                pictures=form.pictures(),
                acting=scope,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The brief was saved."))
            return redirect(brief)
    context = {
        "brief": brief,
        "campaign": brief.campaign,
        "enrollment": brief.enrollment,
        "pictures": brief.pictures.all(),
        "form": form,
        "can_write": scope.can_write_reports(brief.enrollment.organization)
        and not brief.campaign.is_read_only,
        "can_review": scope.can_review_brief(brief) and not brief.campaign.is_read_only,
        "note_form": NoteForm(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/brief_detail.html", context, status=status)


ACTIONS = {
    "submit": (False, _("Submitted for review.")),
    "withdraw": (False, _("The brief is withdrawn.")),
    "accept": (True, _("The brief is accepted.")),
    "return": (True, _("Returned to the unit.")),
    "publish": (True, _("Published on the public site.")),
    "unpublish": (True, _("Taken off the public site.")),
}


@login_required
@require_POST
def brief_action(request, pk, action):
    brief = _brief_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404
    by_office, success = ACTIONS[action]
    scope = request.scope
    require(
        scope.can_review_brief(brief)
        if by_office
        else scope.can_write_reports(brief.enrollment.organization)
    )
    calls = {
        "submit": lambda: services.submit_brief(brief, acting=scope),
        "withdraw": lambda: services.withdraw_brief(brief, acting=scope),
        "accept": lambda: services.accept_brief(brief, by=request.user, acting=scope),
        "return": lambda: services.return_brief(
            brief, by=request.user, note=request.POST.get("note", ""), acting=scope
        ),
        "publish": lambda: services.publish_brief(brief, acting=scope),
        "unpublish": lambda: services.unpublish_brief(brief, acting=scope),
    }
    attempt(request, calls[action], str(success))
    return redirect(brief)


@login_required
def brief_picture(request, pk):
    picture = (
        BriefPicture.objects.select_related("brief__enrollment__organization", "brief__campaign")
        .filter(pk=pk)
        .first()
    )
    if picture is None or not request.scope.can_see_reports(picture.brief.enrollment.organization):
        raise Http404
    request.scope.module_or_404(picture.brief.campaign, MODULE)
    return send_file(picture.image)
