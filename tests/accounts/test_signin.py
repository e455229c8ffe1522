"""Sign-in doors: lock-out after five failures on both login pages, login events kept and
shown to the office and superusers, idle sign-out of staff, sessions ending with the
browser, the password rules, and the second factor."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, make_user
from vanguard.accounts import security
from vanguard.accounts.models import LoginEvent, Role, User


def _in_the_site(client) -> bool:
    """The home page answers (or sends on to the user's landing page), not to a sign-in step."""
    response = client.get(reverse("portal:home"))
    if not response.wsgi_request.user.is_authenticated:
        return False  # the root answers the public site to a visitor (issue 19)
    return response.status_code == 200 or (
        response.status_code == 302 and not response["Location"].startswith("/accounts/")
    )


def _post_login(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


@pytest.mark.parametrize("url_name", ["accounts:login", "admin:login"])
def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(db, url_name):
    # given a user and a client that fails four times
    User.objects.create_user("zhang", password=PASSWORD, is_staff=True)
    client = Client()
    url = reverse(url_name)
    for _ in range(4):
        response = _post_login(client, url, "zhang", "wrong")
        assert response.status_code == 200  # the form again, not yet locked
    # when the fifth failure comes, then the right password
    fifth = _post_login(client, url, "zhang", "wrong")
    right = _post_login(client, url, "zhang", PASSWORD)
    # then both answer the lock-out page in Chinese and nobody is signed in
    for response in (fifth, right):
        assert response.status_code == 429
        assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.LOCKED_OUT).exists()


def test_four_failures_then_the_right_password_signs_in(db):
    User.objects.create_user("li", password=PASSWORD)
    client = Client()
    for _ in range(4):
        _post_login(client, reverse("accounts:login"), "li", "wrong")
    response = _post_login(client, reverse("accounts:login"), "li", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_login_logout_and_failure_are_recorded(db):
    user = User.objects.create_user("wang", password=PASSWORD)
    client = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="TestBrowser/1")
    _post_login(client, reverse("accounts:login"), "wang", "nope")
    _post_login(client, reverse("accounts:login"), "wang", PASSWORD)
    client.post(reverse("accounts:logout"))
    events = list(LoginEvent.objects.order_by("pk").values_list("kind", "username", "user"))
    assert events == [
        ("failure", "wang", None),
        ("login", "wang", user.pk),
        ("logout", "wang", user.pk),
    ]
    assert set(LoginEvent.objects.values_list("ip_address", flat=True)) == {"10.1.2.3"}


def test_login_events_page_for_office_and_superuser_only(personas, login, client):
    LoginEvent.objects.create(kind=LoginEvent.Kind.FAILURE, username="guess-me")
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    for user in (personas["office"], superuser):
        response = login(user).get(reverse("accounts:login-events"))
        assert response.status_code == 200
        assert "guess-me" in response.content.decode()
    for name in ("leader", "alice", "bob", "liaison", "charlie"):
        assert login(personas[name]).get(reverse("accounts:login-events")).status_code == 404
    client.logout()
    assert client.get(reverse("accounts:login-events")).status_code == 302  # to the login page


def test_login_events_page_queries_do_not_grow(personas, login, django_assert_max_num_queries):
    client = login(personas["office"])
    LoginEvent.objects.bulk_create([LoginEvent(kind="failure", username=f"u{i}") for i in range(3)])
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("accounts:login-events"))
    LoginEvent.objects.bulk_create(
        [LoginEvent(kind="login", username=f"v{i}", user=personas["bob"]) for i in range(40)]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("accounts:login-events"))


def test_sessions_end_with_the_browser(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_staff_are_signed_out_after_thirty_idle_minutes(personas, client):
    client.force_login(personas["alice"])
    assert client.get(reverse("orgs:tree")).status_code == 200
    session = client.session
    assert session[security.IDLE_LIMIT] == 30 * 60
    session[security.LAST_SEEN] = int(time.time()) - 30 * 60 - 5
    session.save()
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_staff_within_thirty_minutes_stay_signed_in(personas, client):
    client.force_login(personas["alice"])
    session = client.session
    session[security.LAST_SEEN] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("orgs:tree")).status_code == 200
    assert client.session[security.LAST_SEEN] > time.time() - 60  # activity noted


