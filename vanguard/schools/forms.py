"""Forms of schools' Party work; choices from the campaign's template."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vanguard.forms import StyledForm, StyledModelForm
from vanguard.schools.models import TrainingRecord, VanguardPost

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(items):
    return [(item.code, item.title) for item in items]


class TrainingForm(StyledModelForm):
    class Meta:
        model = TrainingRecord
        fields = [
            "track",
            "name",
            "member",
            "position",
            "mentor",
            "started_on",
            "goal",
            "outcome",
            "outcome_on",
            "outcome_note",
        ]
        widgets = {
            "started_on": DATE,
            "outcome_on": DATE,
            "goal": forms.Textarea(attrs={"rows": 2}),
            "outcome_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, enrollment, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"] = forms.ChoiceField(
            label=_("track"), choices=_choices(enrollment.campaign.rules.training_tracks)
        )
        self.fields["track"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["member"].queryset = members
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Taken from the member when one is chosen.")

    def clean(self):
        data = super().clean()
        if not data.get("name") and not data.get("member"):
            self.add_error("name", _("Give the person's name or choose the member."))
        return data


class PostForm(StyledModelForm):
    class Meta:
        model = VanguardPost
        fields = ["title", "duties", "starts_on", "ends_on", "holders"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "duties": forms.Textarea(attrs={"rows": 2}),
            "holders": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holders"].queryset = members


class AssessForm(StyledForm):
    grade = forms.ChoiceField(label=_("assessment"))
    remarks = forms.CharField(
        label=_("assessment remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = _choices(campaign.rules.post_grades)


class CommitForm(StyledForm):
    role = forms.ChoiceField(label=_("role"))
    pledge = forms.CharField(label=_("commitment"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _choices(campaign.rules.teacher_roles)


class RecordForm(StyledForm):
    done_on = forms.DateField(label=_("date"), widget=DATE)
    description = forms.CharField(
        label=_("what was done"), widget=forms.Textarea(attrs={"rows": 2})
    )
