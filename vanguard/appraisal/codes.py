"""Codes people read off a screen or a slip: opinion receipts, one-time voting codes and
ballot receipts.

Opinion receipts and voting codes are random; the database keeps only their SHA-256
digest, so a copy of the database gives nobody a working code. A ballot receipt is a hash
of the ballot's content with a random salt: equal ballots get different receipts, and the
receipt cannot be recomputed without the salt.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

# The alphabet and the reading of typed codes are shared with the tellers' codes (core).
from vanguard.core.codes import (  # noqa: F401  (the appraisal's code helpers, in one place)
    ALPHABET,
    BALLOT_RECEIPT_LENGTH,
    digest,
    grouped,
    is_well_formed,
    new_code,
    normalize,
)

RECEIPT_LENGTH = 12  # 60 bits
GUEST_CODE_LENGTH = 10  # 50 bits; one-time, for one round, tried at a limited rate


def new_salt() -> str:
    return secrets.token_hex(16)


def ballot_content(round_id: int, grades: dict[str, str]) -> str:
    """The canonical text of a ballot that the receipt hashes."""
    return json.dumps(
        {"round": round_id, "grades": dict(sorted(grades.items()))},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def ballot_receipt(round_id: int, grades: dict[str, str], salt: str) -> str:
    hashed = hashlib.sha256(f"{salt}:{ballot_content(round_id, grades)}".encode()).digest()
    text = base64.b32encode(hashed).decode().rstrip("=")
    # RFC 4648 base 32 letters, mapped onto the unambiguous alphabet above.
    rfc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return text.translate(str.maketrans(rfc, ALPHABET))[:BALLOT_RECEIPT_LENGTH]