def test_members_have_no_idle_limit(personas, client):
    client.force_login(personas["bob"])
    session = client.session
    assert security.IDLE_LIMIT not in session
    session[security.LAST_SEEN] = int(time.time()) - 5 * 3600
    session.save()
    assert _in_the_site(client)
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "password, problem",
    [
        ("Ab1!", "too short"),
        ("1234567890123", "numeric"),
        ("password1234", "common"),
        ("abcdefghijkl", "too simple"),
        ("abcdefgh1234", "too simple"),  # two classes only
    ],
)
def test_weak_passwords_are_refused(db, password, problem):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_passes(db):
    validate_password("Xian-feng 2024 go")
    validate_password("abcdefgh12#$")  # lower, digits, other: three classes


def test_password_like_the_username_is_refused(db):
    user = User(username="zhangsanfeng", full_name="")
    with pytest.raises(ValidationError):
        validate_password("Zhangsanfeng1", user=user)


# -- two-factor ---------------------------------------------------------------------------


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_without_the_policy_the_office_signs_in_with_a_password(personas, client, settings):
    settings.VANGUARD_REQUIRE_2FA = False
    client.force_login(personas["office"])
    assert _in_the_site(client)


def test_with_the_policy_the_office_must_set_up_a_second_factor(personas, client, settings):
    # given the production policy
    settings.VANGUARD_REQUIRE_2FA = True
    # when the office signs in with a password alone
    client.force_login(personas["office"])
    response = client.get(reverse("portal:home"))
    # then every page leads to the set-up page, with a QR code
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))
    assert client.get(reverse("accounts:login-events")).status_code == 302
    page = client.get(reverse("accounts:two-factor-setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=personas["office"], confirmed=False)
    # a wrong code is refused with a message, nothing confirmed
    wrong = client.post(reverse("accounts:two-factor-setup"), {"token": "000000"})
    assert "验证码错误" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # a wrong code makes the next try wait a second (django-otp)
    # the right code confirms, prints ten backup codes, and opens the site
    done = client.post(reverse("accounts:two-factor-setup"), {"token": _code(device)})
    assert done.status_code == 200 and done.content.decode().count("<li>") >= 10
    device.refresh_from_db()
    assert device.confirmed
    assert _in_the_site(client)


def test_an_enrolled_user_must_verify_at_the_next_sign_in(personas, client, settings):
    settings.VANGUARD_REQUIRE_2FA = False  # offered: bob enrolled by choice
    device = TOTPDevice.objects.create(user=personas["bob"], name="totp", confirmed=True)
    client.force_login(personas["bob"])
    response = client.get(reverse("portal:home"))
    assert response["Location"].startswith(reverse("accounts:two-factor-verify"))
    # a password alone cannot add another device
    assert client.get(reverse("accounts:two-factor-setup"))["Location"] == reverse(
        "accounts:two-factor-verify"
    )
    wrong = client.post(reverse("accounts:two-factor-verify"), {"token": "123456"})
    assert wrong.status_code == 200 and "验证码错误" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post(reverse("accounts:two-factor-verify"), {"token": _code(device), "next": "/"})
    assert ok.status_code == 302
    assert _in_the_site(client)


def test_a_backup_code_works_once(personas, client, settings):
    settings.VANGUARD_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=personas["office"], name="totp", confirmed=False)
    tokens = security.confirm_totp(device, _code(device))
    assert tokens and len(tokens) == security.BACKUP_TOKENS
    client.force_login(personas["office"])
    assert (
        client.post(reverse("accounts:two-factor-verify"), {"token": tokens[0]}).status_code == 302
    )
    assert _in_the_site(client)
    client.logout()
    client.force_login(personas["office"])
    again = client.post(reverse("accounts:two-factor-verify"), {"token": tokens[0]})
    assert again.status_code == 200  # used up


def test_superusers_need_the_second_factor_on_the_admin(db, client, settings):
    settings.VANGUARD_REQUIRE_2FA = True
    root = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))


def test_other_roles_are_not_required(personas, client, settings):
    settings.VANGUARD_REQUIRE_2FA = True
    for name in ("leader", "alice", "bob", "liaison"):
        client.force_login(personas[name])
        assert _in_the_site(client), name


def test_two_factor_pages_need_a_login(db, client):
    for name in ("accounts:two-factor-verify", "accounts:two-factor-setup"):
        assert reverse("accounts:login") in client.get(reverse(name))["Location"]


def test_make_user_helper_still_grants(personas):
    assert make_user("x", Role.LEADER, personas["office"].grants.first().organization)
