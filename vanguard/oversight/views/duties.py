"""Leaders' 三先 and the 市委“十个一”规定 (三.4): a leader cadre's record, item by item, and
a unit's leader cadres at a glance. Rules in `oversight.duties`; access in `Scope`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import STAFF
from vanguard.ops.files import send_file
from vanguard.oversight import duties
from vanguard.oversight.forms import DutyRecordForm
from vanguard.oversight.models import LeaderDutyRecord


def _campaign_with_duties(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, members=True)
    if not campaign.rules.leader_duties:
        raise Http404  # a template without 三先 / 十个一 has nothing of these pages
    return campaign


def _cadre(request, member_pk):
    member = request.scope.get_member_or_404(member_pk)
    if not member.is_leader_cadre or not request.scope.can_view_leader_duties(member):
        raise Http404
    return member


def _items(campaign, records):
    return [
        {"duty": duty, "records": records.get(duty.code, [])} for duty in duties.duties(campaign)
    ]


@login_required
def cadre_duties(request, campaign_pk, member_pk):
    campaign = _campaign_with_duties(request, campaign_pk)
    member = _cadre(request, member_pk)
    can_record = request.scope.can_record_leader_duty(member)
    form = None
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        form = DutyRecordForm(request.POST, request.FILES, campaign=campaign)
        if form.is_valid():
            try:
                duties.record_duty(
                    campaign,
                    member,
                    user=request.user,
                    acting=request.scope,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The record was saved."))
                return redirect("oversight:cadre-duties", campaign.pk, member.pk)
    records = duties.records_of(campaign, [member]).get(member.pk, {})
    withdrawn = LeaderDutyRecord.objects.filter(
        campaign=campaign, member=member, withdrawn_on__isnull=False
    ).order_by("-withdrawn_on")
    context = {
        "campaign": campaign,
        "member": member,
        "items": _items(campaign, records),
        "missing": duties.missing(campaign, records),
        "withdrawn": withdrawn,
        "can_record": can_record,
        "form": form or (DutyRecordForm(campaign=campaign) if can_record else None),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "oversight/cadre_duties.html", context, status=status)


@login_required
def unit_duties(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(campaign_pk, enrollment_pk, reach=STAFF)
    campaign = enrollment.campaign
    if not campaign.rules.leader_duties:
        raise Http404
    cadres = duties.cadres_of([enrollment])[enrollment.pk]
    records = duties.records_of(campaign, cadres)
    total = len(campaign.rules.leader_duties)
    rows = []
    for cadre in cadres:
        missing = duties.missing(campaign, records.get(cadre.pk, {}))
        rows.append({"cadre": cadre, "missing": missing, "done": total - len(missing)})
    context = {
        "campaign": campaign,
        "enrollment": enrollment,
        "rows": rows,
        "total": total,
    }
    return render(request, "oversight/unit_duties.html", context)


def _record(request, pk) -> LeaderDutyRecord:
    record = LeaderDutyRecord.objects.select_related("member__organization").filter(pk=pk).first()
    if record is None or not request.scope.can_view_leader_duties(record.member):
        raise Http404
    return record


@login_required
def duty_evidence(request, pk):
    record = _record(request, pk)
    if not record.evidence:
        raise Http404
    return send_file(record.evidence)


@login_required
@require_POST
def duty_withdraw(request, pk):
    record = _record(request, pk)
    if not request.scope.can_record_leader_duty(record.member):
        raise PermissionDenied
    duties.withdraw_record(record, acting=request.scope)
    messages.success(request, _("The record was withdrawn."))
    return redirect("oversight:cadre-duties", record.campaign_id, record.member_id)
