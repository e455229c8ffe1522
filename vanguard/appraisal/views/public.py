"""The public's pages (no login, phone first): the suggestion box with its receipt code,
looking up the answer, the appraisal notices (通报), and voting with a one-time code.

Nothing here reads the visitor's address except the rate limiter, which keys a cache
entry on it (never the database). Receipt codes travel only in POST bodies and in the
response itself, never in a URL, so access logs do not tie an address to an opinion.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from vanguard.appraisal import codes, conf, services
from vanguard.appraisal.forms import BallotForm, GuestCodeForm, PublicOpinionForm, ReceiptForm
from vanguard.appraisal.models import AppraisalRound, BallotReceipt, VoterRoll
from vanguard.appraisal.views.rounds import receipt_page
from vanguard.campaigns.models import Campaign

NOTICES_PER_PAGE = 20
TOO_MANY = 429


def _opinion_rate(group, request):
    return conf.public_opinion_rate()


def _lookup_rate(group, request):
    return conf.public_lookup_rate()


def _private(response):
    """Pages showing a code: never cached by a browser or a proxy."""
    response["Cache-Control"] = "no-store"
    return response


def opinion_campaigns() -> list[Campaign]:
    """The campaigns that take opinions from the public (the opinions module and a public
    channel), newest first."""
    return [
        campaign
        for campaign in Campaign.objects.select_related("organization").order_by(
            "-starts_on", "-pk"
        )
        if campaign.has_module("opinions")
        and any(channel.public for channel in campaign.rules.opinion_channels)
    ]


def public_campaign(request=None) -> Campaign | None:
    """The campaign the visitor picked (`campaign`, in the query or the form), else the
    newest that takes opinions from the public."""
    campaigns = opinion_campaigns()
    wanted = ""
    if request is not None:
        wanted = request.POST.get("campaign") or request.GET.get("campaign", "")
    for campaign in campaigns:
        if str(campaign.pk) == wanted:
            return campaign
    return campaigns[0] if campaigns else None


@ratelimit(group="appraisal:opinion", key="ip", rate=_opinion_rate, method="POST", block=False)
def public_opinion(request):
    campaign = public_campaign(request)
    form = PublicOpinionForm(request.POST or None, campaign=campaign) if campaign else None
    status = 200
    if form is not None and request.method == "POST":
        status = 400
        if getattr(request, "limited", False):
            status = TOO_MANY
            form.add_error(
                None,
                _(
                    "Too many opinions were sent from your network just now. "
                    "Please try again in an hour."
                ),
            )
        elif form.is_valid():
            try:
                received = services.receive_opinion(
                    campaign, **form.service_arguments(), acting=None
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                context = {"opinion": received.opinion, "receipt": received.receipt}
                return _private(render(request, "appraisal/public/opinion_sent.html", context))
    context = {"campaign": campaign, "campaigns": opinion_campaigns(), "form": form}
    return render(request, "appraisal/public/opinion_form.html", context, status=status)


@ratelimit(group="appraisal-lookup", key="ip", rate=_lookup_rate, method="POST", block=False)
def public_receipt(request):
    form = ReceiptForm(request.POST or None)
    opinion = None
    searched = False
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            status = TOO_MANY
            form.add_error(
                None,
                _("Too many look-ups from your network just now. Please try again in an hour."),
            )
        elif form.is_valid():
            searched = True
            opinion = services.find_by_receipt(form.cleaned_data["code"])
            if opinion is None:
                status = 404
    context = {
        "form": form,
        "opinion": opinion,
        "searched": searched,
        "channel": opinion.channel_title(opinion.campaign.rules) if opinion else "",
        "overdue": opinion.is_overdue(timezone.localdate()) if opinion else False,
    }
    return _private(render(request, "appraisal/public/receipt.html", context, status=status))


def published_rounds():
    return AppraisalRound.objects.filter(published_on__isnull=False).select_related(
        "organization", "campaign"
    )


def public_notices(request):
    page = Paginator(published_rounds().order_by("-published_on", "-pk"), NOTICES_PER_PAGE)
    return render(
        request,
        "appraisal/public/notices.html",
        {"page": page.get_page(request.GET.get("page")), "query_string": ""},
    )


def public_notice(request, pk):
    appraisal_round = get_object_or_404(published_rounds(), pk=pk)
    titles = {g.code: g.title for g in appraisal_round.campaign.rules.appraisal_grades}
    counts = dict(
        appraisal_round.conclusions.values("grade")
        .annotate(count=Count("pk"))
        .values_list("grade", "count")
    )
    context = {
        "round": appraisal_round,
        "spread": [(title, counts.get(code, 0)) for code, title in titles.items()],
        "ballots": appraisal_round.ballots.count(),
        "members": appraisal_round.candidates.count(),
    }
    return render(request, "appraisal/public/notice.html", context)


# -- voting with a one-time code -----------------------------------------------------------


def _guest_problem(guest, now) -> str | None:
    if guest is None:
        return _("This code is not valid for this appraisal round.")
    if guest.round.is_closed(now):
        return _("This appraisal round is closed.")
    if not guest.round.is_open(now):
        return services.not_open_yet(guest.round)
    if VoterRoll.objects.filter(guest_code=guest).exists():
        return _("This code has already been used.")
    return None


@ratelimit(group="appraisal-code", key="ip", rate=_lookup_rate, method="POST", block=False)
def public_ballot(request):
    code_form = GuestCodeForm(request.POST or None)
    context = {"code_form": code_form, "problem": None, "ballot_form": None}
    if request.method != "POST":
        return render(request, "appraisal/public/ballot.html", context)
    if getattr(request, "limited", False):
        context["problem"] = _(
            "Too many attempts from your network just now. Please try again in an hour."
        )
        return render(request, "appraisal/public/ballot.html", context, status=TOO_MANY)
    if not code_form.is_valid():
        return render(request, "appraisal/public/ballot.html", context, status=400)
    code = code_form.cleaned_data["code"]
    guest = services.guest_code_for(None, code)
    context["problem"] = _guest_problem(guest, timezone.now())
    if context["problem"]:
        return render(request, "appraisal/public/ballot.html", context, status=400)
    appraisal_round = guest.round
    candidates = services.candidates_of(appraisal_round)
    grades = appraisal_round.campaign.rules.appraisal_grades
    casting = "cast" in request.POST
    form = BallotForm(request.POST if casting else None, candidates=candidates, grades=grades)
    if casting and form.is_valid():
        try:
            ballot = services.cast_ballot(appraisal_round, form.grades(), code=code, acting=None)
        except ValidationError as error:
            context["problem"] = " ".join(error.messages)
        else:
            return receipt_page(
                request, appraisal_round, ballot, candidates, "appraisal/public/ballot_sent.html"
            )
    context.update(round=appraisal_round, ballot_form=form, code=codes.normalize(code))
    return _private(
        render(request, "appraisal/public/ballot.html", context, status=400 if casting else 200)
    )


@ratelimit(group="appraisal-lookup", key="ip", rate=_lookup_rate, method="POST", block=False)
def public_ballot_check(request):
    """A voter checks that the ballot with their receipt is in a closed round's list."""
    form = ReceiptForm(request.POST or None)
    context = {"form": form, "searched": False, "ballot": None, "choices": []}
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(
                None,
                _("Too many look-ups from your network just now. Please try again in an hour."),
            )
            status = TOO_MANY
        elif form.is_valid():
            context["searched"] = True
            ballot = _published_receipt(form.cleaned_data["code"])
            if ballot is None:
                status = 404
            else:
                context.update(ballot=ballot, receipt=codes.grouped(ballot.receipt))
    return _private(render(request, "appraisal/public/ballot_check.html", context, status=status))


def _published_receipt(receipt: str) -> BallotReceipt | None:
    """The receipt in a counted round's list (receipts exist only once counted)."""
    return (
        BallotReceipt.objects.select_related("round__campaign", "round__organization")
        .filter(receipt=codes.normalize(receipt))
        .first()
    )
