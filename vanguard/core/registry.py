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
- `notification_events`, `archive_parts`: slots for the coming notification and archive
  issues (declared, not used yet);
- `modules`: the campaign modules the app owns (`ModuleDef`). A campaign's template
  enables modules by code (`[modules] enabled = [...]`); a module that is off shows
  nothing and counts for nothing. `module` names the module(s) the app's nav and panels
  need (shown when the campaign in view has any of them); a `PublicLink` carries its own.
  The shell's own modules are registered by `campaigns` with `register_modules`.

Registering the same label again replaces the entry: `ready()` may run more than once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
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
    title: str
    default: bool = True
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicLink:
    url_name: str
    title: str
    description: str
    module: str = ""  # shown only while a campaign on the public site has this module


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
    notification_events: tuple[str, ...] = ()
    archive_parts: tuple[str, ...] = ()
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


def demo_loaders() -> list[Callable]:
    return [import_string(app.demo_loader) for app in phase_apps() if app.demo_loader]


def data_generators() -> list[tuple[str, object]]:
    return [
        (app.label, import_module(app.data_generator)) for app in phase_apps() if app.data_generator
    ]


def context(request) -> dict:
    """Template context processor: `phase_apps` for the shell's templates."""
    return {"phase_apps": phase_apps()}
