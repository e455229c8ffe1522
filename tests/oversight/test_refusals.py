"""Every state-changing oversight service checks its actor without a view in between:
charlie (admin of unrelated unit B) and the read-only roles are refused on unit A's
leading group, liaison work, suggestions, articles, commendations and member cases."""

import pytest
from django.core.exceptions import PermissionDenied

from vanguard.accounts.access import Scope
from vanguard.oversight import services
from vanguard.oversight.models import (
    Article,
    ArticleKind,
    Commendation,
    GroupRole,
    LeadingGroup,
    PointKind,
)


def scope_of(user):
    return Scope.for_user(user)


@pytest.fixture
def world(campaign, enrollments, batches, tree, people, personas, assignment, suggestion, case):
    group = LeadingGroup.objects.create(campaign=campaign, organization=tree["A"], name="组")
    membership = services.add_group_member(
        group, people["alice"], role=GroupRole.LEADER, acting=None
    )
    article = Article.objects.create(
        campaign=campaign,
        organization=tree["A"],
        kind=ArticleKind.NEWS,
        title="t",
        body="b",
        author=personas["alice"],
    )
    commendation = Commendation.objects.create(
        campaign=campaign,
        kind="outstanding_member",
        member=people["bob"],
        nominated_by_unit=tree["A"],
        citation="c",
        nominated_by=personas["alice"],
        nominated_on=batches[1].starts_on,
    )
    return {
        "campaign": campaign,
        "batch": batches[1],
        "tree": tree,
        "people": people,
        "officer": personas["liaison"],
        "group": group,
        "membership": membership,
        "assignment": assignment,
        "suggestion": suggestion,
        "case": case,
        "article": article,
        "commendation": commendation,
    }


def actions(w):
    A, bob = w["tree"]["A"], w["people"]["bob"]
    return {
        "create_leading_group": lambda acting: services.create_leading_group(
            w["campaign"], A, acting=acting
        ),
        "add_group_member": lambda acting: services.add_group_member(
            w["group"], w["people"]["carol"], role=GroupRole.MEMBER, acting=acting
        ),
        "remove_group_member": lambda acting: services.remove_group_member(
            w["membership"], acting=acting
        ),
        "mark_responsible": lambda acting: services.mark_responsible(
            w["membership"], acting=acting
        ),
        "set_liaison_point": lambda acting: services.set_liaison_point(
            w["campaign"], w["people"]["leader"], PointKind.UNIT, A, acting=acting
        ),
        "dispatch_officer": lambda acting: services.dispatch_officer(
            w["batch"], w["officer"], A, acting=acting
        ),
        "withdraw_assignment": lambda acting: services.withdraw_assignment(
            w["assignment"], acting=acting
        ),
        "record_visit": lambda acting: services.record_visit(
            w["assignment"],
            by=acting.user,
            visited_on=w["batch"].starts_on,
            checked="c",
            findings="f",
            suggestions=[],
            acting=acting,
        ),
        "answer_suggestion": lambda acting: services.answer_suggestion(
            w["suggestion"], by=None, answer="a", acting=acting
        ),
        "accept_suggestion": lambda acting: services.accept_suggestion(
            w["suggestion"], by=None, acting=acting
        ),
        "return_suggestion": lambda acting: services.return_suggestion(
            w["suggestion"], by=None, note="n", acting=acting
        ),
        "convert_to_rectification": lambda acting: services.convert_to_rectification(
            w["suggestion"], acting=acting
        ),
        "create_article": lambda acting: services.create_article(
            w["campaign"],
            A,
            author=None,
            kind=ArticleKind.NEWS,
            title="t",
            body="b",
            acting=acting,
        ),
        "update_article": lambda acting: services.update_article(
            w["article"], title="t", body="b", acting=acting
        ),
        "submit_article": lambda acting: services.submit_article(w["article"], acting=acting),
        "publish_article": lambda acting: services.publish_article(
            w["article"], by=None, acting=acting
        ),
        "return_article": lambda acting: services.return_article(
            w["article"], by=None, note="n", acting=acting
        ),
        "nominate": lambda acting: services.nominate(
            w["campaign"],
            "outstanding_member",
            unit=A,
            citation="c",
            by=None,
            member=bob,
            acting=acting,
        ),
        "review_nomination": lambda acting: services.review_nomination(
            w["commendation"], approve=True, by=None, acting=acting
        ),
        "publish_commendation": lambda acting: services.publish_commendation(
            w["commendation"], acting=acting
        ),
        "withdraw_nomination": lambda acting: services.withdraw_nomination(
            w["commendation"], acting=acting
        ),
        "open_case": lambda acting: services.open_case(
            w["campaign"],
            w["people"]["carol"],
            by=None,
            opened_on=w["batch"].starts_on,
            reason="r",
            acting=acting,
        ),
        "record_talk": lambda acting: services.record_talk(
            w["case"], held_on=w["case"].opened_on, talked_by="t", summary="s", acting=acting
        ),
        "set_deadline": lambda acting: services.set_deadline(
            w["case"],
            set_on=w["case"].opened_on,
            improve_by=w["case"].opened_on,
            acting=acting,
        ),
        "conclude_case": lambda acting: services.conclude_case(
            w["case"], outcome="", outcome_on=w["case"].opened_on, acting=acting
        ),
    }


NAMES = [
    "create_leading_group",
    "add_group_member",
    "remove_group_member",
    "mark_responsible",
    "set_liaison_point",
    "dispatch_officer",
    "withdraw_assignment",
    "record_visit",
    "answer_suggestion",
    "accept_suggestion",
    "return_suggestion",
    "convert_to_rectification",
    "create_article",
    "update_article",
    "submit_article",
    "publish_article",
    "return_article",
    "nominate",
    "review_nomination",
    "publish_commendation",
    "withdraw_nomination",
    "open_case",
    "record_talk",
    "set_deadline",
    "conclude_case",
]


@pytest.mark.parametrize("action", NAMES)
@pytest.mark.parametrize("persona", ["charlie", "leader", "bob"])
def test_outsiders_and_readers_are_refused(personas, world, action, persona):
    with pytest.raises(PermissionDenied):
        actions(world)[action](scope_of(personas[persona]))


OFFICE_ONLY = ["set_liaison_point", "dispatch_officer", "withdraw_assignment"]
OFFICE_ONLY += ["publish_article", "return_article", "review_nomination"]
OFFICE_ONLY += ["publish_commendation"]


@pytest.mark.parametrize("action", OFFICE_ONLY)
def test_the_units_admin_does_not_do_the_offices_work(personas, world, action):
    with pytest.raises(PermissionDenied):
        actions(world)[action](scope_of(personas["alice"]))


def test_only_the_dispatched_officer_records_a_visit(personas, world, officer):
    with pytest.raises(PermissionDenied):
        actions(world)["record_visit"](scope_of(personas["office"]))
    actions(world)["record_visit"](scope_of(officer))  # the officer: no refusal
