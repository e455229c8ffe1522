"""Local stand-ins for the providers, speaking their documented request and answer shapes,
so the real client code runs against them: WeCom (gettoken, message/send, group robot),
DingTalk (gettoken, work notice, signed group robot) and Alibaba Cloud SMS (SendSms, with
its signature checked). Each check below is written from the providers' documentation,
independently of the client code under test.

`server.script[path]` queues answers for the next calls of a path: a dict (the JSON
answer), an int (an HTTP status) or "timeout" (no answer before the client gives up).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib import parse

WECOM_TOKEN = "wecom-token-1"
DINGTALK_TOKEN = "dingtalk-token-1"
ROBOT_SECRET = "SECtest-robot-secret"
SMS_SECRET = "sms-secret"


def aliyun_expected_signature(query: dict[str, str], secret: str) -> str:
    """Alibaba Cloud RPC signature v1.0, from its documentation: sort the parameters,
    percent-encode (RFC 3986, space as %20), sign "GET&%2F&" + encode(canonical) with
    HMAC-SHA1 keyed by secret + "&", base64."""

    def encode(value: str) -> str:
        return parse.quote(value, safe="-_.~")

    canonical = "&".join(
        f"{encode(k)}={encode(v)}" for k, v in sorted(query.items()) if k != "Signature"
    )
    string_to_sign = "GET&%2F&" + encode(canonical)
    digest = hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class FakeProviders(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.script: dict[str, list] = defaultdict(list)
        self.stall = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def calls(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


class _Handler(BaseHTTPRequestHandler):
    server: FakeProviders

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        self._handle(None)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self._handle(json.loads(self.rfile.read(length) or b"{}"))

    def _handle(self, body):
        url = parse.urlsplit(self.path)
        query = dict(parse.parse_qsl(url.query, keep_blank_values=True))
        self.server.requests.append({"path": url.path, "query": query, "body": body})
        scripted = self.server.script[url.path]
        if scripted:
            answer = scripted.pop(0)
            if answer == "timeout":
                time.sleep(1.5)  # the tests set the client's timeout to 1 s
                return self._json({"errcode": 0})
            if isinstance(answer, int):
                self.send_response(answer)
                self.end_headers()
                return None
            return self._json(answer)
        return self._json(self._default(url.path, query, body))

    def _json(self, payload):
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _default(self, path, query, body):
        if path == "/cgi-bin/gettoken":
            if query.get("corpsecret") != "wecom-secret":
                return {"errcode": 40001, "errmsg": "invalid credential"}
            return {"errcode": 0, "errmsg": "ok", "access_token": WECOM_TOKEN, "expires_in": 7200}
        if path == "/cgi-bin/message/send":
            if query.get("access_token") != WECOM_TOKEN:
                return {"errcode": 42001, "errmsg": "access_token expired"}
            if not body.get("touser") or body.get("msgtype") != "text":
                return {"errcode": 40008, "errmsg": "invalid message type"}
            return {"errcode": 0, "errmsg": "ok", "invaliduser": ""}
        if path == "/cgi-bin/webhook/send":
            if not query.get("key"):
                return {"errcode": 93000, "errmsg": "invalid webhook url"}
            return {"errcode": 0, "errmsg": "ok"}
        if path == "/gettoken":
            return {
                "errcode": 0,
                "errmsg": "ok",
                "access_token": DINGTALK_TOKEN,
                "expires_in": 7200,
            }
        if path == "/topapi/message/corpconversation/asyncsend_v2":
            if query.get("access_token") != DINGTALK_TOKEN:
                return {"errcode": 88, "errmsg": "invalid access_token"}
            return {"errcode": 0, "errmsg": "ok", "task_id": 1, "request_id": "r1"}
        if path == "/robot/send":
            return self._dingtalk_robot(query)
        if path == "/":
            return self._sms(query)
        return {"errcode": 404, "errmsg": "unknown api"}

    def _dingtalk_robot(self, query):
        if "sign" in query:
            timestamp = int(query["timestamp"])
            if abs(time.time() * 1000 - timestamp) > 3600_000:
                return {"errcode": 310000, "errmsg": "sign not match, timestamp out of range"}
            string_to_sign = f"{timestamp}\n{ROBOT_SECRET}"
            expected = base64.b64encode(
                hmac.new(ROBOT_SECRET.encode(), string_to_sign.encode(), hashlib.sha256).digest()
            ).decode()
            if query["sign"] != expected:  # parse_qsl has already URL-decoded it
                return {"errcode": 310000, "errmsg": "sign not match"}
        return {"errcode": 0, "errmsg": "ok"}

    def _sms(self, query):
        if query.get("Action") != "SendSms":
            return {"Code": "InvalidAction", "Message": "unknown action"}
        if query.get("Signature") != aliyun_expected_signature(query, SMS_SECRET):
            return {
                "Code": "SignatureDoesNotMatch",
                "Message": "Specified signature is not matched",
            }
        phone = query.get("PhoneNumbers", "")
        if not (phone.isdigit() and len(phone) == 11):
            return {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}
        return {"Code": "OK", "Message": "OK", "BizId": "b1", "RequestId": "r1"}


def start() -> FakeProviders:
    server = FakeProviders()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
