"""The one seam between the shell and the phase apps.

The shell (`orgs`, `accounts`, `campaigns`, `portal`) never names a phase app. Each phase
app declares what it contributes in one `PhaseApp` entry, registered from its
`AppConfig.ready()`; the shell's templates and views iterate `phase_apps()`:

- `nav`, `unit_panel`, `member_panel`, `overview_panel`: templates included in the sidebar,
  on a unit's campaign page, on the member's own page and on the campaign overview;
- `public_links`: entries of the public front page;
- `compliance`, `closure`: modules registering the app's compliance rules
  (`campaigns.compliance.rule`) and closure gates (`campaigns.closure`), imported here;
- `demo_loader`, `data_generator`: dotted paths of `load_demo(campaign, rng)` and of the
  benchmark generator module (`manage.py load_demo`, `generate_data`);
- `services`: functions offered to other apps by name (e.g. rectification's
  `create_item_from_source`), so an app can use another one without importing it;
- `owned_steps`: the dotted path of `f(rules) -> {step_code: url_name}`: template steps the
  app completes itself from its own records (e.g. 摸清问题 from the unit's profile and
  problems); the unit page links to the app's page (the url name takes the campaign's and
  the enrolment's ids) instead of offering the status form;
- `notification_events`, `archive_parts`: slots for the coming notification and archive
  issues (declared, not used yet).

Registering the same label again replaces the entry: `ready()` may run more than once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PublicLink:
    url_name: str
    title: str
    description: str


@dataclass(frozen=True)
class PhaseApp:
    label: str
    order: int  # the campaign's phase order: the sidebar and the panels follow it
    nav: str = ""
    unit_panel: str = ""
    member_panel: str = ""
    overview_panel: str = ""
    public_links: tuple[PublicLink, ...] = ()
    compliance: str = ""
    closure: str = ""
    demo_loader: str = ""
    data_generator: str = ""
    services: Mapping[str, str] = field(default_factory=dict)
    owned_steps: str = ""
    notification_events: tuple[str, ...] = ()
    archive_parts: tuple[str, ...] = ()


_registry: dict[str, PhaseApp] = {}


def register(app: PhaseApp) -> None:
    """Declare a phase app's contributions (from its `AppConfig.ready()`)."""
    for module in (app.compliance, app.closure):
        if module:
            import_module(module)  # its decorators register the rules and gates
    _registry[app.label] = app


def phase_apps() -> list[PhaseApp]:
    """The registered phase apps in the campaign's order."""
    return sorted(_registry.values(), key=lambda app: (app.order, app.label))


def public_links() -> list[PublicLink]:
    return [link for app in phase_apps() for link in app.public_links]


def service(name: str) -> Callable | None:
    """The function another app offers under `name`, or None when no app offers it."""
    for app in phase_apps():
        if name in app.services:
            return import_string(app.services[name])
    return None


def step_pages(rules) -> dict[str, str]:
    """The template steps some app completes itself, with the url name of its page."""
    pages: dict[str, str] = {}
    for app in phase_apps():
        if app.owned_steps:
            pages.update(import_string(app.owned_steps)(rules))
    return pages


def demo_loaders() -> list[Callable]:
    return [import_string(app.demo_loader) for app in phase_apps() if app.demo_loader]


def data_generators() -> list[tuple[str, object]]:
    return [
        (app.label, import_module(app.data_generator)) for app in phase_apps() if app.data_generator
    ]


def context(request) -> dict:
    """Template context processor: `phase_apps` for the shell's templates."""
    return {"phase_apps": phase_apps()}
