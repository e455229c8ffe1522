"""The form renderer (`vanguard.core.forms`): Django's widget templates through Jinja2,
the admin's (which have no Jinja2 version) through Django templates, the same markup."""

from django import forms
from django.test import override_settings

from vanguard.core.forms import FormRenderer


class StepLike(forms.Form):
    status = forms.ChoiceField(choices=[("todo", "未开始"), ("done", "已完成")], initial="done")
    done_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def test_django_widgets_through_jinja2_the_admins_through_django_templates():
    renderer = FormRenderer()
    widget = renderer.get_template("django/forms/widgets/select.html")
    admin = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert type(widget).__module__ == "django.template.backends.jinja2"
    assert type(admin).__module__ == "django.template.backends.django"


def test_the_markup_is_the_one_of_django_templates():
    form = StepLike(prefix="s")
    ours = str(form["status"]) + str(form["done_on"])
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        theirs = str(StepLike(prefix="s")["status"]) + str(StepLike(prefix="s")["done_on"])

    def squeeze(html):
        return "".join(line.strip() for line in html.splitlines())

    assert squeeze(ours) == squeeze(theirs)
    assert '<option value="done" selected>已完成</option>' in ours
