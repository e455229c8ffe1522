"""Codes people read off a screen or a slip, in one alphabet: Crockford's base 32 without
I, L, O and U (nothing to misread), read back whatever the separators and the case.

Used by the appraisal's receipts and voting codes (`vanguard/appraisal/codes.py`), the
tellers' codes (`core/tellers.py`) of ballots and surveys.
"""

from __future__ import annotations

import hashlib
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BALLOT_RECEIPT_LENGTH = 16  # 80 bits of the hash; sealed with every ballot
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
