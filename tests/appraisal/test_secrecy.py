"""Secrecy proven from the schema and from what is actually stored.

The ballot has no path to its voter and no time finer than its round; the roll says only
that someone voted; an anonymous opinion keeps no name, no address and no time finer
than the day — in its table, its history table, or anywhere else in the database.
"""

import io
from datetime import date

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from tests.appraisal.conftest import ballot_for, close_now
from vanguard.accounts.models import User
from vanguard.appraisal import codes, services
from vanguard.appraisal.models import (
    AppraisalRound,
    Ballot,
    BallotReceipt,
    GuestCode,
    Opinion,
    SealedBallot,
    VoterRoll,
)
from vanguard.orgs.models import Member

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)
AUTO_FIELDS = (models.AutoField, models.BigAutoField, models.SmallAutoField)


# -- the ballot ----------------------------------------------------------------------------


def test_the_ballot_relates_to_its_round_only():
    relations = [f for f in Ballot._meta.get_fields() if f.is_relation]
    assert [(f.name, f.related_model) for f in relations] == [("round", AppraisalRound)]


def test_nothing_points_at_a_ballot():
    """No reverse relation: no roll entry, code or member row can name a ballot."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete:
                assert field.related_model is not Ballot, f"{model.__name__}.{field.name}"


def test_no_path_from_the_ballot_to_a_voter():
    """Following every relation from the ballot never reaches a user, a member, the roll
    or a code (the round reaches its organisation, not its voters)."""
    forbidden = {User, Member, VoterRoll, GuestCode}
    reached = {field.related_model for field in Ballot._meta.get_fields() if field.is_relation}
    assert not reached & forbidden
    # From the round only forward relations to the campaign, unit and creator lead on.
    round_forward = {
        f.related_model
        for f in AppraisalRound._meta.get_fields()
        if f.is_relation and f.concrete and not f.auto_created
    }
    assert Member not in round_forward and VoterRoll not in round_forward


def test_the_ballot_has_no_time_and_no_insertion_order():
    fields = Ballot._meta.get_fields()
    assert not [f.name for f in fields if isinstance(f, TIME_FIELDS)]
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert not isinstance(Ballot._meta.pk, AUTO_FIELDS)
    assert Ballot._meta.ordering == ["id"]
    assert set(f.name for f in fields if f.concrete) == {"id", "round", "grades"}


@pytest.mark.parametrize("model", [SealedBallot, BallotReceipt])
def test_the_pool_and_the_receipts_carry_no_voter_no_time_no_order(model):
    fields = [f for f in model._meta.get_fields() if f.concrete]
    assert {f.name for f in fields} == {
        "id",
        "round",
        "box" if model is SealedBallot else "receipt",
    }
    assert isinstance(model._meta.pk, models.UUIDField)
    assert model._meta.db_table not in registered_models and not hasattr(model, "history")


def test_the_ballot_and_the_roll_keep_no_history(db):
    assert Ballot._meta.db_table not in registered_models
    assert VoterRoll._meta.db_table not in registered_models
    assert not hasattr(Ballot, "history") and not hasattr(VoterRoll, "history")
    tables = connection.introspection.table_names()
    assert not [t for t in tables if "historicalballot" in t or "historicalvoterroll" in t]


def test_the_roll_says_who_voted_never_when_or_how():
    fields = [f for f in VoterRoll._meta.get_fields() if f.concrete]
    assert not [f.name for f in fields if isinstance(f, TIME_FIELDS)]
    assert not isinstance(VoterRoll._meta.pk, AUTO_FIELDS)
    assert {f.name for f in fields} == {"id", "round", "member", "guest_code"}
    constraints = {c.name: c for c in VoterRoll._meta.constraints}
    assert constraints["one_ballot_per_member"].fields == ("round", "member")
    assert VoterRoll._meta.get_field("guest_code").unique  # one use per code


def test_only_a_hash_of_a_guest_code_is_stored(open_round):
    plain = services.issue_guest_codes(open_round, 2, acting=None)
    stored = list(GuestCode.objects.values_list("digest", flat=True))
    assert sorted(stored) == sorted(codes.digest(code) for code in plain)
    assert not any(codes.normalize(code) in value for code in plain for value in stored)


def test_the_count_deletes_the_pool_and_publishes_two_lists(open_round, members):
    # given three ballots cast (sealed, in the pool)
    receipts = [
        services.cast_ballot(open_round, ballot_for(open_round), member=member, acting=None).receipt
        for member in members.values()
    ]
    assert SealedBallot.objects.count() == 3 and not Ballot.objects.exists()

    # when the round is closed and counted
    close_now(open_round)

    # then the pool is gone; the receipts are listed in code order, the ballots apart
    assert not SealedBallot.objects.exists()
    assert list(BallotReceipt.objects.values_list("receipt", flat=True)) == sorted(receipts)
    assert Ballot.objects.count() == 3
    assert AppraisalRound.objects.get(pk=open_round.pk).is_counted


def test_the_receipt_is_never_kept_in_the_session_or_a_url(login, personas, open_round, members):
    client = login(personas["bob"])
    url = reverse("appraisal:vote", args=[open_round.pk])
    response = client.post(
        url, {f"m{pk}": "qualified" for pk, _n in services.candidates_of(open_round)}
    )
    assert response.status_code == 200  # the receipt is in this response, not a redirect
    receipt = response.context["receipt"].replace("-", "")
    assert receipt in response.content.decode().replace("-", "")
    for session in Session.objects.all():
        assert receipt not in str(session.get_decoded())
    assert response["Cache-Control"] == "no-store"


# -- anonymous opinions --------------------------------------------------------------------


def test_opinions_store_no_address_and_no_time_finer_than_the_day():
    for model in (Opinion, Opinion.history.model):
        for field in model._meta.get_fields():
            if not field.concrete:
                continue
            assert not isinstance(field, models.GenericIPAddressField), field.name
            words = set(field.name.split("_"))
            assert not words & {"ip", "address", "agent", "host", "remote"}, field.name
            if model is Opinion:
                assert not isinstance(field, models.DateTimeField), field.name
    assert not isinstance(Opinion._meta.pk, AUTO_FIELDS)


def test_an_anonymous_opinion_keeps_no_name_even_if_typed(enrollments, tree):
    opinion = services.receive_opinion(
        enrollments["A"].campaign,
        channel="online",
        subject="unit",
        unit=tree["A"],
        content="意见",
        anonymous=True,
        author_name="张三",
        author_contact="13800000000",
        acting=None,
    ).opinion
    opinion.refresh_from_db()
    assert (opinion.author_name, opinion.author_contact) == ("", "")


def test_the_database_refuses_a_name_on_an_anonymous_opinion(opinion):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Opinion.objects.filter(pk=opinion.pk).update(author_name="张三")


def test_receiving_an_opinion_writes_no_history(opinion):
    assert not Opinion.history.filter(id=opinion.pk).exists()


def test_staff_changes_are_audited_from_then_on(opinion, personas):
    services.answer_opinion(opinion, text="已整改", user=personas["alice"], acting=None)
    history = Opinion.history.filter(id=opinion.pk)
    assert history.count() == 1 and history.get().history_type == "~"


def _all_stored_text() -> str:
    """Every value of every table of the database, as one text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_a_public_opinion_leaves_no_address_anywhere(client, enrollments, tree):
    # given a visitor behind a proxy, with a browser that says who it is
    address, forwarded, agent = "203.0.113.77", "198.51.100.23", "HostileBrowser/9.9"
    before = Opinion.objects.count()

    # when they send an anonymous opinion
    response = client.post(
        reverse("appraisal:public-opinion"),
        {"channel": "online", "subject": "unit", "unit": tree["A"].pk, "content": "食堂太贵"},
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=forwarded,
        HTTP_USER_AGENT=agent,
    )

    # then it is stored, and neither address nor browser appears in any table
    assert response.status_code == 200
    assert Opinion.objects.count() == before + 1
    stored = _all_stored_text()
    for trace in (address, forwarded, agent):
        assert trace not in stored
    opinion = Opinion.objects.get(content="食堂太贵")
    assert opinion.received_on == timezone.localdate()
    assert not Opinion.history.filter(id=opinion.pk).exists()
    assert opinion.entered_by is None


