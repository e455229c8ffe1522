"""The form renderer: Django's own form and widget templates through Jinja2, the same
markup at a third of the cost (a unit page renders some sixty step-form widgets); any
template with no Jinja2 version (the admin's widgets) through Django's template engine."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    """`FORM_RENDERER`: Jinja2 first, Django templates for what only they have."""

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()
