"""Organisation tree, member list and member pages; all reach data through `request.scope`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vanguard.orgs import services
from vanguard.orgs.models import MemberStatus, Organization

MEMBERS_PER_PAGE = 50


def _require_reader(request):
    if not request.scope.is_staff_reader:
        raise Http404


@login_required
def org_tree(request):
    _require_reader(request)
    orgs = list(request.scope.orgs().annotate(member_count=Count("members")).order_by("path"))
    top = min((org.depth for org in orgs), default=1)
    totals = subtree_totals({org.path: org.member_count for org in orgs})
    for org in orgs:
        org.indent = org.depth - top
        org.subtree_count = totals[org.path]
    return render(request, "orgs/tree.html", {"orgs": orgs})


def subtree_totals(counts: dict[str, int]) -> dict[str, int]:
    """Members of each node and all its descendants, from each node's own count."""
    steplen = Organization.steplen
    totals = dict.fromkeys(counts, 0)
    for path, count in counts.items():
        for end in range(steplen, len(path) + 1, steplen):
            if path[:end] in totals:
                totals[path[:end]] += count
    return totals


def filtered_members(request):
    """The members the user may see, filtered by the list page's query string."""
    members = request.scope.members().select_related("organization")
    if request.GET.get("left") != "1":  # those who left are listed only when asked for
        members = members.active(request.scope.today)
    query = request.GET.get("q", "").strip()
    if query:
        members = members.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(phone__icontains=query)
        )
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = request.scope.get_org_or_404(int(org_id))
        members = members.within(org)
    status = request.GET.get("status", "")
    if status in MemberStatus.values:
        members = members.filter(status=status)
    if request.GET.get("leader") == "1":
        members = members.filter(is_leader_cadre=True)
    return members.order_by("organization__path", "code")


@login_required
def member_list(request):
    _require_reader(request)
    page = Paginator(filtered_members(request), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "orgs": request.scope.orgs().order_by("path").only("pk", "name", "depth", "path"),
        "statuses": MemberStatus.choices,
        "query_string": _without_page(request),
    }
    return render(request, "orgs/member_list.html", context)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def member_detail(request, pk):
    member = request.scope.get_member_or_404(pk)
    history = member.history.select_related("history_user").order_by("-history_date")[:20]
    transfers = member.transfers.select_related("from_org", "to_org", "recorded_by")
    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "history": history,
            "transfers": transfers,
            "can_manage": request.scope.can_manage_member(member),
            "leave_form": LeaveForm(),
            "move_form": MoveForm(scope=request.scope),
        },
    )


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=gettext_lazy("Left on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class MoveForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("To organisation"), queryset=Organization.objects.none()
    )
    moved_on = forms.DateField(
        label=gettext_lazy("Moved on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = scope.managed_orgs().order_by("path")


@login_required
@require_POST
def member_leave(request, pk):
    """The member leaves the organisation (kept, with the date): never deleted."""
    member = request.scope.get_member_or_404(pk)
    if not request.scope.can_manage_member(member):
        raise PermissionDenied
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.leave(
                member,
                on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
                scope=request.scope,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(name)s is recorded as having left.") % {"name": member.name}
            )
    else:
        messages.error(request, _("Not saved: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("orgs:member-detail", pk=member.pk)


@login_required
@require_POST
def member_move(request, pk):
    member = request.scope.get_member_or_404(pk)
    if not request.scope.can_manage_member(member):
        raise PermissionDenied
    form = MoveForm(request.POST, scope=request.scope)
    if form.is_valid():
        try:
            services.move(
                member,
                to=form.cleaned_data["organization"],
                on=form.cleaned_data["moved_on"],
                scope=request.scope,
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s has moved.") % {"name": member.name})
    else:
        messages.error(request, _("Not saved: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("orgs:member-detail", pk=member.pk)
