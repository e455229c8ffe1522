"""Forms of rectification pages. They parse and check input; `services` does the work, and a
service's ValidationError is put back on the form (`add_service_error`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.forms import StyledForm, StyledModelForm
from vanguard.orgs.models import Member
from vanguard.rectification.models import (
    Cultivation,
    Level,
    Occurrence,
    Pairing,
    PracticalDeed,
    Rhythm,
)
from vanguard.uploads import validate_evidence_file

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})
MAX_TEXT = 2000


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field if the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def members_within(organization):
    return Member.objects.within(organization).order_by("organization__path", "name")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.position}）" if obj.position else obj.name


class ItemForm(StyledForm):
    """A new item of a unit (a member's own or the organisation's) or of the bureau."""

    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        choices=[
            (Level.ORGANIZATION, Level.ORGANIZATION.label),
            (Level.MEMBER, Level.MEMBER.label),
        ],
    )
    member = MemberChoiceField(
        label=gettext_lazy("Member (for a member's own item)"),
        queryset=Member.objects.none(),
        required=False,
    )
    problem = forms.CharField(label=gettext_lazy("Problem"), max_length=MAX_TEXT, widget=TEXTAREA)
    source_text = forms.CharField(
        label=gettext_lazy("Where it came from"),
        max_length=MAX_TEXT,
        required=False,
        help_text=gettext_lazy("E.g. the teachers' forum, the suggestion box, an appraisal."),
    )
    from_public = forms.BooleanField(label=gettext_lazy("Raised by the public"), required=False)
    measures = forms.CharField(
        label=gettext_lazy("Measures"), max_length=MAX_TEXT, widget=TEXTAREA, required=False
    )
    responsible = MemberChoiceField(
        label=gettext_lazy("Responsible person"), queryset=Member.objects.none(), required=False
    )
    deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=DATE_WIDGET, required=False)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"),
        min_value=0.01,
        max_value=999,
        decimal_places=2,
        initial=1,
        help_text=gettext_lazy(
            "Relative importance in the unit's progress; 1 for an ordinary item."
        ),
    )

    def __init__(self, *args, unit, bureau: bool = False, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = members_within(unit)
        self.fields["responsible"].queryset = members
        if bureau:
            del self.fields["level"], self.fields["member"]
        else:
            self.fields["member"].queryset = members
        if source is not None:
            del self.fields["source_text"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("level") == Level.MEMBER and not cleaned.get("member"):
            self.add_error("member", _("A member's own item names the member."))
        return cleaned


class ItemEditForm(StyledForm):
    problem = ItemForm.base_fields["problem"]
    from_public = ItemForm.base_fields["from_public"]
    measures = ItemForm.base_fields["measures"]
    responsible = MemberChoiceField(
        label=gettext_lazy("Responsible person"), queryset=Member.objects.none(), required=False
    )
    deadline = ItemForm.base_fields["deadline"]
    weight = ItemForm.base_fields["weight"]

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = members_within(unit)


class NoteForm(StyledForm):
    noted_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_WIDGET)
    progress = forms.IntegerField(label=gettext_lazy("Progress (%)"), min_value=0, max_value=99)
    text = forms.CharField(
        label=gettext_lazy("What was done"), max_length=MAX_TEXT, widget=TEXTAREA
    )


class ReopenForm(StyledForm):
    reason = forms.CharField(
        label=gettext_lazy("Why the rectification was ineffective"),
        max_length=MAX_TEXT,
        widget=TEXTAREA,
    )
    progress = forms.IntegerField(
        label=gettext_lazy("Progress after reopening (%)"),
        min_value=0,
        max_value=99,
        initial=0,
    )


class ExplanationForm(StyledForm):
    text = forms.CharField(
        label=gettext_lazy("Explanation to the public"), max_length=MAX_TEXT, widget=TEXTAREA
    )


class EvidenceForm(StyledForm):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Title")}),
    )
    file = forms.FileField(label=gettext_lazy("File"), validators=[validate_evidence_file])


class CommentForm(StyledForm):
    """The public's comment: only the text is required; nothing else is asked or kept."""

    text = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    name = forms.CharField(
        label=gettext_lazy("Your name (optional, shown with the comment)"),
        max_length=50,
        required=False,
    )
    contact = forms.CharField(
        label=gettext_lazy("How to reach you (optional, seen only by the unit)"),
        max_length=100,
        required=False,
    )


class DeedForm(StyledModelForm):
    organization = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=None)

    class Meta:
        model = PracticalDeed
        fields = [
            "organization",
            "title",
            "done_on",
            "beneficiary_school",
            "beneficiaries",
            "beneficiary_count",
            "description",
        ]
        widgets = {"done_on": DATE_WIDGET, "description": TEXTAREA}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class MechanismForm(StyledForm):
    kind = forms.ChoiceField(label=gettext_lazy("Activity"))
    rhythm = forms.ChoiceField(label=gettext_lazy("Rhythm"), choices=Rhythm.choices)
    started_on = forms.DateField(label=gettext_lazy("Instituted on"), widget=DATE_WIDGET)
    responsible = MemberChoiceField(
        label=gettext_lazy("Responsible person"), queryset=Member.objects.none(), required=False
    )
    description = forms.CharField(
        label=gettext_lazy("How it works"), max_length=MAX_TEXT, widget=TEXTAREA, required=False
    )

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (item.code, item.title) for item in enrollment.campaign.rules.mechanisms
        ]
        self.fields["responsible"].queryset = members_within(enrollment.organization)


class OccurrenceForm(StyledModelForm):
    class Meta:
        model = Occurrence
        fields = ["held_on", "topic", "participants", "summary"]
        widgets = {"held_on": DATE_WIDGET, "summary": TEXTAREA}


class CultivationForm(StyledModelForm):
    class Meta:
        model = Cultivation
        fields = ["name", "position", "activist_on", "probationary_on", "formal_on", "mentor"]
        widgets = {
            "activist_on": DATE_WIDGET,
            "probationary_on": DATE_WIDGET,
            "formal_on": DATE_WIDGET,
        }

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"] = MemberChoiceField(
            label=gettext_lazy("Mentor"),
            queryset=members_within(enrollment.organization),
            required=False,
            widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        )


class AdvanceForm(StyledForm):
    probationary_on = forms.DateField(
        label=gettext_lazy("Probationary member since"), widget=DATE_WIDGET, required=False
    )
    formal_on = forms.DateField(
        label=gettext_lazy("Full member since"), widget=DATE_WIDGET, required=False
    )


class PairingForm(StyledModelForm):
    class Meta:
        model = Pairing
        fields = ["member", "partner_kind", "partner_name", "started_on", "ended_on", "goal"]
        widgets = {"started_on": DATE_WIDGET, "ended_on": DATE_WIDGET}

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"] = MemberChoiceField(
            label=gettext_lazy("Member"),
            queryset=members_within(enrollment.organization),
            widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        )
