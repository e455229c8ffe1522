"""Forms of 分析评议. They parse and check what people type; services make the change.

Choices come from the campaign's template (channels, grades) and from the user's scope
(members and units), never from constants of the notice.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.appraisal import conf
from vanguard.appraisal.models import (
    CriticismKind,
    Subject,
    TransferDirection,
)
from vanguard.orgs.models import Member, Organization, OrgKind

INPUT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
)


def limit_length(field: forms.CharField, limit: int) -> None:
    """A limit known only at run time (a setting): checked on the server, shown in the
    browser."""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = limit


def textarea(rows=4, **attrs):
    return forms.Textarea(attrs={"rows": rows, "class": "form-control", **attrs})


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.organization.name}）"


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def campaign_units(campaign):
    """Every organisation of the campaign below its leading one: where opinions may go."""
    return (
        Organization.objects.within(campaign.organization)
        .exclude(pk=campaign.organization.pk)
        .order_by("path")
    )


def public_units(campaign):
    """The units the public may address, by the names it knows: each public name once (the
    top-most organisation bearing it, so a school's branches are one school). Where no unit
    has a public name, every unit by its own name."""
    units = campaign_units(campaign).exclude(kind=OrgKind.COMMITTEE)
    named = list(units.exclude(public_name="").values_list("pk", "public_name"))
    if not named:
        return units
    first: dict[str, int] = {}
    for pk, name in named:  # in path order: a parent before its branches
        first.setdefault(name, pk)
    return units.filter(pk__in=first.values())


class PublicUnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.public_name or obj.name


# -- opinions ------------------------------------------------------------------------------


class PublicOpinionForm(forms.Form):
    """The public suggestion box: about a unit (and maybe a person in it) or the bureau."""

    channel = forms.ChoiceField(label=gettext_lazy("Channel"), widget=forms.HiddenInput)
    subject = forms.ChoiceField(
        label=gettext_lazy("Your opinion is about"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    unit = PublicUnitField(
        label=gettext_lazy("School or unit"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    person_named = forms.CharField(
        label=gettext_lazy("Person concerned (if any)"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    content = forms.CharField(
        label=gettext_lazy("Your opinion"),
        widget=textarea(6),
    )
    give_name = forms.BooleanField(
        label=gettext_lazy("Leave my name and contact so the unit can reach me"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    author_name = forms.CharField(
        label=gettext_lazy("Name"), max_length=50, required=False, widget=forms.TextInput(INPUT)
    )
    author_contact = forms.CharField(
        label=gettext_lazy("Phone or e-mail"),
        max_length=100,
        required=False,
        widget=forms.TextInput(INPUT),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        channels = [c for c in campaign.rules.opinion_channels if c.public]
        self.fields["channel"].choices = [(c.code, c.title) for c in channels]
        self.fields["channel"].initial = channels[0].code if channels else None
        self.fields["subject"].choices = [
            (Subject.UNIT, _("A unit or a person in it")),
            (Subject.BUREAU, _("The bureau as a whole")),
        ]
        self.fields["subject"].initial = Subject.UNIT
        kinds = [kind for kind in OrgKind.values if campaign.rules.enrolls_kind(kind)]
        self.fields["unit"].queryset = public_units(campaign).filter(kind__in=kinds)
        limit_length(self.fields["content"], conf.opinion_max_chars())

    def clean(self):
        data = super().clean()
        if data.get("subject") == Subject.UNIT and not data.get("unit"):
            self.add_error("unit", _("Choose the unit your opinion is about."))
        if data.get("give_name") and not data.get("author_name", "").strip():
            self.add_error("author_name", _("Give your name, or leave the box unticked."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        about_person = data["subject"] == Subject.UNIT and data["person_named"].strip()
        return {
            "channel": data["channel"],
            "subject": Subject.MEMBER if about_person else data["subject"],
            "unit": data["unit"] if data["subject"] == Subject.UNIT else None,
            "person_named": data["person_named"] if about_person else "",
            "content": data["content"],
            "anonymous": not data["give_name"],
            "author_name": data["author_name"] if data["give_name"] else "",
            "author_contact": data["author_contact"] if data["give_name"] else "",
        }


class StaffOpinionForm(forms.Form):
    """Staff enter an opinion received at a meeting, by box, hotline or letter."""

    channel = forms.ChoiceField(label=gettext_lazy("Channel"), widget=forms.Select(SELECT))
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DATE_WIDGET)
    subject = forms.ChoiceField(
        label=gettext_lazy("About"),
        choices=Subject.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    member = MemberChoiceField(
        label=gettext_lazy("Member"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.Select(SELECT),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.Select(SELECT),
    )
    content = forms.CharField(label=gettext_lazy("Opinion"), widget=textarea(5))
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous (no name or contact is kept)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    author_name = forms.CharField(
        label=gettext_lazy("Author's name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(INPUT),
    )
    author_contact = forms.CharField(
        label=gettext_lazy("Author's contact"),
        max_length=100,
        required=False,
        widget=forms.TextInput(INPUT),
    )

    def __init__(self, *args, campaign, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["channel"].choices = [
            (c.code, c.title) for c in campaign.rules.opinion_channels
        ]
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["subject"].initial = Subject.MEMBER
        managed = scope.managed_orgs().within(campaign.organization)
        self.fields["unit"].queryset = managed.exclude(pk=campaign.organization.pk).order_by("path")
        self.fields["member"].queryset = (
            Member.objects.filter(
                campaign.organization.subtree_q("organization__"), organization__in=managed
            )
            .select_related("organization")
            .order_by("organization__path", "code")
        )
        limit_length(self.fields["content"], conf.opinion_max_chars())

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return received_on

    def clean(self):
        data = super().clean()
        subject = data.get("subject")
        if subject == Subject.MEMBER and not data.get("member"):
            self.add_error("member", _("Choose the member the opinion is about."))
        if subject == Subject.UNIT and not data.get("unit"):
            self.add_error("unit", _("Choose the unit the opinion is about."))
        typed = data.get("author_name", "").strip() or data.get("author_contact", "").strip()
        if data.get("anonymous") and typed:
            # Never drop what was typed without a word: the user chooses.
            self.add_error(
                "anonymous",
                _("A name or contact is typed: untick anonymous to keep it, or clear it."),
            )
        if not data.get("anonymous") and not data.get("author_name", "").strip():
            self.add_error("author_name", _("Give the author's name, or tick anonymous."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        subject = data["subject"]
        return {
            "channel": data["channel"],
            "subject": subject,
            "member": data["member"] if subject == Subject.MEMBER else None,
            "unit": data["unit"] if subject == Subject.UNIT else None,
            "content": data["content"],
            "received_on": data["received_on"],
            "anonymous": data["anonymous"],
            "author_name": data["author_name"],
            "author_contact": data["author_contact"],
        }


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer"), max_length=5000, widget=textarea(4))
    # An answer given on paper is entered later: it keeps the day it was given.
    answered_on = forms.DateField(label=gettext_lazy("Answered on"), widget=DATE_WIDGET)

    def clean_answered_on(self):
        answered_on = self.cleaned_data["answered_on"]
        if answered_on > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return answered_on


class FeedbackForm(forms.Form):
    fed_back_on = forms.DateField(
        label=gettext_lazy("Fed back to the member on"), widget=DATE_WIDGET
    )


class PassOnForm(forms.Form):
    direction = forms.ChoiceField(
        label=gettext_lazy("Pass"),
        choices=TransferDirection.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    to_unit = forms.ModelChoiceField(
        label=gettext_lazy("To unit (when passing across)"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.Select(SELECT),
    )
    reason = forms.CharField(label=gettext_lazy("Why it is not ours"), widget=textarea(2))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = campaign_units(campaign)


class LinkMemberForm(forms.Form):
    member = MemberChoiceField(
        label=gettext_lazy("Member concerned"),
        queryset=Member.objects.none(),
        widget=forms.Select(SELECT),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            Member.objects.within(unit)
            .select_related("organization")
            .order_by("organization__path", "code")
        )


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={**INPUT, "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )


# -- talks, self-analysis, meetings --------------------------------------------------------


def unit_members(enrollment):
    return (
        Member.objects.within(enrollment.organization)
        .select_related("organization")
        .order_by("organization__path", "code")
    )


def unit_orgs(enrollment):
    return Organization.objects.within(enrollment.organization).order_by("path")


class TalkForm(forms.Form):
    talked_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_WIDGET)
    initiator = MemberChoiceField(
        label=gettext_lazy("Talked"), queryset=Member.objects.none(), widget=forms.Select(SELECT)
    )
    partner = MemberChoiceField(
        label=gettext_lazy("With"), queryset=Member.objects.none(), widget=forms.Select(SELECT)
    )
    topic = forms.CharField(
        label=gettext_lazy("Topic"), max_length=200, widget=forms.TextInput(INPUT)
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"), required=False, max_length=5000, widget=textarea(3)
    )

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        members = unit_members(enrollment)
        self.fields["initiator"].queryset = members
        self.fields["partner"].queryset = members
        self.fields["talked_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("initiator") and data.get("initiator") == data.get("partner"):
            self.add_error("partner", _("A talk is between two different members."))
        return data


class SelfAnalysisForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Self-analysis"), max_length=20000, widget=textarea(14)
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("accept", gettext_lazy("Accept")),
            ("return", gettext_lazy("Return for revision")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comments = forms.CharField(
        label=gettext_lazy("Comments"), required=False, max_length=5000, widget=textarea(3)
    )


class MeetingForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Held by"),
        queryset=Organization.objects.none(),
        widget=forms.Select(SELECT),
    )
    held_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_WIDGET)
    place = forms.CharField(
        label=gettext_lazy("Place"), max_length=100, required=False, widget=forms.TextInput(INPUT)
    )
    host = forms.CharField(
        label=gettext_lazy("Chaired by"),
        max_length=50,
        required=False,
        widget=forms.TextInput(INPUT),
    )
    attendees = MemberMultipleChoiceField(
        label=gettext_lazy("Attendees"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    minutes = forms.CharField(
        label=gettext_lazy("Minutes"), required=False, max_length=20000, widget=textarea(8)
    )

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = unit_orgs(enrollment)
        self.fields["organization"].initial = enrollment.organization.pk
        self.fields["attendees"].queryset = unit_members(enrollment)


class CriticismForm(forms.Form):
    member = forms.ModelChoiceField(
        label=gettext_lazy("Member"), queryset=Member.objects.none(), widget=forms.Select(SELECT)
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Criticism or self-criticism"),
        choices=CriticismKind.choices,
        widget=forms.Select(SELECT),
    )
    raised_by = forms.ModelChoiceField(
        label=gettext_lazy("Raised by (criticism)"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.Select(SELECT),
    )
    content = forms.CharField(label=gettext_lazy("Content"), max_length=5000, widget=textarea(2))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        members = Member.objects.within(meeting.organization).order_by("code")
        self.fields["member"].queryset = members
        self.fields["raised_by"].queryset = members


# -- appraisal -----------------------------------------------------------------------------


class RoundForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Held by"),
        queryset=Organization.objects.none(),
        widget=forms.Select(SELECT),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=200, required=False, widget=forms.TextInput(INPUT)
    )
    opens_at = forms.DateTimeField(label=gettext_lazy("Voting opens"), widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label=gettext_lazy("Voting closes"), widget=DATETIME_WIDGET)

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = unit_orgs(enrollment)
        self.fields["organization"].initial = enrollment.organization.pk

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("Voting must close after it opens."))
        return data


def _teller_field(number: int, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Teller %(number)s") % {"number": number},
        max_length=50,
        required=required,
        widget=forms.TextInput(INPUT),
    )


class TellersForm(forms.Form):
    """The round's three tellers (监票人), by name; any two of them count the ballots."""

    teller_1 = _teller_field(1)
    teller_2 = _teller_field(2)
    teller_3 = _teller_field(3)

    def names(self) -> list[str]:
        return [self.cleaned_data[f"teller_{n}"] for n in (1, 2, 3)]


class RoundWithTellersForm(RoundForm, TellersForm):
    pass


class CountForm(forms.Form):
    """Each teller types the code of their slip; as many as the round needs suffice."""

    def __init__(self, *args, tellers, **kwargs):
        super().__init__(*args, **kwargs)
        for teller in tellers:
            self.fields[f"code_{teller.index}"] = forms.CharField(
                label=teller.name,
                max_length=60,
                required=False,
                widget=forms.PasswordInput(
                    attrs={**INPUT, "autocomplete": "off", "autocapitalize": "characters"}
                ),
            )

    def codes(self) -> list[str]:
        return [value for value in self.cleaned_data.values() if value]


class GuestCodesForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("Number of codes"),
        min_value=1,
        max_value=200,
        widget=forms.NumberInput(INPUT),
    )


