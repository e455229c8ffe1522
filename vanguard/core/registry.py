"""The one seam between the shell and the phase apps.

The shell (`orgs`, `accounts`, `campaigns`, `portal`) never names a phase app. Each phase
app declares what it contributes in one `PhaseApp` entry, registered from its
`AppConfig.ready()`; the shell's templates and views iterate `phase_apps()`:

- `nav`, `unit_panel`, `member_panel`, `overview_panel`, `batch_panel`: templates included
  in the sidebar, on a unit's campaign page, on the member's own page, on the campaign
  overview and on a batch's set-up page;
- `public_links`: entries of the public front page;
- `compliance`, `closure`: modules registering the app's compliance rules
  (`campaigns.compliance.compliance_rule`) and closure gates (`campaigns.closure`), imported here;
- `demo_loader`, `data_generator`: dotted paths of `load_demo(campaign, rng)` and of the
  benchmark generator module (`manage.py load_demo`, `generate_data`);
- `services`: functions offered to other apps by name (e.g. rectification's
  `create_item_from_source`), so an app can use another one without importing it;
- `notification_events`: the app's `NotificationEvent`s — what it tells people and when
  (`vanguard.notifications` runs their finders and delivers what they find); `todo`: the
  provider of the app's to-do items (待办) on the landing pages;
- `archive`: the dotted path of `archive(enrollment, scope) -> Iterable[ArchiveDocument]`
  (`vanguard.core.archive`): the app's documents of one unit in the inspection archive
  (档案); `campaign_archive`, of `f(campaign, scope)`: the campaign's own documents. The
  shell's own parts (the phase plan) are registered by `campaigns` with `register_archive`;
  the `archive` app assembles them all (`docs/archive.md`);
- `modules`: the campaign modules the app owns (`ModuleDef`). A campaign's template
  enables modules by code (`[modules] enabled = [...]`); a module that is off shows
  nothing and counts for nothing. `module` names the module(s) the app's nav and panels
  need (shown when the campaign in view has any of them); a `PublicLink` carries its own.
  The shell's own modules are registered by `campaigns` with `register_modules`.
- `owned_steps`: the dotted path of `f(rules) -> {step_code: url_name}`: template steps the
  app completes itself from its own records (e.g. 摸清问题 from the unit's profile and
  problems); the unit page links to the app's page (the url name takes the campaign's and
  the enrolment's ids) instead of offering the status form;

Registering the same label again replaces the entry: `ready()` may run more than once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ModuleDef:
    """A part of a campaign that a template switches on or off (issue 16).

    `default`: on in a template (or stored snapshot) without `[modules]`, i.e. part of the
    original 先进性 set; a module added later says `default=False`. `needs`: top-level
    template sections (vocabularies) that must be non-empty when the module is on.
    """

    code: str
    title: object  # a lazy translation
    default: bool = True
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicLink:
    url_name: str
    title: str
    description: str
    module: str = ""  # shown only while a campaign on the public site has this module


@dataclass(frozen=True)
class Due:
    """One thing to tell one user, found by an event's finder.

    `key` names the occurrence (e.g. "item_due:42:3" for item 42, three days ahead): the
    same key never makes a second notification for the same user.
    """

    user_id: int | None
    key: str
    title: str
    body: str = ""
    url: str = ""
    organization_id: int | None = None
    # A person of the public, not a user (the survey's sample): reached by text message
    # only, `user_id` None.
    phone: str = ""


@dataclass(frozen=True)
class NotificationEvent:
    """A kind of event people are told about.

    `finder` is the dotted path of `find(campaign, today, lead_days) -> Iterable[Due]`: it
    returns, for one campaign on one day, what is due; `lead_days` are the days ahead
    (`phase ends in 7 and in 1 days`) from the campaign's template or `default_lead_days`.
    It must only address users whose scope reaches the object it is about.
    """

    code: str
    title: object  # a lazy translation, shown on the preferences page
    finder: str
    default_lead_days: tuple[int, ...] = ()
    audience: object = ""  # who receives it (a lazy translation)
    module: str = ""  # the campaign module it belongs to: off with the module


@dataclass(frozen=True)
class TodoItem:
    """One thing the user has to do, shown on their landing page (待办), linked to where it
    is done. `due` (a date) orders the list; `overdue` items come first, in red."""

    title: str
    url: str
    due: date | None = None
    overdue: bool = False
    count: int | None = None  # how many of them ("5 条意见待答复")


@dataclass(frozen=True)
class PhaseApp:
    label: str
    order: int  # the campaign's phase order: the sidebar and the panels follow it
    nav: str = ""
    unit_panel: str = ""
    member_panel: str = ""
    overview_panel: str = ""
    # Included on a batch's set-up page (`campaigns/setup/batch.html`) with `campaign`
    # and `batch` in the context: e.g. oversight's liaison officers of the batch.
    batch_panel: str = ""
    public_links: tuple[PublicLink, ...] = ()
    compliance: str = ""
    closure: str = ""
    demo_loader: str = ""
    data_generator: str = ""
    services: Mapping[str, str] = field(default_factory=dict)
    notification_events: tuple[NotificationEvent, ...] = ()
    todo: str = ""  # dotted path of `todo(scope, campaign, today) -> Iterable[TodoItem]`
    owned_steps: str = ""
    archive: str = ""  # `archive(enrollment, scope) -> Iterable[ArchiveDocument]`
    campaign_archive: str = ""  # `campaign_archive(campaign, scope) -> Iterable[…]`
    modules: tuple[ModuleDef, ...] = ()
    # The module(s) the app's nav and panels need: shown when the campaign in view has
    # any of them ("" or (): always shown).
    module: str | tuple[str, ...] = ""

    @property
    def required_modules(self) -> tuple[str, ...]:
        return (self.module,) if isinstance(self.module, str) and self.module else self.module or ()


_registry: dict[str, PhaseApp] = {}
_shell_modules: dict[str, tuple[ModuleDef, ...]] = {}


def register(app: PhaseApp) -> None:
    """Declare a phase app's contributions (from its `AppConfig.ready()`)."""
    for module in (app.compliance, app.closure):
        if module:
            import_module(module)  # its decorators register the rules and gates
    _registry[app.label] = app


