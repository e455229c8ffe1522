"""Forms of the unit page: the phase plan, a step's record, an evidence file."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.campaigns import services
from vanguard.campaigns.models import Batch, Enrollment, StepStatus
from vanguard.campaigns.units import unit_of
from vanguard.orgs.models import Organization, OrgKind
from vanguard.uploads import validate_evidence_file

DATE_WIDGET = forms.DateInput(
    attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
)


class PhasePlanForm(forms.Form):
    """One start and one end date per phase of the campaign's template."""

    def __init__(self, *args, enrollment, **kwargs):
        self.enrollment = enrollment
        self.problems = []
        initial = {}
        for window in enrollment.phases.all():
            initial[f"{window.phase_code}_start"] = window.starts_on
            initial[f"{window.phase_code}_end"] = window.ends_on
        super().__init__(*args, initial=initial, **kwargs)
        for phase in self.phases:
            self.fields[f"{phase.code}_start"] = forms.DateField(
                label=_("%(phase)s starts") % {"phase": phase.title}, widget=DATE_WIDGET
            )
            self.fields[f"{phase.code}_end"] = forms.DateField(
                label=_("%(phase)s ends") % {"phase": phase.title}, widget=DATE_WIDGET
            )
        for field in self.fields.values():  # laid out in a table: the label is the name
            field.widget.attrs["aria-label"] = field.label

    @property
    def phases(self):
        return self.enrollment.campaign.rules.phases

    def rows(self):
        """(phase, start field, end field) for the template to lay out as a table."""
        return [(p, self[f"{p.code}_start"], self[f"{p.code}_end"]) for p in self.phases]

    def windows(self):
        data = self.cleaned_data
        return {
            phase.code: (data.get(f"{phase.code}_start"), data.get(f"{phase.code}_end"))
            for phase in self.phases
        }

    @property
    def warnings(self):
        """The problems that do not stop the plan being saved, shown beside the errors."""
        return [problem for problem in self.problems if not problem.blocking]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.problems = services.plan_problems(self.enrollment, self.windows())
        for problem in self.problems:
            if problem.blocking:
                field = f"{problem.phase_code}_start" if problem.phase_code else None
                self.add_error(field, problem.message)
        return cleaned


class StepForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=StepStatus.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    done_on = forms.DateField(label=gettext_lazy("Done on"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class EvidenceForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": gettext_lazy("Title")}
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"}),
        validators=[validate_evidence_file],
    )


class EnrollForm(forms.Form):
    """The office enrols a unit of its scope, not yet covered, in a batch."""

    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Organization.objects.none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    batch = forms.ModelChoiceField(
        label=gettext_lazy("Batch"),
        queryset=Batch.objects.none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, campaign, scope, **kwargs):
        super().__init__(*args, **kwargs)
        enrolled = dict(
            Enrollment.objects.filter(campaign=campaign).values_list("organization__path", "pk")
        )
        candidates = (
            scope.managed_orgs()
            .filter(path__startswith=campaign.organization.path)
            .exclude(kind=OrgKind.COMMITTEE)
            .order_by("path")
        )
        # Not inside an enrolled unit's subtree (a lookup per ancestor, not per unit).
        uncovered = [
            pk
            for pk, path in candidates.values_list("pk", "path")
            if unit_of(path, enrolled) is None
        ]
        self.fields["unit"].queryset = candidates.filter(pk__in=uncovered)
        self.fields["batch"].queryset = campaign.batches.all()


class RemedialForm(forms.Form):
    """The upper level opens a remedial cycle (补课) and chooses the steps to redo."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )
    steps = forms.MultipleChoiceField(
        label=gettext_lazy("Steps to redo"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, enrollment, **kwargs):
        rules = enrollment.campaign.rules
        super().__init__(*args, initial={"steps": rules.redo_steps()}, **kwargs)
        self.fields["steps"].choices = [
            (step.code, f"{phase.title} · {step.title}") for phase, step in rules.steps()
        ]


class RemedialDatesForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The remedial cycle ends before it starts."))
        return cleaned