class BallotForm(forms.Form):
    """One radio group per member of the round, with the template's grades."""

    def __init__(self, *args, candidates, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for member_id, name in candidates:
            self.fields[f"m{member_id}"] = forms.ChoiceField(
                label=name,
                choices=[(grade.code, grade.title) for grade in grades],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Grade %(name)s.") % {"name": name}},
            )

    def rows(self):
        return [(self[f"m{member_id}"], name) for member_id, name in self.candidates]

    def grades(self) -> dict[str, str]:
        return {str(pk): self.cleaned_data[f"m{pk}"] for pk, _name in self.candidates}


class GuestCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("One-time code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={**INPUT, "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )


class NoticeForm(forms.Form):
    notice = forms.CharField(
        label=gettext_lazy("Notice of the results"), max_length=20000, widget=textarea(8)
    )


class ConclusionsForm(forms.Form):
    """The unit's 评议意见: a grade and the problems found, for each member of the round."""

    def __init__(self, *args, candidates, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        choices = [("", "—"), *((grade.code, grade.title) for grade in grades)]
        for member_id, name in candidates:
            self.fields[f"grade_{member_id}"] = forms.ChoiceField(
                label=name, choices=choices, required=False, widget=forms.Select(SELECT)
            )
            self.fields[f"problems_{member_id}"] = forms.CharField(
                label=gettext_lazy("Problems found"),
                required=False,
                max_length=5000,
                widget=textarea(2),
            )

    def rows(self):
        return [
            (member_id, name, self[f"grade_{member_id}"], self[f"problems_{member_id}"])
            for member_id, name in self.candidates
        ]

    def entries(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            member_id: (data[f"grade_{member_id}"], data[f"problems_{member_id}"])
            for member_id, _name in self.candidates
        }
