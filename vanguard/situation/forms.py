from django import forms
from django.utils.translation import gettext_lazy as _

from vanguard.forms import StyledForm
from vanguard.situation.models import LinkKind


class ProfileForm(StyledForm):
    """One text per heading of the template's `situation.entered`."""

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        for item in rule.entered:
            self.fields[item.code] = forms.CharField(
                label=item.title,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            )


class ProblemForm(StyledForm):
    title = forms.CharField(label=_("Problem"), max_length=200)
    heading = forms.ChoiceField(label=_("Aspect"), required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heading"].choices = [("", "—")] + [
            (item.code, item.title) for item in rule.entered
        ]


class LinkForm(StyledForm):
    """A target as "kind:id" (an opinion, a meeting or a rectification item of the unit)."""

    target = forms.CharField(label=_("Record"), max_length=40)

    def clean_target(self):
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        if kind not in LinkKind.values or not pk.isdigit():
            raise forms.ValidationError(_("Choose a record to link."))
        return kind, int(pk)
