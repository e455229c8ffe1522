"""Forms of the survey pages: dates, list import, the draw's announcement, issuing codes,
and the public's code and answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.surveys import frames, sampling
from vanguard.surveys.models import Channel, Method
from vanguard.surveys.questions import Questionnaire
from vanguard.surveys.services import (
    CODE_LENGTH,
    COMMENT_MAX,
    Announcement,
    Answers,
    normalise_code,
)
from vanguard.uploads import validate_workbook_file

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class SurveyDatesForm(forms.Form):
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), widget=DATE_WIDGET)
    closes_on = forms.DateField(label=gettext_lazy("Closes on"), widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The survey closes before it opens."))
        return data


class FrameImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
        validators=[validate_workbook_file],
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > frames.MAX_FILE_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": frames.MAX_FILE_MB}
            )
        return file


class AnnounceForm(forms.Form):
    seed = forms.CharField(
        label=gettext_lazy("Seed"),
        max_length=sampling.SEED_MAX_LENGTH,
        help_text=gettext_lazy("E.g. the faces of dice rolled in front of the witnesses."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    seed_source = forms.CharField(
        label=gettext_lazy("How the seed was made"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    witnesses = forms.CharField(
        label=gettext_lazy("Witnesses, one per line"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    size = forms.IntegerField(
        label=gettext_lazy("Sample size"),
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    strata = forms.CharField(
        label=gettext_lazy("Shares by group (optional)"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("E.g. 学生家长=50, 教师=30, 社区居民=20; empty: no strata."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def clean_strata(self):
        from vanguard.surveys.services import draw_error_message

        try:
            return sampling.parse_strata(self.cleaned_data["strata"])
        except sampling.DrawError as error:
            raise forms.ValidationError(draw_error_message(error)) from error

    def announcement(self) -> Announcement:
        data = self.cleaned_data
        return Announcement(
            seed=data["seed"],
            seed_source=data["seed_source"],
            witnesses=data["witnesses"].splitlines(),
            size=data["size"],
            strata={group: sampling.share_text(share) for group, share in data["strata"].items()},
        )


class IssueCodesForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices, widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label=gettext_lazy("Who"),
        required=False,
        choices=[("", gettext_lazy("Everyone invited")), *Method.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    reissue = forms.BooleanField(
        label=gettext_lazy("Also those who already have a code (their old code stops working)"),
        required=False,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Your code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg text-center font-monospace",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "XXXX-XXXX-XXXX",
            }
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                _("A code has %(length)s letters and digits, e.g. K7PQ-M3XR-9WTA.")
                % {"length": CODE_LENGTH}
            )
        return code


class ResponseForm(forms.Form):
    """The questionnaire: the overall rating (required), the graded questions (optional)
    and a free comment."""

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.fields["overall"] = forms.ChoiceField(
            # The campaign's own wording (template `[texts] survey_question`), else neutral.
            label=questionnaire.prompt
            or _("Overall, how satisfied are you with this unit's campaign?"),
            choices=[(o.code, o.title) for o in questionnaire.options],
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose one of the overall ratings.")},
        )
        for question in questionnaire.questions:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=question.title,
                required=False,
                choices=[(g.code, g.title) for g in questionnaire.grades],
                widget=forms.RadioSelect,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Your opinions and suggestions (optional)"),
            required=False,
            max_length=COMMENT_MAX,
            widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
        )

    def graded_fields(self):
        return [self[f"q_{question.code}"] for question in self.questionnaire.questions]

    def answers(self) -> Answers:
        data = self.cleaned_data
        graded = {
            question.code: data[f"q_{question.code}"]
            for question in self.questionnaire.questions
            if data.get(f"q_{question.code}")
        }
        return Answers(overall=data["overall"], graded=graded, comment=data["comment"].strip())
