"""The channels a notification goes out on, each speaking its provider's documented API.

- email: Django's mail backend (SMTP in production, `EMAIL_*` settings);
- WeCom (企业微信) app messages to a person: `gettoken` then `message/send`;
- DingTalk (钉钉) work notices to a person: `gettoken` then
  `topapi/message/corpconversation/asyncsend_v2`;
- group robots of WeCom (`webhook/send?key=`) and DingTalk (`robot/send?access_token=`,
  signed with the robot's secret: HMAC-SHA256 of "timestamp\\nsecret");
- SMS through Alibaba Cloud's `SendSms` (RPC API, signature version 1.0, HMAC-SHA1), with
  the endpoint configurable so another gateway speaking the same shape can stand in.

Every client raises `DeliveryError(reason, retryable=…)`: a provider's rate limit, a busy
server, a timeout or a 5xx is worth retrying; a wrong address or a refused signature is not.
The base addresses come from settings, and a group robot's webhook must start with one of
them (the office cannot point the server at an arbitrary address).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib import error, parse, request

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from vanguard.notifications.models import Channel


class DeliveryError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str  # absolute when VANGUARD_PUBLIC_URL is set

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.title, self.body, self.link) if part)


# --- HTTP ------------------------------------------------------------------------------


def _http(url: str, *, payload: dict | None = None) -> dict:
    """GET (no payload) or POST JSON; the provider's JSON answer, or a DeliveryError."""
    data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"} if data else {}
    req = request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with request.urlopen(req, timeout=settings.VANGUARD_NOTIFY_TIMEOUT) as response:
            body = response.read()
    except error.HTTPError as exc:
        exc.close()
        raise DeliveryError(
            _("The server answered HTTP %(status)s.") % {"status": exc.code},
            retryable=exc.code >= 500 or exc.code == 429,
        ) from exc
    except (TimeoutError, error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(
            _("No answer from the server: %(reason)s") % {"reason": reason}, retryable=True
        ) from exc
    try:
        return json.loads(body)
    except ValueError as exc:
        raise DeliveryError(_("The server's answer is not JSON."), retryable=True) from exc


def _provider_error(code, message: str, retryable_codes: set) -> DeliveryError:
    return DeliveryError(
        _("The provider refused (code %(code)s): %(message)s") % {"code": code, "message": message},
        retryable=code in retryable_codes,
    )


def webhook_allowed(url: str) -> bool:
    """Whether a group robot's webhook points at a configured provider."""
    bases = (settings.VANGUARD_WECOM_API, settings.VANGUARD_DINGTALK_API)
    return any(url.startswith(base.rstrip("/") + "/") for base in bases if base)


# --- WeCom (企业微信) ---------------------------------------------------------------------

# -1 system busy, 45009 API frequency limit, 45033 too many concurrent calls.
WECOM_RETRYABLE = {-1, 45009, 45033}
WECOM_TOKEN_EXPIRED = {40014, 42001}


def _wecom_url(path: str, **query) -> str:
    return f"{settings.VANGUARD_WECOM_API.rstrip('/')}/cgi-bin/{path}?{parse.urlencode(query)}"


def _wecom_token(refresh: bool = False) -> str:
    key = f"notifications:wecom-token:{settings.VANGUARD_WECOM_CORP_ID}"
    token = None if refresh else cache.get(key)
    if token:
        return token
    answer = _http(
        _wecom_url(
            "gettoken",
            corpid=settings.VANGUARD_WECOM_CORP_ID,
            corpsecret=settings.VANGUARD_WECOM_SECRET,
        )
    )
    if answer.get("errcode", 0) != 0:
        raise _provider_error(answer.get("errcode"), answer.get("errmsg", ""), WECOM_RETRYABLE)
    cache.set(key, answer["access_token"], max(int(answer.get("expires_in", 7200)) - 300, 60))
    return answer["access_token"]


def send_wecom(userid: str, message: Message) -> None:
    payload = {
        "touser": userid,
        "msgtype": "text",
        "agentid": int(settings.VANGUARD_WECOM_AGENT_ID),
        "text": {"content": message.text},
    }
    for refresh in (False, True):
        answer = _http(
            _wecom_url("message/send", access_token=_wecom_token(refresh)), payload=payload
        )
        code = answer.get("errcode", 0)
        if code in WECOM_TOKEN_EXPIRED and not refresh:
            continue
        if code != 0:
            raise _provider_error(code, answer.get("errmsg", ""), WECOM_RETRYABLE)
        if answer.get("invaliduser"):
            raise DeliveryError(
                _("WeCom does not know the user %(user)s.") % {"user": answer["invaliduser"]},
                retryable=False,
            )
        return


def send_wecom_robot(webhook: str, message: Message) -> None:
    answer = _http(webhook, payload={"msgtype": "text", "text": {"content": message.text}})
    if answer.get("errcode", 0) != 0:
        raise _provider_error(answer.get("errcode"), answer.get("errmsg", ""), WECOM_RETRYABLE)


# --- DingTalk (钉钉) ---------------------------------------------------------------------

# -1 system busy, 130101 robot sending too fast (20 a minute), 90018 app rate limit.
DINGTALK_RETRYABLE = {-1, 130101, 90018}
DINGTALK_TOKEN_EXPIRED = {40014, 42001, 88}


def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    """The robot's 加签: base64 of HMAC-SHA256(secret, "timestamp\\nsecret"), URL-encoded."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return parse.quote_plus(base64.b64encode(digest))


def send_dingtalk_robot(webhook: str, secret: str, message: Message) -> None:
    url = webhook
    if secret:
        timestamp = int(time.time() * 1000)
        url += f"&timestamp={timestamp}&sign={dingtalk_signature(secret, timestamp)}"
    answer = _http(url, payload={"msgtype": "text", "text": {"content": message.text}})
    if answer.get("errcode", 0) != 0:
        raise _provider_error(answer.get("errcode"), answer.get("errmsg", ""), DINGTALK_RETRYABLE)


def _dingtalk_token(refresh: bool = False) -> str:
    key = f"notifications:dingtalk-token:{settings.VANGUARD_DINGTALK_APP_KEY}"
    token = None if refresh else cache.get(key)
    if token:
        return token
    query = parse.urlencode(
        {
            "appkey": settings.VANGUARD_DINGTALK_APP_KEY,
            "appsecret": settings.VANGUARD_DINGTALK_APP_SECRET,
        }
    )
    answer = _http(f"{settings.VANGUARD_DINGTALK_API.rstrip('/')}/gettoken?{query}")
    if answer.get("errcode", 0) != 0:
        raise _provider_error(answer.get("errcode"), answer.get("errmsg", ""), DINGTALK_RETRYABLE)
    cache.set(key, answer["access_token"], max(int(answer.get("expires_in", 7200)) - 300, 60))
    return answer["access_token"]


def send_dingtalk(userid: str, message: Message) -> None:
    payload = {
        "agent_id": int(settings.VANGUARD_DINGTALK_AGENT_ID),
        "userid_list": userid,
        "msg": {"msgtype": "text", "text": {"content": message.text}},
    }
    base = settings.VANGUARD_DINGTALK_API.rstrip("/")
    for refresh in (False, True):
        url = (
            f"{base}/topapi/message/corpconversation/asyncsend_v2?"
            f"{parse.urlencode({'access_token': _dingtalk_token(refresh)})}"
        )
        answer = _http(url, payload=payload)
        code = answer.get("errcode", 0)
        if code in DINGTALK_TOKEN_EXPIRED and not refresh:
            continue
        if code != 0:
            raise _provider_error(code, answer.get("errmsg", ""), DINGTALK_RETRYABLE)
        return


# --- SMS (Alibaba Cloud SendSms) ----------------------------------------------------------

SMS_RETRYABLE = {"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "Throttling.User"}


def _percent(value: str) -> str:
    return parse.quote(value, safe="~")


def sms_signed_query(params: dict[str, str], secret: str) -> str:
    """The query string of an RPC call signed as Alibaba Cloud documents (version 1.0)."""
    canonical = "&".join(f"{_percent(k)}={_percent(v)}" for k, v in sorted(params.items()))
    to_sign = f"GET&{_percent('/')}&{_percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    signature = base64.b64encode(digest).decode()
    return f"Signature={_percent(signature)}&{canonical}"


def send_sms(phone: str, message: Message) -> None:
    params = {
        "AccessKeyId": settings.VANGUARD_SMS_ACCESS_KEY_ID,
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": phone,
        "RegionId": "cn-hangzhou",
        "SignName": settings.VANGUARD_SMS_SIGN_NAME,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "TemplateCode": settings.VANGUARD_SMS_TEMPLATE_CODE,
        # The approved template has one variable, ${title}: SMS carries no free text.
        "TemplateParam": json.dumps({"title": message.title[:35]}, ensure_ascii=False),
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": "2017-05-25",
    }
    query = sms_signed_query(params, settings.VANGUARD_SMS_ACCESS_KEY_SECRET)
    answer = _http(f"{settings.VANGUARD_SMS_ENDPOINT.rstrip('/')}/?{query}")
    if answer.get("Code") != "OK":
        raise _provider_error(answer.get("Code"), answer.get("Message", ""), SMS_RETRYABLE)


# --- email ----------------------------------------------------------------------------------


def send_email(address: str, message: Message) -> None:
    try:
        send_mail(
            f"[{_('Vanguard')}] {message.title}",
            message.text,
            None,
            [address],
        )
    except (OSError, TimeoutError) as exc:  # smtplib's errors are OSErrors
        raise DeliveryError(
            _("The mail server refused or did not answer: %(reason)s") % {"reason": exc},
            retryable=True,
        ) from exc


def configured(channel: str) -> bool:
    """Whether the site has the keys a personal channel needs."""
    needs: dict[str, bool] = {
        Channel.EMAIL: bool(settings.EMAIL_HOST),
        Channel.WECOM: bool(settings.VANGUARD_WECOM_CORP_ID and settings.VANGUARD_WECOM_SECRET),
        Channel.DINGTALK: bool(
            settings.VANGUARD_DINGTALK_APP_KEY and settings.VANGUARD_DINGTALK_APP_SECRET
        ),
        Channel.SMS: bool(
            settings.VANGUARD_SMS_ACCESS_KEY_ID and settings.VANGUARD_SMS_TEMPLATE_CODE
        ),
    }
    return needs.get(channel, True)


def send(channel: str, address: str, secret: str, message: Message) -> None:
    if channel == Channel.EMAIL:
        send_email(address, message)
    elif channel == Channel.WECOM:
        send_wecom(address, message)
    elif channel == Channel.DINGTALK:
        send_dingtalk(address, message)
    elif channel == Channel.SMS:
        send_sms(address, message)
    elif channel == Channel.WECOM_ROBOT:
        send_wecom_robot(address, message)
    elif channel == Channel.DINGTALK_ROBOT:
        send_dingtalk_robot(address, secret, message)
    else:
        raise DeliveryError(
            _("Unknown channel %(channel)s.") % {"channel": channel}, retryable=False
        )
