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
import re
import secrets

# Crockford's base 32 without I, L, O and U: nothing to misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 12  # 60 bits
GUEST_CODE_LENGTH = 10  # 50 bits; one-time, for one round, tried at a limited rate
BALLOT_RECEIPT_LENGTH = 16  # 80 bits of the hash
_SEPARATORS = re.compile(r"[\s\-_.]+")
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize(code: str) -> str:
    """What the person typed, in canonical form: upper case, no separators, I/L/O read
    as 1/1/0 (as Crockford's base 32 does)."""
    return _SEPARATORS.sub("", code or "").upper().translate(_READ_AS)


def is_well_formed(code: str, length: int) -> bool:
    return len(code) == length and all(char in ALPHABET for char in code)


def grouped(code: str, size: int = 4) -> str:
    """ABCD-EFGH-JKMN: easier to read out and copy."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def digest(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()


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
