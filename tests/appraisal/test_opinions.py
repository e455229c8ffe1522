"""Opinions: routing to the responsible unit, the answer deadline, answering, feedback to
the member, closing, and "not ours" passed up or across."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import make_member
from vanguard.appraisal import codes, rules, services
from vanguard.appraisal.models import Opinion, OpinionStatus, OpinionTransfer, Subject
from vanguard.campaigns.template import CampaignTemplate


def receive(campaign, **fields):
    defaults = {
        "channel": "suggestion_box",
        "content": "意见内容",
        "received_on": date(2024, 8, 20),
    }
    return services.receive_opinion(campaign, **{**defaults, **fields}, acting=None)


# -- routing -------------------------------------------------------------------------------


def test_an_opinion_about_a_member_goes_to_the_member_s_organisation(campaign_a, members, tree):
    opinion = receive(campaign_a, subject=Subject.MEMBER, member=members["bob"]).opinion
    assert opinion.responsible_unit == tree["A1"]


def test_an_opinion_about_a_unit_goes_to_that_unit(campaign_a, tree):
    opinion = receive(campaign_a, subject=Subject.UNIT, unit=tree["A"]).opinion
    assert opinion.responsible_unit == tree["A"]


def test_an_opinion_about_the_bureau_goes_to_the_leading_organisation(campaign_a, tree):
    opinion = receive(campaign_a, subject=Subject.BUREAU).opinion
    assert opinion.responsible_unit == tree["root"] and opinion.unit is None


def test_a_person_named_by_the_public_stays_with_the_unit_until_linked(campaign_a, tree, members):
    opinion = receive(
        campaign_a, subject=Subject.MEMBER, unit=tree["A"], person_named="张老师"
    ).opinion
    assert (opinion.responsible_unit, opinion.member, opinion.about_label) == (
        tree["A"],
        None,
        "张老师",
    )
    services.link_member(opinion, members["bob"], acting=None)
    opinion.refresh_from_db()
    assert opinion.member == members["bob"] and opinion.about_label == "鲍勃"


def test_only_a_member_of_the_responsible_unit_can_be_linked(campaign_a, tree):
    opinion = receive(campaign_a, subject=Subject.UNIT, unit=tree["A1"]).opinion
    outsider = make_member(tree["B"], "B-100", "外人")
    with pytest.raises(ValidationError):
        services.link_member(opinion, outsider, acting=None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"channel": "carrier_pigeon", "subject": Subject.BUREAU}, "Unknown channel."),
        ({"subject": Subject.BUREAU, "content": "   "}, "The opinion is empty."),
        ({"subject": Subject.UNIT}, "Choose the unit the opinion concerns."),
        ({"subject": Subject.MEMBER}, "Name the person the opinion is about."),
        ({"subject": "weather"}, "Say whom the opinion is about."),
    ],
)
def test_bad_opinions_are_refused_and_nothing_is_written(campaign_a, fields, message):
    with pytest.raises(ValidationError) as error:
        receive(campaign_a, **fields)
    assert error.value.messages == [message]
    assert not Opinion.objects.exists()


def test_a_unit_outside_the_campaign_is_refused(campaign_a, tree):
    from vanguard.orgs.models import Organization, OrgKind

    elsewhere = Organization.objects.add_root(dict(code="Z", name="他局", kind=OrgKind.COMMITTEE))
    with pytest.raises(ValidationError):
        receive(campaign_a, subject=Subject.UNIT, unit=elsewhere)


def test_the_receipt_finds_the_opinion_and_only_its_digest_is_stored(campaign_a, tree):
    received = receive(campaign_a, subject=Subject.UNIT, unit=tree["A"])
    stored = Opinion.objects.get()
    assert stored.receipt_digest == codes.digest(received.receipt)
    assert codes.normalize(received.receipt) not in stored.receipt_digest
    assert services.find_by_receipt(received.receipt.lower()) == stored
    assert services.find_by_receipt("0000-0000-0000") is None
    assert services.find_by_receipt("not a code at all") is None


def test_opinion_keys_are_random_not_in_arrival_order(campaign_a, tree):
    keys = [receive(campaign_a, subject=Subject.BUREAU).opinion.pk for _ in range(8)]
    assert sorted(keys) != list(range(min(keys), min(keys) + 8))  # no sequence
    assert all(0 < key < 2**31 for key in keys)  # fits any integer object_id


# -- the deadline --------------------------------------------------------------------------


def test_the_deadline_defaults_to_fifteen_days(campaign_a, tree):
    opinion = receive(campaign_a, subject=Subject.UNIT, unit=tree["A"]).opinion
    assert opinion.due_on == date(2024, 9, 4)


def test_without_a_template_threshold_the_deadline_follows_the_setting(campaign_a, settings):
    settings.VANGUARD_OPINION_ANSWER_DAYS = 7
    data = campaign_a.rules.to_dict()
    del data["thresholds"]["opinion_answer_days"]
    assert rules.answer_days(CampaignTemplate.from_dict(data)) == 7


def test_a_template_threshold_would_take_precedence_with_its_variants(campaign_a):
    data = campaign_a.rules.to_dict()
    template = CampaignTemplate.from_dict(data)
    object.__setattr__(template, "thresholds", {**template.thresholds, "opinion_answer_days": 10})
    assert rules.answer_days(template) == 10
    assert rules.answer_days(campaign_a.rules) == 15  # the shipped template's value


def test_overdue_is_the_day_after_the_deadline(opinion):
    assert not opinion.is_overdue(opinion.due_on)
    assert opinion.is_overdue(opinion.due_on + timedelta(days=1))
    services.answer_opinion(
        opinion, text="已答复", user=None, today=opinion.due_on + timedelta(1), acting=None
    )
    assert not opinion.is_overdue(opinion.due_on + timedelta(days=5))
    assert opinion.answered_late


# -- answer, feedback, close ---------------------------------------------------------------


def test_answer_feed_back_close(opinion, personas):
    services.answer_opinion(
        opinion, text="已批评教育", user=personas["alice"], today=date(2024, 8, 25), acting=None
    )
    services.record_feedback(opinion, on=date(2024, 8, 26), today=date(2024, 8, 27), acting=None)
    services.close_opinion(opinion, today=date(2024, 8, 27), acting=None)
    opinion.refresh_from_db()
    assert (opinion.status, opinion.answered_on, opinion.fed_back_on, opinion.closed_on) == (
        OpinionStatus.CLOSED,
        date(2024, 8, 25),
        date(2024, 8, 26),
        date(2024, 8, 27),
    )
    assert opinion.answered_by == personas["alice"]


def test_amending_an_answer_keeps_its_first_date(opinion):
    services.answer_opinion(opinion, text="一", user=None, today=date(2024, 8, 25), acting=None)
    services.answer_opinion(opinion, text="二", user=None, today=date(2024, 8, 30), acting=None)
    assert (opinion.answer, opinion.answered_on) == ("二", date(2024, 8, 25))


def test_an_unanswered_opinion_cannot_be_closed(opinion):
    with pytest.raises(ValidationError):
        services.close_opinion(opinion, acting=None)
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.OPEN


def test_a_closed_opinion_takes_no_new_answer(opinion):
    services.answer_opinion(opinion, text="一", user=None, acting=None)
    services.close_opinion(opinion, acting=None)
    with pytest.raises(ValidationError):
        services.answer_opinion(opinion, text="二", user=None, acting=None)


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (date(2024, 8, 19), "The feedback cannot precede the opinion."),
        (date(2099, 1, 1), "The date of the feedback is in the future."),
    ],
)
def test_feedback_dates_are_checked(opinion, on, message):
    with pytest.raises(ValidationError) as error:
        services.record_feedback(opinion, on=on, acting=None)
    assert error.value.messages == [message]


def test_feedback_needs_a_member(campaign_a, tree):
    opinion = receive(campaign_a, subject=Subject.UNIT, unit=tree["A"]).opinion
    with pytest.raises(ValidationError):
        services.record_feedback(opinion, on=date(2024, 8, 21), acting=None)


# -- not ours ------------------------------------------------------------------------------


def test_passing_up_goes_to_the_parent_and_keeps_the_deadline(opinion, tree, personas):
    due = opinion.due_on
    transfer = services.pass_on(
        opinion, direction="up", reason="涉及总支", user=personas["alice"], acting=None
    )
    opinion.refresh_from_db()
    assert opinion.responsible_unit == tree["A"] and opinion.due_on == due
    assert (transfer.from_unit, transfer.to_unit, transfer.reason) == (
        tree["A1"],
        tree["A"],
        "涉及总支",
    )


def test_passing_across_goes_to_the_unit_chosen(opinion, tree, personas):
    services.pass_on(
        opinion,
        direction="across",
        to_unit=tree["B"],
        reason="属于乙中心",
        user=personas["alice"],
        acting=None,
    )
    opinion.refresh_from_db()
    assert opinion.responsible_unit == tree["B"]


def test_the_leading_organisation_cannot_pass_up(campaign_a, personas):
    opinion = receive(campaign_a, subject=Subject.BUREAU).opinion
    with pytest.raises(ValidationError):
        services.pass_on(opinion, direction="up", reason="x", user=personas["office"], acting=None)


@pytest.mark.parametrize(
    ("direction", "target", "reason"),
    [
        ("across", None, "理由"),
        ("across", "A1", "理由"),  # already there
        ("up", None, "  "),
        ("sideways", "B", "理由"),
    ],
)
def test_bad_passes_are_refused_and_nothing_moves(
    opinion, tree, personas, direction, target, reason
):
    with pytest.raises(ValidationError):
        services.pass_on(
            opinion,
            direction=direction,
            to_unit=tree[target] if target else None,
            reason=reason,
            user=personas["alice"],
            acting=None,
        )
    opinion.refresh_from_db()
    assert opinion.responsible_unit == tree["A1"]
    assert not OpinionTransfer.objects.exists()


def test_an_answered_opinion_is_not_passed_on(opinion, tree, personas):
    services.answer_opinion(opinion, text="已答复", user=None, acting=None)
    with pytest.raises(ValidationError):
        services.pass_on(opinion, direction="up", reason="x", user=personas["alice"], acting=None)


def test_the_rectification_module_can_cite_an_opinion(opinion):
    assert opinion.get_absolute_url() == f"/appraisal/opinions/{opinion.pk}/"
    assert "鲍勃" in str(opinion) and "上课时经常接打电话" in str(opinion)
