"""Issue 19: the opinion forms keep what was typed and the history says what happened.

- 录入意见: 匿名 is not ticked by default; a typed name or contact is never dropped silently;
- an answer given on paper is entered with its own date (not stamped today and 超期);
- recording the feedback is not a second 已答复 line in the history.
"""

from datetime import date

from django.urls import reverse

from vanguard.appraisal.models import Opinion, OpinionStatus

STAFF_OPINION = {
    "channel": "teacher_forum",
    "received_on": "2024-08-20",
    "subject": "unit",
    "content": "希望公开食堂账目。",
}


def new_opinion_url(campaign):
    return reverse("appraisal:opinion-new", args=[campaign.pk])


def test_anonymous_is_not_ticked_by_default(login, personas, campaign_a):
    page = login(personas["alice"]).get(new_opinion_url(campaign_a)).content.decode()
    anonymous = page[page.index('name="anonymous"') - 200 : page.index('name="anonymous"') + 100]
    assert "checked" not in anonymous


def test_a_typed_name_is_kept(login, personas, campaign_a, tree):
    data = {**STAFF_OPINION, "unit": tree["A"].pk, "author_name": "王家长", "author_contact": "139"}
    response = login(personas["alice"]).post(new_opinion_url(campaign_a), data)
    assert response.status_code == 200  # the receipt page
    opinion = Opinion.objects.get()
    assert (opinion.anonymous, opinion.author_name, opinion.author_contact) == (
        False,
        "王家长",
        "139",
    )


def test_anonymous_with_a_typed_name_asks_instead_of_dropping_it(login, personas, campaign_a, tree):
    data = {**STAFF_OPINION, "unit": tree["A"].pk, "anonymous": "on", "author_name": "王家长"}
    response = login(personas["alice"]).post(new_opinion_url(campaign_a), data)
    assert response.status_code == 400
    assert not Opinion.objects.exists()
    assert response.context["form"].errors["anonymous"]
    assert 'value="王家长"' in response.content.decode()


def test_anonymous_without_a_name_is_recorded(login, personas, campaign_a, tree):
    data = {**STAFF_OPINION, "unit": tree["A"].pk, "anonymous": "on"}
    assert login(personas["alice"]).post(new_opinion_url(campaign_a), data).status_code == 200
    assert Opinion.objects.get().anonymous


def test_a_back_entered_answer_keeps_its_date(login, personas, opinion):
    url = reverse("appraisal:opinion-answer", args=[opinion.pk])
    response = login(personas["alice"]).post(
        url, {"answer": "已当面答复", "answered_on": "2024-08-22"}
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.answered_on == date(2024, 8, 22)
    assert not opinion.answered_late and opinion.status == OpinionStatus.ANSWERED


def test_an_answer_before_the_opinion_or_in_the_future_is_refused(login, personas, opinion):
    client = login(personas["alice"])
    url = reverse("appraisal:opinion-answer", args=[opinion.pk])
    for day in ("2024-08-19", "2999-01-01"):
        response = client.post(url, {"answer": "已答复", "answered_on": day})
        assert response.status_code == 400, day
        assert response.context["answer_form"].errors
    opinion.refresh_from_db()
    assert opinion.answered_on is None


def test_the_feedback_is_not_a_second_answered_line(login, personas, opinion):
    client = login(personas["alice"])
    client.post(
        reverse("appraisal:opinion-answer", args=[opinion.pk]),
        {"answer": "已答复", "answered_on": "2024-08-22"},
    )
    client.post(
        reverse("appraisal:opinion-feedback", args=[opinion.pk]), {"fed_back_on": "2024-08-23"}
    )
    page = client.get(reverse("appraisal:opinion", args=[opinion.pk]))
    lines = [line["what"] for line in page.context["history_lines"]]
    assert lines[0] == "Fed back to the member on Aug. 23, 2024"  # the tests read English
    assert sum(1 for line in lines if line == "Answered") == 1


def test_the_voting_slips_say_when_voting_opens(login, personas, open_round):
    from django.utils import timezone
    from django.utils.formats import date_format

    response = login(personas["alice"]).post(
        reverse("appraisal:round-codes", args=[open_round.pk]), {"count": 2}
    )
    assert response.status_code == 200
    opens = date_format(timezone.localtime(open_round.opens_at), "DATETIME_FORMAT")
    assert response.content.decode().count(f"Vote from {opens} to") == 2


def test_a_code_before_the_opening_says_when_to_come_back(client, open_round):
    from datetime import timedelta

    from vanguard.appraisal import services

    [code] = services.issue_guest_codes(open_round, 1, acting=None)
    open_round.opens_at += timedelta(days=2)
    open_round.closes_at += timedelta(days=3)
    open_round.save()
    response = client.post(reverse("appraisal:public-ballot"), {"code": code})
    assert response.context["problem"].startswith("Voting in this appraisal round opens on ")


def test_the_public_opinion_form_offers_schools_by_their_public_name(client, campaign_a, tree):
    """A parent looks for 甲中学, not for 甲中学第一支部: each public name once, going to
    the top-most organisation that bears it; units with no public name are not offered."""
    from vanguard.appraisal.forms import PublicOpinionForm

    for code in ("A", "A1"):
        tree[code].public_name = "甲中学"
        tree[code].save()
    form = PublicOpinionForm(campaign=campaign_a)
    choices = [(str(label)) for value, label in form.fields["unit"].choices if value]
    assert choices == ["甲中学"]
    assert list(form.fields["unit"].queryset) == [tree["A"]]
    page = client.get(reverse("appraisal:public-opinion")).content.decode()
    assert "甲中学" in page and "甲中学第一支部" not in page and "乙中心党支部" not in page


def test_without_public_names_every_unit_is_offered_by_its_name(campaign_a, tree):
    from vanguard.appraisal.forms import PublicOpinionForm

    form = PublicOpinionForm(campaign=campaign_a)
    labels = {str(label) for value, label in form.fields["unit"].choices if value}
    assert {"甲中学党总支", "甲中学第一支部"} <= labels
