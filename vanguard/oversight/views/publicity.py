"""Publicity and commendation (R29, 六.5): news and model members' deeds reviewed before
publication, and commendations nominated by units, reviewed and published by the office.
The public pages (no login) are in `public.py`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.core.exports import Sheet
from vanguard.oversight import services
from vanguard.oversight.forms import ArticleForm, NominationForm, NoteForm
from vanguard.oversight.models import (
    Article,
    ArticleStatus,
    Commendation,
    CommendationStatus,
)
from vanguard.oversight.selectors import label_kinds
from vanguard.oversight.views.common import (
    attempt,
    query_string_without_page,
    require,
    require_visible,
)
from vanguard.reports import jobs

PER_PAGE = 30


# -- news and deeds ------------------------------------------------------------------------


@login_required
def article_list(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="publicity")
    articles = (
        Article.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter())
        .select_related("organization", "member", "author")
        .order_by("-pk")
    )
    status = request.GET.get("status", "")
    if status in ArticleStatus.values:
        articles = articles.filter(status=status)
    context = {
        "campaign": campaign,
        "page": Paginator(articles, PER_PAGE).get_page(request.GET.get("page")),
        "statuses": ArticleStatus.choices,
        "query_string": query_string_without_page(request),
        "can_write": bool(request.scope.manage_paths),
    }
    return render(request, "oversight/article_list.html", context)


@login_required
def article_new(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="publicity")
    require(bool(request.scope.manage_paths))
    form = ArticleForm(request.POST or None, campaign=campaign, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(
                campaign, author=request.user, **form.cleaned_data, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(article)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "oversight/article_form.html",
        {"campaign": campaign, "form": form},
        status=status,
    )


def _article_or_404(request, pk) -> Article:
    article = get_object_or_404(
        Article.objects.select_related("campaign", "organization", "member", "author"), pk=pk
    )
    require_visible(request.scope.can_view_org(article.organization))
    request.scope.module_or_404(article.campaign, "publicity")
    return article


@login_required
def article_detail(request, pk):
    article = _article_or_404(request, pk)
    scope = request.scope
    can_edit = (
        scope.can_manage_org(article.organization) and article.status in services.EDITABLE_ARTICLE
    )
    form = None
    if can_edit:
        initial = {"title": article.title, "body": article.body, "member": article.member}
        form = ArticleForm(
            request.POST or None,
            campaign=article.campaign,
            scope=scope,
            article=article,
            initial=initial,
        )
    elif request.method == "POST":
        require(False)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_article(article, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The article was saved."))
            return redirect(article)
    context = {
        "article": article,
        "campaign": article.campaign,
        "form": form,
        "can_submit": can_edit,
        "can_review": scope.is_office and scope.can_manage_org(article.organization),
        "note_form": NoteForm(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "oversight/article_detail.html", context, status=status)


@login_required
@require_POST
def article_action(request, pk, action):
    article = _article_or_404(request, pk)
    scope = request.scope
    office = scope.is_office and scope.can_manage_org(article.organization)
    if action == "submit":
        require(scope.can_manage_org(article.organization))
        attempt(
            request,
            lambda: services.submit_article(article, acting=request.scope),
            _("Submitted for review."),
        )
    elif action == "publish":
        require(office)
        attempt(
            request,
            lambda: services.publish_article(article, by=request.user, acting=request.scope),
            _("Published on the public site."),
        )
    elif action == "return":
        require(office)
        note = request.POST.get("note", "")
        attempt(
            request,
            lambda: services.return_article(
                article, by=request.user, note=note, acting=request.scope
            ),
            _("Returned to the unit."),
        )
    else:
        raise Http404
    return redirect(article)


# -- commendations -------------------------------------------------------------------------


def filtered_commendations(request, campaign):
    """Nominations the user may see: of their units' members and organisations."""
    scope = request.scope
    visible = scope.unit_filter("nominated_by_unit__") | scope.unit_filter()
    visible |= scope.unit_filter("member__organization__")
    commendations = (
        Commendation.objects.filter(campaign=campaign)
        .filter(visible)
        .select_related("member__organization", "organization", "nominated_by_unit")
    )
    status = request.GET.get("status", "")
    if status in CommendationStatus.values:
        commendations = commendations.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind:
        commendations = commendations.filter(kind=kind)
    return commendations.order_by("kind", "-nominated_on", "pk")