def register_modules(owner: str, modules: Iterable[ModuleDef]) -> None:
    """Declare the shell's own modules (`campaigns` does, from its `ready()`)."""
    _shell_modules[owner] = tuple(modules)


def modules() -> list[ModuleDef]:
    """Every declared module: the shell's, then the phase apps' in the campaign's order."""
    found = [m for owned in _shell_modules.values() for m in owned]
    found += [m for app in phase_apps() for m in app.modules]
    return found


def module_codes() -> list[str]:
    return [m.code for m in modules()]


def default_module_codes() -> tuple[str, ...]:
    """The modules of a template without `[modules]` (the original 先进性 set)."""
    return tuple(m.code for m in modules() if m.default)


def module(code: str) -> ModuleDef:
    for found in modules():
        if found.code == code:
            return found
    raise KeyError(code)


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


_shell_events: dict[str, NotificationEvent] = {}


def register_events(*events: NotificationEvent) -> None:
    """Events of the shell itself (the campaign's phases), registered by `notifications`."""
    for event in events:
        _shell_events[event.code] = event


def notification_events() -> list[NotificationEvent]:
    """Every declared event, the shell's first, then the phase apps' in their order."""
    events = list(_shell_events.values())
    for app in phase_apps():
        events.extend(app.notification_events)
    return events


def notification_event(code: str) -> NotificationEvent | None:
    return next((event for event in notification_events() if event.code == code), None)


_shell_todo: dict[str, str] = {}


def register_todo(name: str, provider: str) -> None:
    """A to-do provider of the shell itself (campaigns: the unit's plan and steps)."""
    _shell_todo[name] = provider


def todo_items(scope, campaign, today: date) -> list[TodoItem]:
    """The user's to-do list in a campaign: every provider's items, overdue first, then by
    due date (undated last)."""
    providers = [*_shell_todo.values(), *(app.todo for app in phase_apps() if app.todo)]
    items = [item for path in providers for item in import_string(path)(scope, campaign, today)]
    return sorted(items, key=lambda i: (not i.overdue, i.due or date.max, i.title))


_shell_archive: dict[str, tuple[str, str]] = {}


def register_archive(name: str, unit: str = "", campaign: str = "") -> None:
    """The shell's own archive parts (campaigns: the phase plan, the campaign's plan)."""
    _shell_archive[name] = (unit, campaign)


def archive_parts() -> list[Callable]:
    """Every provider of a unit's archive documents: the shell's, then the phase apps'."""
    paths = [unit for unit, _campaign in _shell_archive.values() if unit]
    paths += [app.archive for app in phase_apps() if app.archive]
    return [import_string(path) for path in paths]


def campaign_archive_parts() -> list[Callable]:
    """Every provider of the campaign's own documents in its archive."""
    paths = [campaign for _unit, campaign in _shell_archive.values() if campaign]
    paths += [app.campaign_archive for app in phase_apps() if app.campaign_archive]
    return [import_string(path) for path in paths]


def context(request) -> dict:
    """Template context processor: `phase_apps` for the shell's templates."""
    return {"phase_apps": phase_apps()}
