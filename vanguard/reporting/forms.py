from django import forms
from django.utils.translation import gettext_lazy as _

from vanguard.forms import StyledForm
from vanguard.uploads import validate_evidence_file, validate_image_file


class SummaryForm(StyledForm):
    text = forms.CharField(
        label=_("Summary of the phase"),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Write the summary of the phase.")},
    )
    evidence_title = forms.CharField(label=_("Evidence title"), max_length=200, required=False)
    evidence = forms.FileField(
        label=_("Evidence file"), required=False, validators=[validate_evidence_file]
    )

    def uploads(self) -> list:
        upload = self.cleaned_data.get("evidence")
        return [(self.cleaned_data.get("evidence_title", ""), upload)] if upload else []


class ReviewForm(StyledForm):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class BriefForm(StyledForm):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give the brief a title.")}
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Write the brief.")},
    )
    caption = forms.CharField(label=_("Picture caption"), max_length=200, required=False)
    picture = forms.FileField(
        label=_("Picture (PNG or JPEG)"), required=False, validators=[validate_image_file]
    )

    def pictures(self) -> list:
        upload = self.cleaned_data.get("picture")
        return [(self.cleaned_data.get("caption", ""), upload)] if upload else []


class NoteForm(StyledForm):
    note = forms.CharField(
        label=_("What should change"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
