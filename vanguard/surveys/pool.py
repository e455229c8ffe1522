"""Responses sealed for a survey's tellers (the construction of `vanguard.core.tellers`
and `docs/secrecy.md`): each response is encrypted at submission with a libsodium sealed
box to the survey's public key, whose private key exists only when two tellers type their
codes at the close. Every plaintext of a survey is padded to the same length (its longest
possible response), so a box's length says nothing of what is inside."""

from __future__ import annotations

import json

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from vanguard.core.tellers import WrongSecret

_WIDEST = "\U0010ffff"  # the longest character once escaped in JSON (12 bytes)
_GROUP_MAX = 30
_METHOD_MAX = 20


def _encode(row: dict) -> bytes:
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def content(method: str, group: str, answers) -> dict:
    """What a sealed box holds: the fields of a published `Response` but its key."""
    return {
        "method": method,
        "group": group,
        "overall": answers.overall,
        "answers": dict(sorted(answers.graded.items())),
        "comment": answers.comment,
    }


def size(questionnaire, comment_max: int) -> int:
    """The length every response of a survey is padded to: its longest possible content."""
    longest_option = max((o.code for o in questionnaire.options), key=len)
    longest_grade = max((g.code for g in questionnaire.grades), key=len, default="")
    return len(
        _encode(
            {
                "method": _WIDEST * _METHOD_MAX,
                "group": _WIDEST * _GROUP_MAX,
                "overall": longest_option,
                "answers": {q.code: longest_grade for q in questionnaire.questions},
                "comment": _WIDEST * comment_max,
            }
        )
    )


def seal(public_key: str, row: dict, padded_to: int) -> bytes:
    plain = _encode(row)
    if len(plain) > padded_to:
        raise ValueError("response longer than the survey's response size")
    return SealedBox(PublicKey(bytes.fromhex(public_key))).encrypt(plain.ljust(padded_to, b" "))


def open_box(key: PrivateKey, box: bytes) -> dict:
    """The response a sealed box holds."""
    try:
        return json.loads(SealedBox(key).decrypt(bytes(box)))
    except CryptoError as error:
        raise WrongSecret("a sealed response does not open with this key") from error
