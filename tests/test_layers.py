"""Imports run one way: core ← orgs ← accounts ← campaigns ← phase apps ← portal.

The app-level import graph is built from the source (every `import` and `from … import`
anywhere in a module, function bodies included); an edge from a lower layer to a higher
one, or between two phase apps without a reason listed below, fails the test.
"""

import ast
from pathlib import Path

import vanguard

ROOT = Path(vanguard.__file__).parent

# Shared helpers everybody may import: `vanguard/core/`, the project's form base classes and
# upload checks (`vanguard/forms.py`, `uploads.py`), the operations helpers (`vanguard/ops`:
# sending stored files, health, backups; they import no app), and `reports`
# (bounded workbook reading, the background jobs of `reports/jobs.py`, which rebuild
# the owner's scope through `User.access_scope()` rather than importing `accounts`).
CORE = {"core", "forms", "uploads", "ops", "reports"}
LAYERS = {
    "core": 0,
    "orgs": 1,
    "accounts": 2,
    "campaigns": 3,
    # Notifications run the finders the phase apps declare in the registry; they import
    # campaigns (running campaigns, their templates) and no phase app.
    "notifications": 3.5,
    "study": 4,
    "appraisal": 4,
    "rectification": 4,
    "surveys": 4,
    "oversight": 4,
    "situation": 4,
    "schools": 4,
    "reporting": 4,
    # The inspection archive assembles the parts the phase apps declare in the registry.
    "archive": 4,
    "portal": 5,
    "datagen": 5,  # the benchmark's generator drives every app
    "<project>": 6,  # settings, urls
}
# Imports between two phase apps, each with its reason.
PEER_IMPORTS = {
    # The campaign's effect figures (R30) take the survey results: the survey app
    # registers itself as their provider.
    ("surveys", "rectification"),
}


def unit_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "vanguard":
        return None
    if len(parts) == 1:
        return "<project>"
    if ".".join(parts[1:3]) in LAYERS:
        return ".".join(parts[1:3])
    if parts[1] in CORE:
        return "core"
    if parts[1] in LAYERS:
        return parts[1]
    return "<project>"  # vanguard.settings, vanguard.urls, …


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> set[tuple[str, str, str]]:
    """(importing app, imported app, importing module) for every cross-app import."""
    edges = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = module_name(path)
        source = unit_of(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                imported = unit_of(target)
                if imported and imported != source:
                    edges.add((source, imported, name))
    return edges


def against_the_order(edges) -> list[tuple[str, str, str]]:
    wrong = []
    for source, imported, module in sorted(edges):
        if LAYERS[imported] < LAYERS[source]:
            continue
        if (source, imported) in PEER_IMPORTS:
            continue
        wrong.append((source, imported, module))
    return wrong


def test_imports_run_one_way():
    assert against_the_order(import_graph()) == []


def test_the_graph_sees_the_imports_it_checks():
    edges = import_graph()
    assert ("campaigns", "orgs", "vanguard.campaigns.models") in edges
    assert ("study", "campaigns", "vanguard.study.models") in edges
    # A wrong edge is reported: the checker itself can fail.
    assert against_the_order({("orgs", "portal", "vanguard.orgs.x")}) == [
        ("orgs", "portal", "vanguard.orgs.x")
    ]
    assert against_the_order({("study", "oversight", "vanguard.study.x")}) != []


def test_the_shell_names_no_phase_app():
    """Templates of the shell iterate the registry (vanguard.core.registry) instead."""
    phase_apps = [app for app, layer in LAYERS.items() if layer == LAYERS["study"]]
    shell = ["orgs", "accounts", "campaigns", "portal", "templates"]
    named = []
    for folder in shell:
        for path in (ROOT / folder).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            named += [
                (path.name, app)
                for app in phase_apps
                if f'"{app}/' in text or f"{app}_tags" in text or f"'{app}-" in text
            ]
    assert named == []
