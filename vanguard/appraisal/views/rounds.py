"""The democratic appraisal: a unit's rounds, voting, the published ballot list, one-time
codes, closing, conclusions, the notice, and the exports.

Secrecy in the views: the receipt is rendered in the response to the vote itself — never
put in a URL, a redirect, a message or the session (sessions are stored in the database,
next to the user's id) — and receipts are searched with POST, so they stay out of access
logs too.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import MANAGE, STAFF, UNIT
from vanguard.appraisal import codes, services
from vanguard.appraisal.forms import (
    BallotForm,
    ConclusionsForm,
    CountForm,
    GuestCodesForm,
    NoticeForm,
    ReceiptForm,
    RoundWithTellersForm,
    TellersForm,
)
from vanguard.appraisal.models import AppraisalConclusion, AppraisalRound, VoterRoll
from vanguard.core.dates import format_date
from vanguard.core.exports import Sheet
from vanguard.reports import jobs


@login_required
def rounds(request, campaign_pk, enrollment_pk):
    manage = request.method == "POST"
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk,
        enrollment_pk,
        reach=STAFF,
        require=MANAGE if manage else (),
        module="appraisal",
    )
    form = RoundWithTellersForm(request.POST or None, enrollment=enrollment)
    if manage and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if not k.startswith("teller_")}
        try:
            created, slips = services.open_round_with_tellers(
                enrollment, tellers=form.names(), user=request.user, **fields, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return teller_slips_page(request, created, slips)
    now = timezone.now()
    records = (
        AppraisalRound.objects.filter(enrollment=enrollment)
        .select_related("organization")
        .annotate(
            candidate_count=Count("candidates", distinct=True),
            voter_count=Count("roll", distinct=True),
            concluded_count=Count("conclusions", distinct=True),
        )
    )
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "rounds": [(r, r.state(now)) for r in records],
        "form": form,
        "can_manage": request.scope.can_manage_org(enrollment.organization),
    }
    return render(request, "appraisal/rounds.html", context, status=400 if manage else 200)


ROUND_QUERYSET = AppraisalRound.objects.select_related(
    "campaign__organization", "enrollment__organization", "organization"
)


def _round_or_404(request, pk, *, manage=False, staff=False) -> AppraisalRound:
    return request.scope.get_or_404(
        ROUND_QUERYSET,
        unit=lambda r: r.organization,
        reach=STAFF if staff else UNIT,
        require=MANAGE if manage else (),
        module="appraisal",
        pk=pk,
    )


def _grade_titles(appraisal_round) -> dict[str, str]:
    return {grade.code: grade.title for grade in appraisal_round.campaign.rules.appraisal_grades}


@login_required
def round_detail(request, pk):
    appraisal_round = _round_or_404(request, pk)
    now = timezone.now()
    services.ensure_sealed(appraisal_round, now=now)
    scope = request.scope
    is_staff = scope.can_view_org(appraisal_round.organization)
    member = scope.member
    context = {
        "campaign": appraisal_round.campaign,
        "round": appraisal_round,
        "state": appraisal_round.state(now),
        "is_staff": is_staff,
        "can_manage": scope.can_manage_org(appraisal_round.organization),
        "voting_problem": services.voting_problem(appraisal_round, member, now=now),
        "has_voted": member is not None and services.has_voted(appraisal_round, member),
        "candidate_count": appraisal_round.candidates.count(),
        "codes_form": GuestCodesForm(initial={"count": 10}),
    }
    if is_staff:
        context.update(
            member_voters=VoterRoll.objects.filter(
                round=appraisal_round, member__isnull=False
            ).count(),
            codes_issued=appraisal_round.codes.count(),
            codes_used=VoterRoll.objects.filter(
                round=appraisal_round, guest_code__isnull=False
            ).count(),
        )
        if appraisal_round.is_counted:
            context["tally"] = services.tally(appraisal_round)
            context["grades"] = appraisal_round.campaign.rules.appraisal_grades
        tellers = list(appraisal_round.tellers.all())
        context["tellers"] = tellers
        if context["can_manage"] and not appraisal_round.is_closed(now):
            if not context["member_voters"] and not context["codes_used"]:
                context["tellers_form"] = TellersForm(
                    initial={f"teller_{t.index}": t.name for t in tellers}
                )
        elif context["can_manage"] and not appraisal_round.is_counted and tellers:
            context["count_form"] = CountForm(tellers=tellers)
    return render(request, "appraisal/round.html", context)


def teller_slips_page(request, appraisal_round, slips):
    """The tellers' codes, shown once: print one slip per teller."""
    context = {"campaign": appraisal_round.campaign, "round": appraisal_round, "slips": slips}
    response = render(request, "appraisal/teller_slips.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def round_tellers(request, pk):
    """Appoint the tellers (again, with new codes) before the first vote."""
    appraisal_round = _round_or_404(request, pk, manage=True)
    form = TellersForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the three tellers."))
        return redirect("appraisal:round", pk=pk)
    try:
        slips = services.appoint_tellers(appraisal_round, form.names(), acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("appraisal:round", pk=pk)
    return teller_slips_page(request, appraisal_round, slips)


@login_required
@require_POST
def round_count(request, pk):
    """The tellers type their codes; the ballots are opened and published."""
    appraisal_round = _round_or_404(request, pk, manage=True)
    form = CountForm(request.POST, tellers=list(appraisal_round.tellers.all()))
    form.is_valid()
    try:
        services.count_ballots(appraisal_round, form.codes(), acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The ballots are counted and published."))
    return redirect("appraisal:round", pk=pk)


@login_required
def round_vote(request, pk):
    appraisal_round = _round_or_404(request, pk)
    member = request.scope.member
    if member is None:
        raise PermissionDenied
    candidates = services.candidates_of(appraisal_round)
    grades = appraisal_round.campaign.rules.appraisal_grades
    form = BallotForm(request.POST or None, candidates=candidates, grades=grades)
    problem = services.voting_problem(appraisal_round, member)
    if request.method == "POST" and form.is_valid():
        try:
            ballot = services.cast_ballot(
                appraisal_round, form.grades(), member=member, acting=request.scope
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            return receipt_page(request, appraisal_round, ballot, candidates)
    context = {
        "campaign": appraisal_round.campaign,
        "round": appraisal_round,
        "form": form,
        "problem": problem,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "appraisal/vote.html", context, status=status)


def receipt_page(request, appraisal_round, ballot, candidates, template="appraisal/receipt.html"):
    titles = _grade_titles(appraisal_round)
    context = {
        "round": appraisal_round,
        "receipt": codes.grouped(ballot.receipt),
        "choices": [(name, titles[ballot.grades[str(pk)]]) for pk, name in candidates],
    }
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


def ballot_rows(appraisal_round, candidates):
    """The published list of ballots: the grades of each, in random order, no receipt."""
    titles = _grade_titles(appraisal_round)
    return [
        [titles.get(grades.get(str(pk)), "") for pk, _name in candidates]
        for grades in appraisal_round.ballots.values_list("grades", flat=True)
    ]


def receipt_list(appraisal_round) -> list[str]:
    """The published list of receipts, in code order: as long as the list of ballots."""
    return list(appraisal_round.receipts.values_list("receipt", flat=True))


@login_required
def round_ballots(request, pk):
    appraisal_round = _round_or_404(request, pk)
    services.ensure_sealed(appraisal_round)
    counted = appraisal_round.is_counted
    candidates = services.candidates_of(appraisal_round)
    form = ReceiptForm(request.POST or None)
    rows = ballot_rows(appraisal_round, candidates) if counted else []
    receipts = receipt_list(appraisal_round) if counted else []
    searched = found = None
    if counted and request.method == "POST" and form.is_valid():
        searched = codes.normalize(form.cleaned_data["code"])
        found = codes.grouped(searched) if searched in receipts else None
    context = {
        "campaign": appraisal_round.campaign,
        "round": appraisal_round,
        "closed": counted,
        "candidates": candidates,
        "rows": rows,
        "receipts": [codes.grouped(r) for r in receipts],
        "form": form,
        "searched": searched,
        "found": found,
    }
    response = render(request, "appraisal/ballots.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def round_codes(request, pk):
    appraisal_round = _round_or_404(request, pk, manage=True)
    form = GuestCodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not issued: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("appraisal:round", pk=pk)
    try:
        issued = services.issue_guest_codes(
            appraisal_round, form.cleaned_data["count"], acting=request.scope
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("appraisal:round", pk=pk)
    context = {"campaign": appraisal_round.campaign, "round": appraisal_round, "codes": issued}
    response = render(request, "appraisal/guest_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def round_close(request, pk):
    appraisal_round = _round_or_404(request, pk, manage=True)
    try:
        services.close_round(appraisal_round, acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Voting is closed; the tellers can now count the ballots."))
    return redirect("appraisal:round", pk=pk)


def _conclusions_context(request, appraisal_round, *, form=None, notice_form=None):
    candidates = services.candidates_of(appraisal_round)
    grades = appraisal_round.campaign.rules.appraisal_grades
    existing = {c.member_id: c for c in appraisal_round.conclusions.all()}
    initial = {}
    for member_id, conclusion in existing.items():
        initial[f"grade_{member_id}"] = conclusion.grade
        initial[f"problems_{member_id}"] = conclusion.problems
    form = form or ConclusionsForm(initial=initial, candidates=candidates, grades=grades)
    result = services.tally(appraisal_round)
    tallies = {t.member_id: t for t in result.members}
    return {
        "campaign": appraisal_round.campaign,
        "round": appraisal_round,
        "tally": result,
        "grades": grades,
        "rows": [
            (member_id, name, grade, problems, tallies[member_id], existing.get(member_id))
            for member_id, name, grade, problems in form.rows()
        ],
        "form": form,
        "missing": len(candidates) - len(existing),
        "can_manage": request.scope.can_manage_org(appraisal_round.organization)
        and not appraisal_round.published_on,
        "notice_form": notice_form
        or NoticeForm(initial={"notice": appraisal_round.notice or draft_notice(appraisal_round)}),
    }


def draft_notice(appraisal_round) -> str:
    """A first draft of the notice, from the tally and the conclusions."""
    result = services.tally(appraisal_round)
    titles = _grade_titles(appraisal_round)
    counts = {code: 0 for code in titles}
    for grade in appraisal_round.conclusions.values_list("grade", flat=True):
        counts[grade] = counts.get(grade, 0) + 1
    spread = "，".join(
        _("%(grade)s %(count)s") % {"grade": titles[code], "count": count}
        for code, count in counts.items()
    )
    return _(
        "%(unit)s held its democratic appraisal of members from %(opens)s to %(closes)s. "
        "%(ballots)s ballots were cast (%(turnout).0f%% of %(eligible)s voters). "
        "The Party organisation concluded: %(spread)s."
    ) % {
        "unit": appraisal_round.organization.name,
        "opens": format_date(timezone.localtime(appraisal_round.opens_at).date()),
        "closes": format_date(timezone.localtime(appraisal_round.closes_at).date()),
        "ballots": result.ballots,
        "turnout": result.turnout,
        "eligible": result.eligible,
        "spread": spread,
    }


@login_required
def round_conclusions(request, pk):
    manage = request.method == "POST"
    appraisal_round = _round_or_404(request, pk, staff=True, manage=manage)
    services.ensure_sealed(appraisal_round)
    if not appraisal_round.is_counted:
        messages.info(request, _("Conclusions are written after the tellers count the ballots."))
        return redirect("appraisal:round", pk=pk)
    form = None
    if manage:
        form = ConclusionsForm(
            request.POST,
            candidates=services.candidates_of(appraisal_round),
            grades=appraisal_round.campaign.rules.appraisal_grades,
        )
        if form.is_valid():
            try:
                services.save_conclusions(
                    appraisal_round, form.entries(), user=request.user, acting=request.scope
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The conclusions were saved."))
                return redirect("appraisal:conclusions", pk=pk)
    context = _conclusions_context(request, appraisal_round, form=form)
    return render(request, "appraisal/conclusions.html", context, status=400 if manage else 200)


@login_required
@require_POST
def round_publish(request, pk):
    appraisal_round = _round_or_404(request, pk, staff=True, manage=True)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            services.publish_notice(
                appraisal_round,
                text=form.cleaned_data["notice"],
                user=request.user,
                acting=request.scope,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The notice is published."))
            return redirect("appraisal:round", pk=pk)
    context = _conclusions_context(request, appraisal_round, notice_form=form)
    return render(request, "appraisal/conclusions.html", context, status=400)


def _closed_round_or_404(request, pk) -> AppraisalRound:
    appraisal_round = _round_or_404(request, pk, staff=True)
    services.ensure_sealed(appraisal_round)
    if not appraisal_round.is_counted:
        raise PermissionDenied
    return appraisal_round


def result_rows(appraisal_round):
    """(member, tally, conclusion) of each member of a closed round."""
    result = services.tally(appraisal_round)
    conclusions = {
        c.member_id: c
        for c in AppraisalConclusion.objects.filter(round=appraisal_round).select_related("member")
    }
    return result, [(t, conclusions.get(t.member_id)) for t in result.members]


@login_required
@require_POST
def round_export(request, pk):
    appraisal_round = _closed_round_or_404(request, pk)
    return jobs.start_response(
        request, "appraisal.round_xlsx", f"{appraisal_round.title} (Excel)", {"pk": pk}
    )


@jobs.export("appraisal.round_xlsx")
def build_round_export(ctx, pk) -> jobs.Output:
    """Made by the background worker; `ctx` carries the user's scope and query like a request."""
    appraisal_round = _closed_round_or_404(ctx, pk)
    grades = appraisal_round.campaign.rules.appraisal_grades
    titles = _grade_titles(appraisal_round)
    _result, rows = result_rows(appraisal_round)
    candidates = services.candidates_of(appraisal_round)
    tally_sheet = Sheet(
        _("Tally"),
        [
            _("Member"),
            *(grade.title for grade in grades),
            _("Ballots"),
            _("Conclusion"),
            _("Problems found"),
        ],
        (
            [
                t.name,
                *(t.counts[grade.code] for grade in grades),
                t.total,
                titles.get(c.grade, "") if c else "",
                c.problems if c else "",
            ]
            for t, c in rows
        ),
        widths=[14, *([8] * len(grades)), 8, 10, 60],
    )
    ballot_sheet = Sheet(
        _("Ballots"),
        [name for _pk, name in candidates],
        ballot_rows(appraisal_round, candidates),
    )
    receipt_sheet = Sheet(
        _("Receipts"),
        [_("Receipt")],
        ([codes.grouped(r)] for r in receipt_list(appraisal_round)),
        widths=[24],
    )
    return jobs.sheets_output(
        [tally_sheet, ballot_sheet, receipt_sheet], f"{appraisal_round.title}.xlsx"
    )


@login_required
@require_POST
def round_notice_pdf(request, pk):
    appraisal_round = _closed_round_or_404(request, pk)
    return jobs.start_response(
        request, "appraisal.round_pdf", f"{appraisal_round.title} (PDF)", {"pk": pk}
    )


@jobs.export("appraisal.round_pdf")
def build_round_notice_pdf(ctx, pk) -> jobs.Output:
    """Made by the background worker; `ctx` carries the user's scope and query like a request."""
    appraisal_round = _closed_round_or_404(ctx, pk)
    context = notice_context(appraisal_round)
    return jobs.pdf_output(NOTICE_PDF, context, f"{appraisal_round.title}.pdf")


NOTICE_PDF = "appraisal/print/results.html"


def notice_context(appraisal_round) -> dict:
    """The printed notice and results of a counted round (the PDF export, the archive)."""
    result, rows = result_rows(appraisal_round)
    return {
        "round": appraisal_round,
        "result": result,
        "rows": rows,
        "grades": appraisal_round.campaign.rules.appraisal_grades,
        "titles": _grade_titles(appraisal_round),
        "notice": appraisal_round.notice or draft_notice(appraisal_round),
    }
