"""Form helpers shared by the apps."""

from django import forms


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (a class set on a widget is kept)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)
            # Named for assistive technology even where a compact layout shows no <label>.
            if field.label and not isinstance(
                widget, forms.HiddenInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                widget.attrs.setdefault("aria-label", field.label)


class StyledModelForm(StyledForm, forms.ModelForm):
    pass