def test_the_public_view_reads_the_address_only_for_the_rate_limit():
    """The request handling: the view's source never touches the client's address."""
    import inspect

    from vanguard.appraisal import services as service_module
    from vanguard.appraisal.views import public

    for module in (public, service_module):
        source = inspect.getsource(module)
        for word in ("REMOTE_ADDR", "X_FORWARDED", "META", "HTTP_USER_AGENT"):
            assert word not in source, (module.__name__, word)


def test_resealing_rewrites_past_opinions_without_changing_them(enrollments, tree):
    from django.core.management import call_command

    received = [
        services.receive_opinion(
            enrollments["A"].campaign,
            channel="online",
            subject="unit",
            unit=tree["A"],
            content=f"意见{i}",
            received_on=date(2024, 8, 20),
            acting=None,
        ).opinion
        for i in range(3)
    ]
    before = list(Opinion.objects.order_by("pk").values())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text FROM appraisal_opinion ORDER BY id")
            old_xmins = [row[0] for row in cursor.fetchall()]

    call_command("reseal_opinions", stdout=io.StringIO())

    assert list(Opinion.objects.order_by("pk").values()) == before
    assert not Opinion.history.filter(id__in=[o.pk for o in received]).exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text FROM appraisal_opinion ORDER BY id")
            new_xmins = {row[0] for row in cursor.fetchall()}
        assert len(new_xmins) == 1 and not new_xmins & set(old_xmins)
