"""Fixtures of the notification tests: the providers' stand-ins on loopback, a real SMTP
server (aiosmtpd), and the settings that point the clients at them."""

import socket

import pytest
from aiosmtpd.controller import Controller

from tests.notifications import fakes


@pytest.fixture
def providers(settings):
    server = fakes.start()
    settings.VANGUARD_WECOM_API = server.base
    settings.VANGUARD_WECOM_CORP_ID = "corp"
    settings.VANGUARD_WECOM_SECRET = "wecom-secret"
    settings.VANGUARD_WECOM_AGENT_ID = "1000002"
    settings.VANGUARD_DINGTALK_API = server.base
    settings.VANGUARD_DINGTALK_APP_KEY = "ding-key"
    settings.VANGUARD_DINGTALK_APP_SECRET = "ding-secret"
    settings.VANGUARD_DINGTALK_AGENT_ID = "2000001"
    settings.VANGUARD_SMS_ENDPOINT = server.base
    settings.VANGUARD_SMS_ACCESS_KEY_ID = "key-id"
    settings.VANGUARD_SMS_ACCESS_KEY_SECRET = fakes.SMS_SECRET
    settings.VANGUARD_SMS_SIGN_NAME = "市教育局"
    settings.VANGUARD_SMS_TEMPLATE_CODE = "SMS_1"
    settings.VANGUARD_NOTIFY_TIMEOUT = 1
    yield server
    server.shutdown()
    server.server_close()


class _Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 2
    yield mailbox
    controller.stop()