@login_required
def commendation_list(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="commendations")
    form = NominationForm(campaign=campaign, scope=request.scope)
    return _render_commendations(request, campaign, form)


def _render_commendations(request, campaign, form, status=200):
    scope = request.scope
    page = Paginator(filtered_commendations(request, campaign), PER_PAGE).get_page(
        request.GET.get("page")
    )
    label_kinds(page, campaign)
    context = {
        "campaign": campaign,
        "page": page,
        "kinds": campaign.rules.commendation_kinds,
        "statuses": CommendationStatus.choices,
        "query_string": query_string_without_page(request),
        "form": form if scope.manage_paths else None,
        "is_office": scope.is_office,
        "note_form": NoteForm(),
    }
    return render(request, "oversight/commendation_list.html", context, status=status)


@login_required
@require_POST
def commendation_nominate(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="commendations")
    require(bool(request.scope.manage_paths))
    form = NominationForm(request.POST, campaign=campaign, scope=request.scope)
    if form.is_valid():
        try:
            services.nominate(campaign, by=request.user, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The nomination was sent to the campaign office."))
            return redirect("oversight:commendations", campaign_pk=campaign.pk)
    return _render_commendations(request, campaign, form, status=400)


@login_required
@require_POST
def commendation_action(request, pk, action):
    commendation = get_object_or_404(
        Commendation.objects.select_related(
            "campaign__organization", "member__organization", "organization", "nominated_by_unit"
        ),
        pk=pk,
    )
    scope = request.scope
    scope.module_or_404(commendation.campaign, "commendations")
    subject_org = commendation.member.organization if commendation.member_id else None
    subject_org = subject_org or commendation.organization
    require_visible(
        scope.can_view_org(commendation.nominated_by_unit) or scope.can_view_org(subject_org)
    )
    office = scope.is_office and scope.can_manage_org(commendation.nominated_by_unit)
    note = request.POST.get("note", "")
    by = request.user
    actions = {
        "approve": (
            office,
            lambda: services.review_nomination(
                commendation, approve=True, by=by, acting=request.scope
            ),
        ),
        "reject": (
            office,
            lambda: services.review_nomination(
                commendation, approve=False, by=by, note=note, acting=request.scope
            ),
        ),
        "publish": (
            office,
            lambda: services.publish_commendation(commendation, acting=request.scope),
        ),
        "withdraw": (
            scope.can_manage_org(commendation.nominated_by_unit),
            lambda: services.withdraw_nomination(commendation, acting=request.scope),
        ),
    }
    if action not in actions:
        raise Http404
    allowed, run = actions[action]
    require(allowed)
    attempt(request, run, _("Saved."))
    return redirect("oversight:commendations", campaign_pk=commendation.campaign_id)


@login_required
@require_POST
def commendation_export(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="commendations")
    return jobs.start_response(
        request,
        "oversight.commendations_xlsx",
        f"{campaign.title} · {_('Commendations')}",
        {"campaign_pk": campaign_pk},
    )


@jobs.export("oversight.commendations_xlsx")
def build_commendation_export(ctx, campaign_pk) -> jobs.Output:
    """Made by the background worker; `ctx` carries the user's scope and query like a request."""
    campaign = ctx.scope.get_campaign_or_404(campaign_pk, module="commendations")
    rows = (
        (
            c.kind_label,
            str(c.subject),
            c.member.organization.name if c.member_id else "",
            c.nominated_by_unit.name,
            c.nominated_on,
            c.get_status_display(),
            c.published_on,
            c.citation,
        )
        for c in label_kinds(filtered_commendations(ctx, campaign), campaign)
    )
    headers = [
        _("Commendation"),
        _("Commended"),
        _("Organisation"),
        _("Nominating unit"),
        _("Nominated on"),
        _("Status"),
        _("Published on"),
        _("Deeds"),
    ]
    sheet = Sheet(_("Commendations"), headers, rows, widths=(16, 20, 24, 24, 12, 14, 12, 60))
    filename = _("commendations-%(date)s.xlsx") % {"date": ctx.scope.today}
    return jobs.sheets_output([sheet], filename)
