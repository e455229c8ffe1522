"""Forms of the study module. Choices from the campaign's template (session kinds, reading
list, 五个一, 三进 kinds) are read from `campaign.rules`, never written here."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from vanguard.orgs.models import Organization
from vanguard.study.models import (
    LeaderVisit,
    Lecture,
    Lecturer,
    OnlineMaterial,
    OnlineMaterialKind,
    Quiz,
    SessionLog,
    StudyNote,
    StudySession,
    UnitMaterial,
    Writing,
)
from vanguard.uploads import validate_workbook_file

SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
DATE = forms.DateInput(attrs={**SMALL, "type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={**SMALL, "type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={**SMALL, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        css = "form-select form-select-sm" if isinstance(widget, forms.Select) else SMALL["class"]
        widget.attrs.setdefault("class", css)


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date is in the future."))
    return value


class SessionForm(forms.ModelForm):
    """A session of `enrollment`, held by the enrolled unit or an organisation under it."""

    class Meta:
        model = StudySession
        fields = [
            "kind",
            "topic",
            "organization",
            "date",
            "starts_at",
            "ends_at",
            "hours",
            "speaker",
            "host",
            "place",
            "template_materials",
            "unit_materials",
        ]
        widgets = {"date": DATE, "starts_at": TIME, "ends_at": TIME}

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrollment = enrollment
        rules = enrollment.campaign.rules
        self.fields["kind"] = forms.ChoiceField(
            label=gettext_lazy("Kind of session"),
            choices=[(k.code, k.title) for k in rules.session_kinds],
        )
        self.fields["organization"].queryset = Organization.objects.within(enrollment.organization)
        self.fields["organization"].initial = enrollment.organization.pk
        self.fields["template_materials"] = forms.MultipleChoiceField(
            label=gettext_lazy("Reading list items"),
            choices=[(m.code, m.title) for m in rules.materials],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["unit_materials"].queryset = UnitMaterial.objects.filter(enrollment=enrollment)
        self.fields["unit_materials"].widget = forms.CheckboxSelectMultiple()
        self.fields["unit_materials"].widget.choices = self.fields["unit_materials"].choices
        self.fields["hours"].min_value = Decimal("0.5")
        _style(self)

    def clean(self):
        cleaned = super().clean()
        starts, ends, day = cleaned.get("starts_at"), cleaned.get("ends_at"), cleaned.get("date")
        hours = cleaned.get("hours")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session ends before it starts."))
        elif starts and ends and day and hours is not None:
            length = datetime.combine(day, ends) - datetime.combine(day, starts)
            if hours > Decimal(length.total_seconds()) / 3600:
                self.add_error(
                    "hours",
                    _("The credited hours are more than the session lasts (%(hours)s hours).")
                    % {"hours": round(length.total_seconds() / 3600, 1)},
                )
        if hours is not None and hours <= 0:
            self.add_error("hours", _("The credited hours must be more than zero."))
        return cleaned

    def save(self, commit=True):
        self.instance.enrollment = self.enrollment
        return super().save(commit)


class SessionLogForm(forms.ModelForm):
    class Meta:
        model = SessionLog
        fields = ["content", "summary", "recorder"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 8}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class MaterialForm(forms.ModelForm):
    class Meta:
        model = UnitMaterial
        fields = ["title", "source", "notes", "file"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class NoteForm(forms.ModelForm):
    class Meta:
        model = StudyNote
        fields = ["written_on", "title", "session", "content"]
        widgets = {"written_on": DATE, "content": forms.Textarea(attrs={"rows": 10})}
        # The note itself, not a remark on something (the model's "notes" reads 备注).
        labels = {"content": pgettext_lazy("study note", "What I learned")}

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["written_on"].validators.append(_not_in_future)
        if not self.instance.pk:
            self.fields["written_on"].initial = timezone.localdate()
        _style(self)


class FiveOneForm(forms.Form):
    item = forms.CharField(widget=forms.HiddenInput)
    done_on = forms.DateField(label=gettext_lazy("Done on"), widget=DATE)
    partner = forms.CharField(label=gettext_lazy("Partner"), max_length=100, required=False)
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=1000, required=False, widget=forms.TextInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class VisitForm(forms.ModelForm):
    class Meta:
        model = LeaderVisit
        fields = ["kind", "activity", "visited_on", "place", "organization", "notes"]
        widgets = {"visited_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        kinds = campaign.rules.leader_visit_kinds
        self.kinds = {kind.code: kind for kind in kinds}
        self.fields["kind"] = forms.ChoiceField(
            label=gettext_lazy("Kind of visit"), choices=[(k.code, k.title) for k in kinds]
        )
        activities = sorted({a for kind in kinds for a in kind.activities}, key=str)
        self.fields["activity"] = forms.ChoiceField(
            label=gettext_lazy("Activity"),
            choices=[("", "—"), *[(a, a) for a in activities]],
            required=False,
        )
        self.fields["organization"].queryset = Organization.objects.within(campaign.organization)
        self.fields["organization"].required = False
        self.fields["visited_on"].validators.append(_not_in_future)
        _style(self)

    def clean(self):
        cleaned = super().clean()
        kind, activity = self.kinds.get(cleaned.get("kind")), cleaned.get("activity")
        if kind and activity and activity not in kind.activities:
            self.add_error(
                "activity",
                _("%(activity)s is not an activity of %(kind)s.")
                % {"activity": activity, "kind": kind.title},
            )
        return cleaned

    def save(self, commit=True):
        self.instance.campaign = self.campaign
        return super().save(commit)


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "title",
            "organization",
            "opens_at",
            "closes_at",
            "time_limit_minutes",
            "max_attempts",
        ]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME}

    def __init__(self, *args, campaign, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["organization"].queryset = organizations
        self.fields["time_limit_minutes"].min_value = 1
        self.fields["max_attempts"].min_value = 1
        _style(self)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The quiz closes before it opens."))
        return cleaned

    def save(self, commit=True):
        self.instance.campaign = self.campaign
        return super().save(commit)


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Question bank (Excel)"), validators=[validate_workbook_file]
    )

    def __init__(self, *args, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_mb = max_mb
        _style(self)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > self.max_mb * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": self.max_mb}
            )
        return file


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Check-in code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg text-center",
                "autocomplete": "off",
                "autocapitalize": "characters",
            }
        ),
    )


# -- 网络党校, 学习体会/调研文章, 讲师团 (issue 20) ----------------------------------------


class OnlineMaterialForm(forms.ModelForm):
    class Meta:
        model = OnlineMaterial
        fields = ["title", "kind", "minutes", "description", "text", "file"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "text": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        kind, upload, text = data.get("kind"), data.get("file"), data.get("text")
        name = (getattr(upload, "name", "") or "").lower()
        if kind == OnlineMaterialKind.VIDEO:
            if not name.endswith((".mp4", ".webm")):
                self.add_error("file", _("A video material needs its video file (MP4 or WebM)."))
        elif not upload and not (text or "").strip():
            self.add_error("text", _("Give the text to read or upload the document."))
        elif name.endswith((".mp4", ".webm")):
            self.add_error("kind", _("A video file makes a video material."))
        return data


class WritingForm(forms.ModelForm):
    class Meta:
        model = Writing
        fields = ["kind", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label=_("Kind"), choices=[(k.code, k.title) for k in campaign.rules.writing_kinds]
        )
        _style(self)


class LecturerForm(forms.ModelForm):
    class Meta:
        model = Lecturer
        fields = ["name", "affiliation", "topics"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class LectureForm(forms.ModelForm):
    class Meta:
        model = Lecture
        fields = ["enrollment", "kind", "topic", "given_on", "session", "notes"]
        widgets = {"given_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, campaign, enrollments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = enrollments
        self.fields["enrollment"].label_from_instance = lambda e: e.organization.name
        self.fields["kind"] = forms.ChoiceField(
            label=_("Kind of lecture"),
            choices=[(k.code, k.title) for k in campaign.rules.lecture_kinds],
        )
        self.fields["session"].queryset = StudySession.objects.filter(
            enrollment__in=enrollments
        ).select_related("enrollment__organization")
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.enrollment.organization.name} · {s.date:%Y-%m-%d} · {s.topic}"
        )
        _style(self)

    def clean(self):
        data = super().clean()
        session, enrollment = data.get("session"), data.get("enrollment")
        if session and enrollment and session.enrollment_id != enrollment.pk:
            self.add_error("session", _("The session is not one of this unit's."))
        if session and data.get("given_on") and session.date != data["given_on"]:
            self.add_error("given_on", _("The lecture's date is not the session's date."))
        return data
