"""Liaison officers (R27): dispatch per batch through a dated RoleGrant, access that
begins and ends with the batch and reaches only the assigned units, visits, suggestions
followed until accepted, and the verdicts about officers and overdue answers."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.campaigns.revisions import only_unit_moves
from tests.conftest import make_member
from tests.reports.helpers import export
from vanguard.accounts.access import Scope
from vanguard.accounts.models import Role, RoleGrant
from vanguard.campaigns import compliance
from vanguard.campaigns.verdicts import Severity
from vanguard.oversight import services
from vanguard.oversight.models import LiaisonAssignment, Suggestion, SuggestionStatus


def unit_url(enrollment):
    return reverse("campaigns:unit", args=[enrollment.campaign_id, enrollment.pk])


# -- dispatch ------------------------------------------------------------------------------


def test_dispatch_creates_a_grant_dated_with_the_batch(assignment, batches, officer, tree):
    grant = assignment.grant
    assert (grant.user, grant.role, grant.organization) == (officer, Role.LIAISON, tree["A"])
    assert (grant.starts_on, grant.ends_on) == (batches[1].starts_on, batches[1].ends_on)


def test_dispatch_only_to_units_of_the_batch(batches, enrollments, officer, tree):
    with pytest.raises(ValidationError):  # A is in batch 2, not batch 1
        services.dispatch_officer(batches[0], officer, tree["A"], acting=None)
    services.dispatch_officer(
        batches[1], officer, tree["A1"], acting=None
    )  # inside an enrolled unit
    with pytest.raises(ValidationError):  # the same dispatch twice
        services.dispatch_officer(batches[1], officer, tree["A1"], acting=None)
    assert LiaisonAssignment.objects.count() == 1


def test_dispatch_takes_over_a_plain_grant(batches, enrollments, personas, tree):
    plain = RoleGrant.objects.get(user=personas["liaison"], organization=tree["A"])
    assignment = services.dispatch_officer(batches[1], personas["liaison"], tree["A"], acting=None)
    plain.refresh_from_db()
    assert assignment.grant == plain
    assert (plain.starts_on, plain.ends_on) == (batches[1].starts_on, batches[1].ends_on)


def test_withdrawing_ends_access_at_once(assignment, officer, tree):
    services.withdraw_assignment(assignment, acting=None)
    assert not RoleGrant.objects.filter(user=officer).exists()
    assert not Scope.for_user(officer).can_view_org(tree["A"])
    assignment.refresh_from_db()
    assert assignment.withdrawn_on is not None and assignment.grant is None


# -- access begins and ends with the batch -------------------------------------------------


def test_access_begins_and_ends_with_the_batch(assignment, batches, officer, tree):
    batch = batches[1]
    days = {
        "day before": (batch.starts_on - timedelta(days=1), False),
        "first day": (batch.starts_on, True),
        "last day": (batch.ends_on, True),
        "day after": (batch.ends_on + timedelta(days=1), False),
    }
    for _name, (day, inside) in days.items():
        scope = Scope.for_user(officer, today=day)
        assert scope.can_view_unit(tree["A"]) is inside, _name
        assert scope.can_view_org(tree["A1"]) is inside, _name  # the unit's subtree
        assert not scope.can_view_org(tree["B"]), _name  # never elsewhere


def test_officer_reaches_the_assigned_unit_only(login, assignment, officer, enrollments):
    client = login(officer)
    assert client.get(unit_url(enrollments["A"])).status_code == 200
    assert client.get(unit_url(enrollments["B"])).status_code == 404


def test_officer_of_an_ended_batch_gets_404(login, batches, enrollments, officer, tree):
    services.dispatch_officer(
        batches[0], officer, tree["B"], acting=None
    )  # batch 1 ended yesterday
    client = login(officer)
    assert client.get(unit_url(enrollments["B"])).status_code == 404
    assert client.get(reverse("oversight:my-assignments")).status_code == 200  # the record


def test_visit_pages_close_when_the_batch_ends(login, visit, assignment, officer, batches):
    url = reverse("oversight:visit", args=[visit.pk])
    assert login(officer).get(url).status_code == 200
    batch = batches[1]
    batch.ends_on = batch.starts_on  # the batch ends today …
    batch.save()
    grant = assignment.grant
    grant.ends_on = grant.starts_on - timedelta(days=1)  # … and access ended with it
    grant.starts_on = grant.ends_on
    grant.save()
    assert login(officer).get(url).status_code == 404


# -- visits --------------------------------------------------------------------------------


def test_officer_records_a_visit_with_suggestions(login, assignment, officer, today):
    response = login(officer).post(
        reverse("oversight:visit-new", args=[assignment.pk]),
        {
            "visited_on": today.isoformat(),
            "checked": "两本一册",
            "findings": "点名册不全",
            "suggestions": "补全点名册\n\n组织补学\n",
        },
    )
    assert response.status_code == 302
    suggestions = Suggestion.objects.order_by("pk")
    assert [s.text for s in suggestions] == ["补全点名册", "组织补学"]
    assert suggestions[0].answer_due_on == today + timedelta(days=14)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 403),
        ("leader", 403),
        ("alice", 403),
        ("liaison", 403),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_only_the_dispatched_officer_records_visits(login, personas, assignment, persona, status):
    response = login(personas[persona]).get(reverse("oversight:visit-new", args=[assignment.pk]))
    assert response.status_code == status


def test_a_visit_outside_the_batch_is_refused_and_the_input_kept(login, assignment, officer, today):
    response = login(officer).post(
        reverse("oversight:visit-new", args=[assignment.pk]),
        {
            "visited_on": (today - timedelta(days=3)).isoformat(),
            "checked": "学习笔记",
            "findings": "较好",
            "suggestions": "继续保持",
        },
    )
    assert response.status_code == 400
    assert "学习笔记" in response.content.decode() and not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("alice", 200),
        ("liaison", 200),
        ("officer", 200),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_visit_and_suggestion_pages_access(login, personas, officer, suggestion, persona, status):
    user = officer if persona == "officer" else personas[persona]
    client = login(user)
    assert client.get(reverse("oversight:visit", args=[suggestion.visit_id])).status_code == status
    assert client.get(reverse("oversight:suggestion", args=[suggestion.pk])).status_code == status


# -- a suggestion, followed to the end -----------------------------------------------------


def test_suggestion_answered_returned_answered_accepted(suggestion, personas, officer, today):
    with pytest.raises(ValidationError):  # nothing to accept yet
        services.accept_suggestion(suggestion, by=officer, acting=None)
    services.answer_suggestion(suggestion, by=personas["alice"], answer="已补全", acting=None)
    services.return_suggestion(suggestion, by=officer, note="请附点名册照片", acting=None)
    assert suggestion.status == SuggestionStatus.RETURNED
    assert suggestion.answer_due_on == today + timedelta(days=14)
    services.answer_suggestion(
        suggestion, by=personas["alice"], answer="已补全并附照片", acting=None
    )
    services.accept_suggestion(suggestion, by=officer, acting=None)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.accepted_by) == (SuggestionStatus.ACCEPTED, officer)
    with pytest.raises(ValidationError):  # accepted is final
        services.answer_suggestion(suggestion, by=personas["alice"], answer="再答", acting=None)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alice", 302),
        ("office", 302),
        ("leader", 403),
        ("liaison", 403),
        ("officer", 403),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_the_unit_answers(login, personas, officer, suggestion, persona, status):
    user = officer if persona == "officer" else personas[persona]
    response = login(user).post(
        reverse("oversight:suggestion-answer", args=[suggestion.pk]), {"answer": "已整改"}
    )
    assert response.status_code == status
    suggestion.refresh_from_db()
    assert (suggestion.status == SuggestionStatus.ANSWERED) is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 302),
        ("office", 302),
        ("alice", 403),
        ("leader", 403),
        ("liaison", 403),
        ("charlie", 404),
    ],
)
def test_the_officer_or_the_office_accepts(login, personas, officer, suggestion, persona, status):
    services.answer_suggestion(suggestion, by=personas["alice"], answer="已整改", acting=None)
    user = officer if persona == "officer" else personas[persona]
    response = login(user).post(reverse("oversight:suggestion-accept", args=[suggestion.pk]))
    assert response.status_code == status
    suggestion.refresh_from_db()
    assert (suggestion.status == SuggestionStatus.ACCEPTED) is (status == 302)


def test_an_empty_answer_is_refused(login, personas, suggestion):
    response = login(personas["alice"]).post(
        reverse("oversight:suggestion-answer", args=[suggestion.pk]), {"answer": "  "}
    )
    assert response.status_code == 400
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN


def test_suggestion_list_and_export_follow_the_scope(login, personas, suggestion, campaign):
    url = reverse("oversight:suggestions", args=[campaign.pk])
    assert len(login(personas["alice"]).get(url).context["page"]) == 2
    assert len(login(personas["charlie"]).get(url).context["page"]) == 0
    assert login(personas["bob"]).get(url).status_code == 404
    response = export(
        login(personas["charlie"]), reverse("oversight:suggestions-export", args=[campaign.pk])
    )
    assert response.status_code == 200


# -- the link to rectification -------------------------------------------------------------


def test_without_the_rectification_function_the_button_is_hidden(
    login, personas, suggestion, monkeypatch
):
    monkeypatch.setattr("vanguard.core.registry.service", lambda name: None)
    response = login(personas["alice"]).get(reverse("oversight:suggestion", args=[suggestion.pk]))
    assert response.context["can_convert"] is False
    assert 'id="rectify-form"' not in response.content.decode()
    with pytest.raises(ValidationError):
        services.convert_to_rectification(suggestion, by=personas["alice"], acting=None)


def test_with_the_rectification_function_a_suggestion_becomes_an_item(
    login, personas, suggestion, monkeypatch, tree
):
    made = []

    def create_item_from_source(source, *, campaign, organization, problem, acting):
        made.append((source, campaign, organization, problem))
        return source.visit  # any model instance stands for the item

    monkeypatch.setattr("vanguard.core.registry.service", lambda name: create_item_from_source)
    client = login(personas["alice"])
    page = client.get(reverse("oversight:suggestion", args=[suggestion.pk]))
    assert 'id="rectify-form"' in page.content.decode()
    response = client.post(reverse("oversight:suggestion-rectify", args=[suggestion.pk]))
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert made == [
        (suggestion, suggestion.visit.assignment.batch.campaign, tree["A"], "补全点名册")
    ]
    assert suggestion.rectification_item == suggestion.visit and suggestion.converted_on
    assert str(suggestion) == "补全点名册"
    assert suggestion.get_absolute_url() == reverse("oversight:suggestion", args=[suggestion.pk])


def test_a_suggestion_becomes_a_real_rectification_item(suggestion, personas):
    """With the rectification module in place: its item, linked both ways."""
    from django.apps import apps

    from vanguard.core.registry import service

    assert service("create_item_from_source") is not None  # the rectification module is installed
    item = services.convert_to_rectification(suggestion, by=personas["alice"], acting=None)
    model = apps.get_model("rectification", "RectificationItem")
    assert model.objects.get() == item
    assert (item.organization.code, item.problem) == ("A", "补全点名册")
    suggestion.refresh_from_db()
    assert suggestion.rectification_item == item
    with pytest.raises(ValidationError):  # once only
        services.convert_to_rectification(suggestion, by=personas["alice"], acting=None)


# -- verdicts ------------------------------------------------------------------------------


def _findings(campaign, code, **kwargs):
    report = compliance.evaluate(campaign, **kwargs)
    return next(v for v in report.verdicts if v.code == code).findings


def test_units_of_the_running_batch_need_an_officer(campaign, enrollments, batches, officer, tree):
    findings = _findings(campaign, "oversight.liaison_officers")
    levels = {f.organization.code: f.level for f in findings}
    assert levels == {"A": Severity.FAILING, "B": Severity.WARNING}  # running / ended without one

    services.dispatch_officer(batches[1], officer, tree["A"], acting=None)
    services.dispatch_officer(batches[0], officer, tree["B"], acting=None)
    assert _findings(campaign, "oversight.liaison_officers") == []


def test_a_recalled_officer_leaves_the_running_unit_uncovered(campaign, assignment):
    assert _findings(campaign, "oversight.liaison_officers")[0].organization.code == "B"
    services.withdraw_assignment(assignment, acting=None)
    codes = {f.organization.code for f in _findings(campaign, "oversight.liaison_officers")}
    assert "A" in codes


def test_unanswered_suggestions_past_their_deadline_fail(campaign, suggestion, personas, today):
    later = today + timedelta(days=15)
    assert _findings(campaign, "oversight.suggestions", today=today) == []
    failing = _findings(campaign, "oversight.suggestions", today=later)
    assert [(f.organization.code, f.level) for f in failing] == [("A", Severity.FAILING)]
    assert "2" in failing[0].message  # both suggestions of the visit

    for item in Suggestion.objects.all():
        services.answer_suggestion(item, by=personas["alice"], answer="已答复", acting=None)
    assert _findings(campaign, "oversight.suggestions", today=later) == []


def test_the_answer_deadline_is_a_setting(settings, assignment, officer, today, campaign):
    settings.VANGUARD_SUGGESTION_ANSWER_DAYS = 7
    campaign.template_data["thresholds"].pop("suggestion_answer_days", None)
    campaign.save()
    campaign.__dict__.pop("template", None)  # the parsed template follows the new data
    assignment.batch.campaign = campaign
    visit = services.record_visit(
        assignment,
        by=officer,
        visited_on=today,
        checked="c",
        findings="f",
        suggestions=["s"],
        acting=None,
    )
    assert visit.suggestions.get().answer_due_on == today + timedelta(days=7)


def test_a_templates_threshold_wins_over_the_setting(settings):
    from types import SimpleNamespace

    from vanguard.oversight.conf import suggestion_answer_days

    settings.VANGUARD_SUGGESTION_ANSWER_DAYS = 7
    with_threshold = SimpleNamespace(
        rules=SimpleNamespace(thresholds={"suggestion_answer_days": 10})
    )
    without = SimpleNamespace(rules=SimpleNamespace(thresholds={}))
    assert suggestion_answer_days(with_threshold) == 10
    assert suggestion_answer_days(without) == 7
    del settings.VANGUARD_SUGGESTION_ANSWER_DAYS
    assert suggestion_answer_days(without) == 14


def test_officer_dashboard_lists_assignments_and_visits(login, officer, visit, tree):
    response = login(officer).get(reverse("oversight:my-assignments"))
    assert [a.organization for a in response.context["assignments"]] == [tree["A"]]
    assert list(response.context["visits"]) == [visit]


def test_my_assignments_is_404_for_who_was_never_dispatched(login, personas, tree):
    make_member(tree["B"], "B-100", "无关")
    assert login(personas["charlie"]).get(reverse("oversight:my-assignments")).status_code == 404
    assert login(personas["liaison"]).get(reverse("oversight:my-assignments")).status_code == 200


def test_a_visit_and_its_suggestions_move_the_visited_units_revision_only(
    assignment, officer, enrollments, today
):
    """A visit belongs to the unit visited: the dispatch's access grant (a global row) does
    not make it campaign-wide, which made every unit's figures stale."""
    with only_unit_moves(enrollments["A"], enrollments["B"]):
        visit = services.record_visit(
            assignment,
            by=officer,
            visited_on=today,
            checked="两本一册",
            findings="点名册不全",
            suggestions=["补全点名册"],
            acting=None,
        )
    suggestion = visit.suggestions.get()
    with only_unit_moves(enrollments["A"], enrollments["B"]):
        suggestion.answer = "已补全"
        suggestion.save()
