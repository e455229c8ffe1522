"""Forms of the unit page: the phase plan, a step's record, an evidence file."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import Scope
from vanguard.campaigns import services
from vanguard.campaigns.models import Batch, Campaign, Enrollment, StepStatus, StoredTemplate
from vanguard.campaigns.plan_checks import PlanProblem
from vanguard.campaigns.template import (
    CampaignTemplate,
    PhaseDef,
    TemplateError,
    load_template,
    parse_template,
    shipped_template_codes,
    shipped_template_path,
)
from vanguard.campaigns.units import unit_of
from vanguard.forms import StyledForm
from vanguard.orgs.models import Organization, OrgKind
from vanguard.uploads import (
    validate_evidence_file,
    validate_template_file,
    validate_workbook_file,
)

DATE_WIDGET = forms.DateInput(
    attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
)


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field `name` (`fields` is typed as plain fields)."""
    return cast(forms.ChoiceField, form.fields[name])


def _model_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model choice field `name`, whose queryset the form narrows."""
    return cast(forms.ModelChoiceField[Any], form.fields[name])


class PhasePlanForm(forms.Form):
    """One start and one end date per phase of the campaign's template."""

    def __init__(self, *args: Any, enrollment: Enrollment, **kwargs: Any) -> None:
        self.enrollment = enrollment
        self.problems: list[PlanProblem] = []
        initial: dict[str, date] = {}
        for window in enrollment.phases.all():
            initial[f"{window.phase_code}_start"] = window.starts_on
            initial[f"{window.phase_code}_end"] = window.ends_on
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
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
    def phases(self) -> tuple[PhaseDef, ...]:
        return self.enrollment.campaign.rules.phases

    def rows(self) -> list[tuple[PhaseDef, forms.BoundField, forms.BoundField]]:
        """(phase, start field, end field) for the template to lay out as a table."""
        return [(p, self[f"{p.code}_start"], self[f"{p.code}_end"]) for p in self.phases]

    def windows(self) -> dict[str, tuple[date | None, date | None]]:
        data = self.cleaned_data
        return {
            phase.code: (data.get(f"{phase.code}_start"), data.get(f"{phase.code}_end"))
            for phase in self.phases
        }

    @property
    def warnings(self) -> list[PlanProblem]:
        """The problems that do not stop the plan being saved, shown beside the errors."""
        return [problem for problem in self.problems if not problem.blocking]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
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

    def __init__(self, *args: Any, campaign: Campaign, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enrolled = dict(
            Enrollment.objects.filter(campaign=campaign).values_list("organization__path", "pk")
        )
        # The kinds the template enrols (a school set up as a 党委 too, when it says so).
        kinds = [kind for kind in OrgKind.values if campaign.rules.enrolls_kind(kind)]
        candidates = (
            scope.managed_orgs()
            .within(campaign.organization)
            .filter(kind__in=kinds)
            .exclude(pk=campaign.organization_id)
            .order_by("path")
        )
        # Not inside an enrolled unit's subtree (a lookup per ancestor, not per unit).
        uncovered = [
            pk
            for pk, path in candidates.values_list("pk", "path")
            if unit_of(path, enrolled) is None
        ]
        _model_field(self, "unit").queryset = candidates.filter(pk__in=uncovered)
        _model_field(self, "batch").queryset = campaign.batches.all()


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

    def __init__(self, *args: Any, enrollment: Enrollment, **kwargs: Any) -> None:
        rules = enrollment.campaign.rules
        kwargs["initial"] = {"steps": rules.redo_steps()}
        super().__init__(*args, **kwargs)
        _choice_field(self, "steps").choices = [
            (step.code, f"{phase.title} · {step.title}") for phase, step in rules.steps()
        ]


class RemedialDatesForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The remedial cycle ends before it starts."))
        return cleaned


# --- Setting a campaign up (issue 16): the office's forms ------------------------------


class TemplateUploadForm(StyledForm):
    """A template as a file, or as text typed (or fixed) in the editor."""

    file = forms.FileField(
        label=gettext_lazy("Template file (.toml)"),
        required=False,
        validators=[validate_template_file],
    )
    text = forms.CharField(
        label=gettext_lazy("Template text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "form-control font-monospace small"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        upload = cleaned.get("file")
        if upload:
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("the file is not valid UTF-8 text")) from None
            cleaned["filename"] = upload.name
            # The editor shows the file's text, to be fixed and sent again.
            data = cast(QueryDict, self.data).copy()
            data["text"] = cleaned["text"]
            self.data = data
        elif not self.errors.get("file"):
            if not (cleaned.get("text") or "").strip():
                raise forms.ValidationError(_("Choose a file or type the template's text."))
            cleaned["filename"] = "template.toml"
        return cleaned


SHIPPED, UPLOADED = "shipped", "uploaded"


def template_choices() -> list[tuple[str, str]]:
    """The templates a campaign can start from: shipped files and checked uploads."""
    choices = [
        (f"{SHIPPED}:{code}", _("%(code)s (shipped)") % {"code": code})
        for code in shipped_template_codes()
    ]
    for stored in StoredTemplate.objects.all()[:50]:
        label = _("%(title)s (%(code)s, uploaded %(when)s)") % {
            "title": stored.title,
            "code": stored.code,
            "when": formats.date_format(timezone.localtime(stored.uploaded_at), "Y-m-d H:i"),
        }
        choices.append((f"{UPLOADED}:{stored.pk}", label))
    return choices


def load_chosen_template(choice: str) -> CampaignTemplate:
    """The template behind a choice of `template_choices` (KeyError when there is none)."""
    kind, _sep, key = choice.partition(":")
    if kind == SHIPPED and key in shipped_template_codes():
        return load_template(shipped_template_path(key))
    if kind == UPLOADED and key.isdigit():
        stored = StoredTemplate.objects.filter(pk=int(key)).first()
        if stored is not None:
            return parse_template(stored.text, str(stored))
    raise KeyError(choice)


class StartCampaignForm(StyledForm):
    template = forms.ChoiceField(label=gettext_lazy("Template"))
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=50)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Leading organisation"), queryset=Organization.objects.none()
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "template").choices = template_choices()
        _model_field(self, "organization").queryset = scope.setup_orgs().order_by("path")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The campaign ends before it starts."))
        code = cleaned.get("code")
        if code and Campaign.objects.filter(code=code).exists():
            self.add_error(
                "code", _("A campaign with the code %(code)s exists already.") % {"code": code}
            )
        if cleaned.get("template"):
            try:
                cleaned["rules"] = load_chosen_template(cleaned["template"])
            except (KeyError, TemplateError):
                self.add_error("template", _("This template cannot be read."))
        return cleaned


class BatchForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DATE_WIDGET)
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Unit categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self, *args: Any, campaign: Campaign, batch: Batch | None = None, **kwargs: Any
    ) -> None:
        self.campaign, self.batch = campaign, batch
        if batch is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": batch.title,
                    "starts_on": batch.starts_on,
                    "ends_on": batch.ends_on,
                    "categories": batch.categories,
                },
            )
        super().__init__(*args, **kwargs)
        _choice_field(self, "categories").choices = [
            (item.code, item.title) for item in campaign.rules.unit_categories
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        for problem in services.batch_problems(
            self.campaign,
            starts_on=cleaned["starts_on"],
            ends_on=cleaned["ends_on"],
            categories=cleaned.get("categories") or [],
            batch=self.batch,
        ):
            self.add_error(None, problem)
        return cleaned


class EnrolTreeForm(forms.Form):
    """Units ticked in the organisation tree (any unit of the leading organisation's tree:
    the service explains the refusals)."""

    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units"), queryset=Organization.objects.none()
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "units").queryset = Organization.objects.filter(
            campaign.organization.subtree_q()
        )


class EnrolCategoryForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Unit categories"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, campaign: Campaign, batch: Batch, **kwargs: Any) -> None:
        kwargs["initial"] = {"categories": batch.categories}
        super().__init__(*args, **kwargs)
        _choice_field(self, "categories").choices = [
            (item.code, item.title) for item in campaign.rules.unit_categories
        ]


class EnrolWorkbookForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("Excel list (.xlsx)"), validators=[validate_workbook_file]
    )


class GroupStepForm(forms.Form):
    """A member's own step of their group taken (三.5): the day and a short note; `undo`
    withdraws the record."""

    done_on = forms.DateField(
        label=gettext_lazy("Date"), widget=DATE_WIDGET, required=False, initial=timezone.localdate
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)
    undo = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not data.get("undo") and data.get("done_on") is None:
            raise forms.ValidationError(_("Enter the date the step was taken."))
        return data
