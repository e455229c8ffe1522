"""Pages of schools' Party work: a unit's 三培养 and 党员先锋岗, who committed to which of
the four roles, and a teacher member's own commitments. Thin: the rules are in
`services`, access in `accounts.access`; a part the campaign lacks answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import STAFF
from vanguard.schools import services
from vanguard.schools.forms import AssessForm, CommitForm, PostForm, RecordForm, TrainingForm
from vanguard.schools.models import RoleCommitment, TrainingRecord, VanguardPost


def _require(on: bool) -> None:
    if not on:
        raise Http404


def _unit(request, campaign_pk, enrollment_pk, part):
    enrollment = request.scope.get_enrollment_or_404(campaign_pk, enrollment_pk, require=STAFF)
    _require(part(enrollment.campaign))
    return enrollment


def _labels(items) -> dict[str, str]:
    return {item.code: item.title for item in items}


def _saved(form, save) -> bool:
    """Run a service on a valid form; its rule errors go onto the form."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


# -- 三培养 -----------------------------------------------------------------------------------


def _training_page(request, enrollment, record, template):
    can_manage = request.scope.can_manage_org(enrollment.organization)
    members = services.unit_members(enrollment).order_by("name")
    form = TrainingForm(
        request.POST or None, instance=record, enrollment=enrollment, members=members
    )
    if request.method == "POST":
        request.scope.require(can_manage)
        form.instance.enrollment = enrollment
        if _saved(form, lambda: services.save_training(form.instance, acting=request.scope)):
            messages.success(request, _("Saved."))
            return redirect("schools:trainings", enrollment.campaign_id, enrollment.pk)
        messages.error(request, _("Nothing was saved; see the form."))
    tracks = _labels(enrollment.campaign.rules.training_tracks)
    records = list(TrainingRecord.objects.filter(enrollment=enrollment).select_related("member"))
    groups = [
        (code, title, [r for r in records if r.track == code]) for code, title in tracks.items()
    ]
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "groups": groups,
        "form": form,
        "record": record,
        "can_manage": can_manage,
    }
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
def trainings(request, campaign_pk, enrollment_pk):
    enrollment = _unit(request, campaign_pk, enrollment_pk, services.trainings_on)
    return _training_page(request, enrollment, None, "schools/trainings.html")


@login_required
def training_edit(request, pk):
    record = request.scope.get_or_404(
        TrainingRecord.objects.select_related("enrollment__organization", "enrollment__campaign"),
        unit=lambda r: r.enrollment.organization,
        reach=STAFF,
        pk=pk,
    )
    _require(services.trainings_on(record.enrollment.campaign))
    return _training_page(request, record.enrollment, record, "schools/trainings.html")


# -- 党员先锋岗 ---------------------------------------------------------------------------------


@login_required
def posts(request, campaign_pk, enrollment_pk):
    enrollment = _unit(request, campaign_pk, enrollment_pk, services.posts_on)
    can_manage = request.scope.can_manage_org(enrollment.organization)
    members = services.unit_members(enrollment).order_by("name")
    form = PostForm(request.POST or None, members=members)
    if request.method == "POST":
        request.scope.require(can_manage)
        form.instance.enrollment = enrollment
        holders = lambda: form.cleaned_data["holders"]  # noqa: E731
        if _saved(form, lambda: services.save_post(form.instance, holders(), acting=request.scope)):
            messages.success(request, _("Post created."))
            return redirect("schools:posts", campaign_pk, enrollment.pk)
        messages.error(request, _("Nothing was saved; see the form."))
    grades = _labels(enrollment.campaign.rules.post_grades)
    found = list(VanguardPost.objects.filter(enrollment=enrollment).prefetch_related("holders"))
    for post in found:
        post.grade_title = grades.get(post.grade, "")
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "posts": found,
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "schools/posts.html", context, status=400 if form.errors else 200)


