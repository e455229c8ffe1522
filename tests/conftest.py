"""Shared fixtures: a small organisation tree, a campaign on the shipped template, and the
personas every access test uses.

- office:   the campaign office, granted on the committee;
- leader:   a bureau leader, read-only on the committee;
- alice:    unit administrator of unit A (a school general branch with a sub-branch A1);
- bob:      a member of unit A1 with a login;
- liaison:  the liaison officer assigned to unit A;
- charlie:  unit administrator of unrelated unit B — the outsider, who must get 404 on A.
"""

from datetime import date

import pytest

from vanguard.accounts.models import Role, RoleGrant, User
from vanguard.campaigns import services
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.orgs.models import Member, Organization, OrgCategory, OrgKind

pytest_plugins = ["tests.demo_module"]  # the demo loaded once for a module

PASSWORD = "test-password-123"
TEMPLATE = "xianjinxing-2024"


@pytest.fixture
def tree(db):
    root = Organization.objects.add_root(
        dict(code="R", name="测试局党委", kind=OrgKind.COMMITTEE, category=OrgCategory.ORGAN)
    )
    unit_a = Organization.objects.add_child(
        root,
        dict(
            code="A", name="甲中学党总支", kind=OrgKind.GENERAL_BRANCH, category=OrgCategory.SCHOOL
        ),
    )
    unit_a1 = Organization.objects.add_child(
        unit_a,
        dict(code="A1", name="甲中学第一支部", kind=OrgKind.BRANCH, category=OrgCategory.SCHOOL),
    )
    unit_b = Organization.objects.add_child(
        root,
        dict(code="B", name="乙中心党支部", kind=OrgKind.BRANCH, category=OrgCategory.INSTITUTION),
    )
    return {"root": root, "A": unit_a, "A1": unit_a1, "B": unit_b}


def make_user(username: str, role: str | None = None, org: Organization | None = None, **grant):
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    if role:
        RoleGrant.objects.create(user=user, role=role, organization=org, **grant)
    return user


def make_member(org: Organization, code: str, name: str, **fields) -> Member:
    return Member.objects.create(code=code, name=name, gender="male", organization=org, **fields)


@pytest.fixture
def personas(tree):
    bob_user = make_user("bob")
    make_member(tree["A1"], "A1-001", "鲍勃", user=bob_user)
    make_member(tree["B"], "B-001", "查理同事")
    return {
        "office": make_user("office", Role.OFFICE, tree["root"]),
        "leader": make_user("leader", Role.LEADER, tree["root"]),
        "alice": make_user("alice", Role.UNIT_ADMIN, tree["A"]),
        "bob": bob_user,
        "liaison": make_user("liaison", Role.LIAISON, tree["A"]),
        "charlie": make_user("charlie", Role.UNIT_ADMIN, tree["B"]),
    }


@pytest.fixture
def campaign(tree):
    return services.start_campaign(
        load_template(shipped_template_path(TEMPLATE)),
        organization=tree["root"],
        batches=[
            ("第一批", date(2024, 1, 1), date(2024, 6, 30)),
            ("第二批", date(2024, 7, 1), date(2024, 12, 31)),
        ],
    )


@pytest.fixture
def batches(campaign):
    return list(campaign.batches.order_by("number"))


@pytest.fixture
def enrollments(tree, batches):
    return {
        "A": services.enroll(batches[1], tree["A"]),
        "B": services.enroll(batches[0], tree["B"]),
    }


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing passwords the production way costs ~0.3 s a user; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def pages_follow_every_write(settings):
    """A test writes and reads the page again within milliseconds: the whole-campaign parts
    are rendered with every new version (`FIGURES_RENDER_PACE`), except in the tests of the
    pace itself."""
    settings.FIGURES_RENDER_PACE = 0


@pytest.fixture(autouse=True)
def default_language():
    """No test leaks an activated language into the next one."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (cached figures, rate-limit counters)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def close_served_files(monkeypatch):
    """A file response a test does not read to the end (it checks the status only) keeps
    its file open; close each streamed response when the test ends, as the test client
    does after reading one (ResourceWarning is an error)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections
    from django.test.client import ClientHandler

    served = []
    handle = ClientHandler.__call__

    def call(self, environ):
        response = handle(self, environ)
        if response.streaming:
            served.append(response)
        return response

    monkeypatch.setattr(ClientHandler, "__call__", call)
    yield
    request_finished.disconnect(close_old_connections)
    try:
        for response in served:
            response.close()
    finally:
        request_finished.connect(close_old_connections)
