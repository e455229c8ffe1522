"""The demo's leadership and supervision data: the notice's own leading group, liaison
points, officers per batch, and enough problems for red and amber verdicts.

The demo takes seconds to load, so one test loads it and runs every check."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from vanguard.accounts.models import Role, RoleGrant, User
from vanguard.campaigns import compliance
from vanguard.campaigns.models import Campaign
from vanguard.campaigns.verdicts import Severity
from vanguard.oversight.models import (
    Article,
    ArticleStatus,
    Commendation,
    CommendationStatus,
    DispositionCase,
    GroupRole,
    LeadingGroup,
    LiaisonAssignment,
    Suggestion,
    SuggestionStatus,
)


def test_the_demo(client, db):
    call_command("load_demo", stdout=StringIO())
    demo = Campaign.objects.get()
    check_leading_group(demo)
    check_dispatches(demo)
    check_verdicts(demo)
    check_states()
    for username, url_name in [
        ("qianjun", "oversight:leader-home"),
        ("liaison", "oversight:my-assignments"),
        ("member", "portal:me"),
    ]:
        check_login(client, username, url_name)


def check_leading_group(demo):
    group = LeadingGroup.objects.get(campaign=demo, organization=demo.organization)
    roles = {(m.member.name, m.role, m.is_responsible) for m in group.memberships.all()}
    assert ("钱军", GroupRole.LEADER, True) in roles
    assert ("韩贤清", GroupRole.DEPUTY, False) in roles
    assert ("刘嫔珺", GroupRole.DEPUTY, False) in roles
    assert ("郭建民", GroupRole.OFFICE_DIRECTOR, False) in roles
    linked = {m.member.user.username for m in group.memberships.all() if m.member.user_id}
    assert {"qianjun", "hanxianqing", "liupinjun", "guojianmin"} <= linked


def check_dispatches(demo):
    batch_1, batch_2 = demo.batches.order_by("number")
    by_batch = {
        number: {a.organization.category for a in LiaisonAssignment.objects.filter(batch=batch)}
        for number, batch in ((1, batch_1), (2, batch_2))
    }
    assert "school" not in by_batch[1] and by_batch[2] == {"school"}
    for assignment in LiaisonAssignment.objects.exclude(officer__username="liaison"):
        grant = assignment.grant
        assert (grant.starts_on, grant.ends_on) == (
            assignment.batch.starts_on,
            assignment.batch.ends_on,
        )
    # the demo `liaison` login keeps working today (its grants are left open-ended)
    liaison = User.objects.get(username="liaison")
    assert RoleGrant.objects.filter(user=liaison, role=Role.LIAISON, ends_on=None).count() == 2


def check_verdicts(demo):
    report = compliance.evaluate(demo)
    levels = {v.code: v.level for v in report.verdicts if v.code.startswith("oversight.")}
    assert levels["oversight.leading_groups"] == Severity.WARNING
    assert levels["oversight.liaison_points"] == Severity.WARNING
    assert levels["oversight.liaison_officers"] == Severity.WARNING
    assert levels["oversight.suggestions"] == Severity.FAILING


def check_states():
    assert set(Suggestion.objects.values_list("status", flat=True)) == set(SuggestionStatus.values)
    assert set(Article.objects.values_list("status", flat=True)) == {
        ArticleStatus.DRAFT,
        ArticleStatus.SUBMITTED,
        ArticleStatus.PUBLISHED,
    }
    assert {
        CommendationStatus.NOMINATED,
        CommendationStatus.APPROVED,
        CommendationStatus.REJECTED,
        CommendationStatus.PUBLISHED,
    } <= set(Commendation.objects.values_list("status", flat=True))
    assert DispositionCase.objects.filter(outcome="").count() == 1


def check_login(client, username, url_name):
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    if username == "qianjun":
        assert len(response.context["units"]) == 2
    if username == "liaison":
        assert any(a.active for a in response.context["assignments"])
    if username == "member":
        assert 'id="my-commendations"' in response.content.decode()