@login_required
def post_detail(request, pk):
    """A post, its holders, and its assessment at the end of its term."""
    post = request.scope.get_or_404(
        VanguardPost.objects.select_related(
            "enrollment__organization", "enrollment__campaign"
        ).prefetch_related("holders"),
        unit=lambda p: p.enrollment.organization,
        pk=pk,
    )
    campaign = post.enrollment.campaign
    _require(services.posts_on(campaign))
    today = timezone.localdate()
    can_manage = request.scope.can_manage_org(post.enrollment.organization)
    form = AssessForm(request.POST or None, campaign=campaign)
    if request.method == "POST":
        request.scope.require(can_manage)
        data = lambda: form.cleaned_data  # noqa: E731
        assess = lambda: services.assess(  # noqa: E731
            post, data()["grade"], data()["remarks"], today=today, acting=request.scope
        )
        if _saved(form, assess):
            messages.success(request, _("Assessment saved."))
            return redirect("schools:post", post.pk)
        messages.error(request, _("The assessment was not saved; see the form."))
    context = {
        "campaign": campaign,
        "enrollment": post.enrollment,
        "post": post,
        "grade_title": _labels(campaign.rules.post_grades).get(post.grade, ""),
        "form": form,
        "can_manage": can_manage,
        "can_assess": can_manage and services.can_assess(post, today),
    }
    return render(request, "schools/post.html", context, status=400 if form.errors else 200)


# -- the four roles of teacher members ------------------------------------------------------


@login_required
def unit_roles(request, campaign_pk, enrollment_pk):
    """Who committed to which role, with how many records each."""
    enrollment = _unit(request, campaign_pk, enrollment_pk, services.roles_on)
    roles = enrollment.campaign.rules.teacher_roles
    commitments = list(
        RoleCommitment.objects.filter(enrollment=enrollment)
        .select_related("member")
        .prefetch_related("records")
    )
    by_member: dict[int, dict] = {}
    for commitment in commitments:
        row = by_member.setdefault(commitment.member_id, {"member": commitment.member, "roles": {}})
        row["roles"][commitment.role] = commitment
    rows = sorted(by_member.values(), key=lambda row: row["member"].name)
    for row in rows:
        row["cells"] = [row["roles"].get(role.code) for role in roles]
    totals = [sum(1 for c in commitments if c.role == role.code) for role in roles]
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "roles": roles,
        "rows": rows,
        "totals": totals,
        "teachers": services.unit_members(enrollment).count(),
    }
    return render(request, "schools/unit_roles.html", context)


@login_required
def my_roles(request, campaign_pk):
    """A teacher member's commitments and records; a new commitment (POST)."""
    campaign, enrollment = request.scope.get_member_enrollment_or_404(campaign_pk)
    _require(services.roles_on(campaign))
    member = request.scope.member
    if not services.is_teacher_member(member, enrollment):
        raise Http404
    today = timezone.localdate()
    form = CommitForm(request.POST or None, campaign=campaign)
    if request.method == "POST":
        data = lambda: form.cleaned_data  # noqa: E731
        commit = lambda: services.commit(  # noqa: E731
            enrollment, data()["role"], data()["pledge"], today=today, acting=request.scope
        )
        if _saved(form, commit):
            messages.success(request, _("Commitment made."))
            return redirect("schools:my-roles", campaign_pk)
        messages.error(request, _("Nothing was saved; see the form."))
    roles = _labels(campaign.rules.teacher_roles)
    commitments = list(
        RoleCommitment.objects.filter(enrollment=enrollment, member=member).prefetch_related(
            "records"
        )
    )
    for commitment in commitments:
        commitment.role_title = roles.get(commitment.role, commitment.role)
    context = {
        "campaign": campaign,
        "enrollment": enrollment,
        "commitments": commitments,
        "form": form,
        "record_form": RecordForm(initial={"done_on": today}),
        "today": today,
    }
    return render(request, "schools/my_roles.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def role_record(request, pk):
    commitment = (
        RoleCommitment.objects.select_related("enrollment__batch", "enrollment__campaign")
        .filter(pk=pk)
        .first()
    )
    if commitment is None or not request.scope.can_keep_commitment(commitment):
        raise Http404
    _require(services.roles_on(commitment.enrollment.campaign))
    form = RecordForm(request.POST)
    data = lambda: form.cleaned_data  # noqa: E731
    add = lambda: services.add_record(  # noqa: E731
        commitment,
        data()["done_on"],
        data()["description"],
        today=timezone.localdate(),
        acting=request.scope,
    )
    if _saved(form, add):
        messages.success(request, _("Record added."))
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
    return redirect("schools:my-roles", commitment.enrollment.campaign_id)
