"""Forms of leadership and supervision. Choices are limited to what the user's scope
reaches; the business rules are checked again by `services`."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vanguard.campaigns.models import Batch, Enrollment
from vanguard.forms import StyledForm
from vanguard.orgs.models import Member, Organization, OrgCategory
from vanguard.oversight import services
from vanguard.oversight.models import ArticleKind, GroupRole, Outcome, PointKind
from vanguard.uploads import validate_evidence_file

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.organization.name}）"


def _text(label, rows=3, required=True, max_length=4000):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# -- leading groups ------------------------------------------------------------------------


class GroupCreateForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects)
    name = forms.CharField(label=_("Name of the group"), max_length=200, required=False)
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, campaign, scope, **kwargs):
        super().__init__(*args, **kwargs)
        enrolled = Enrollment.objects.filter(campaign=campaign).values("organization_id")
        candidates = Organization.objects.filter(
            Q(pk__in=enrolled) | Q(pk=campaign.organization_id)
        ).exclude(leading_groups__campaign=campaign)
        self.fields["organization"].queryset = candidates.filter(
            pk__in=scope.managed_orgs().values("pk")
        ).order_by("path")
        self.fields["name"].widget.attrs["placeholder"] = services.default_group_name(campaign)


class GroupMemberForm(StyledForm):
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects)
    role = forms.ChoiceField(label=_("Role in the group"), choices=GroupRole.choices)
    duty = forms.CharField(label=_("Post"), max_length=100, required=False)
    is_responsible = forms.BooleanField(label=_("Responsible head"), required=False)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        members = Member.objects.within(group.organization)
        if group.organization_id == group.campaign.organization_id:
            # The bureau's group: its leaders and the heads of its departments (六.1).
            members = members.filter(
                Q(organization__category=OrgCategory.ORGAN) | Q(is_leader_cadre=True)
            )
        self.fields["member"].queryset = (
            members.exclude(pk__in=group.memberships.values("member_id"))
            .select_related("organization")
            .order_by("organization__path", "name")
        )


# -- liaison points ------------------------------------------------------------------------


class PointForm(StyledForm):
    leader = MemberChoiceField(label=_("Leader"), queryset=Member.objects)
    kind = forms.ChoiceField(label=_("Kind"), choices=PointKind.choices)
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        leader_ids = [m.pk for m in services.bureau_leaders(campaign)]
        self.fields["leader"].queryset = Member.objects.filter(pk__in=leader_ids).select_related(
            "organization"
        )
        self.fields["organization"].queryset = Organization.objects.within(
            campaign.organization
        ).filter(depth__gt=campaign.organization.depth)


# -- liaison officers ----------------------------------------------------------------------


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.username}（{obj.username}）"


class DispatchForm(StyledForm):
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Batch.objects)
    organization = forms.ModelChoiceField(label=_("Unit"), queryset=Organization.objects)
    officer = OfficerChoiceField(label=_("Liaison officer"), queryset=get_user_model().objects)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = campaign.batches.all()
        enrolled = Enrollment.objects.filter(campaign=campaign).values("organization_id")
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=enrolled
        ).order_by("path")
        self.fields["officer"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, is_superuser=False)
            .order_by("full_name", "username")
        )


class VisitForm(StyledForm):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE_WIDGET)
    checked = _text(_("What was checked"))
    findings = _text(_("Findings"))
    suggestions = _text(_("Suggestions, one per line"), rows=4, required=False)

    def suggestion_lines(self) -> list[str]:
        return [line for line in self.cleaned_data["suggestions"].splitlines() if line.strip()]


class AnswerForm(StyledForm):
    answer = _text(_("Answer"))


class NoteForm(StyledForm):
    note = _text(_("Note"), rows=2)


# -- publicity -----------------------------------------------------------------------------


class ArticleForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Unit"), queryset=Organization.objects)
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    member = MemberChoiceField(label=_("Model member"), queryset=Member.objects, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = _text(_("Text"), rows=10, max_length=20000)

    def __init__(self, *args, campaign, scope, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        managed = scope.managed_orgs().within(campaign.organization)
        self.fields["organization"].queryset = managed.order_by("path")
        self.fields["member"].queryset = (
            Member.objects.filter(organization__in=managed)
            .select_related("organization")
            .order_by("organization__path", "name")
        )
        if article is not None:
            del self.fields["organization"]
            del self.fields["kind"]
            if article.kind != ArticleKind.DEEDS:
                del self.fields["member"]


# -- commendations -------------------------------------------------------------------------


class NominationForm(StyledForm):
    kind = forms.ChoiceField(label=_("Commendation"))
    unit = forms.ModelChoiceField(label=_("Nominating unit"), queryset=Organization.objects)
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects, required=False
    )
    citation = _text(_("Deeds"), rows=4)

    def __init__(self, *args, campaign, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind.code, kind.title) for kind in campaign.rules.commendation_kinds
        ]
        managed = scope.managed_orgs().within(campaign.organization)
        self.fields["unit"].queryset = managed.order_by("path")
        self.fields["organization"].queryset = managed.order_by("path")
        self.fields["member"].queryset = (
            Member.objects.filter(organization__in=managed)
            .select_related("organization")
            .order_by("organization__path", "name")
        )


# -- non-qualifying members ----------------------------------------------------------------


class CaseForm(StyledForm):
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects)
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE_WIDGET)
    reason = _text(_("Problems found"))

    def __init__(self, *args, campaign, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            Member.objects.filter(
                organization__in=scope.managed_orgs().within(campaign.organization)
            )
            .select_related("organization")
            .order_by("organization__path", "name")
        )


class TalkForm(StyledForm):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    talked_by = forms.CharField(label=_("Talk given by"), max_length=100)
    summary = _text(_("Summary"))


class DeadlineForm(StyledForm):
    set_on = forms.DateField(label=_("Set on"), widget=DATE_WIDGET)
    improve_by = forms.DateField(label=_("To improve by"), widget=DATE_WIDGET)


class OutcomeForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    outcome_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    note = _text(_("Details"), rows=2, required=False)


class BatchDispatchForm(StyledForm):
    """One officer dispatched to several units of one batch (the batch's set-up page)."""

    officer = OfficerChoiceField(label=_("Liaison officer"), queryset=get_user_model().objects)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Organization.objects,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        enrolled = Enrollment.objects.filter(batch=batch).values("organization_id")
        self.fields["units"].queryset = Organization.objects.filter(pk__in=enrolled).order_by(
            "path"
        )
        self.fields["officer"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, is_superuser=False)
            .order_by("full_name", "username")
        )


# -- 三.4 leaders' 三先 and 十个一 ---------------------------------------------------------


class DutyRecordForm(StyledForm):
    duty = forms.ChoiceField(label=_("Item"))
    done_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    description = _text(_("What was done"), max_length=4000)
    evidence = forms.FileField(
        label=_("Evidence file"), required=False, validators=[validate_evidence_file]
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty"].choices = [
            (duty.code, f"{duty.kind} · {duty.title}") for duty in campaign.rules.leader_duties
        ]
