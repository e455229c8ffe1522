"""The tellers' key of an appraisal round or a survey: ballots (and survey responses) sealed
for the tellers (监票人) only.

The construction (explained in `docs/secrecy.md`):

- When the tellers are appointed, a random 128-bit *seed* is drawn. The round's X25519
  private key is BLAKE2b(seed) (32 bytes); its public key is stored on the round, the
  private key and the seed are not.
- The seed is split with Shamir's secret sharing (pycryptodome's
  `Crypto.Protocol.SecretSharing.Shamir`, over GF(2^128)) into one share per teller, any
  `threshold` of which give the seed back and fewer give nothing about it. Each share is
  printed once on its teller's slip as a *teller code*; the database keeps its SHA-256
  digest only (a share is 128 random bits: the digest cannot be searched back).
- A vote is encrypted at once with a libsodium sealed box (PyNaCl `SealedBox`: an
  ephemeral X25519 key, XSalsa20-Poly1305) to the round's public key. Only the holder of
  the private key can open it — and that key exists only inside the count, rebuilt from
  the codes the tellers type in, and is dropped when the count ends.
- Every plaintext of a round is padded to the same length, so that the length of a box
  says nothing of the grades inside.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from vanguard.core import codes

SEED_BYTES = 16  # what pycryptodome's Shamir shares
SHARE_DIGITS = 26  # 128 bits in base 32
CODE_LENGTH = 1 + SHARE_DIGITS  # the teller's number, then the share
_PERSON = b"vanguard-ballot"


class WrongSecret(Exception):
    """The teller codes given do not rebuild the round's private key."""


@dataclass(frozen=True)
class Share:
    index: int
    value: bytes

    @property
    def code(self) -> str:
        number = int.from_bytes(self.value, "big")
        digits = []
        for _i in range(SHARE_DIGITS):
            number, digit = divmod(number, 32)
            digits.append(codes.ALPHABET[digit])
        return codes.ALPHABET[self.index] + "".join(reversed(digits))

    @property
    def digest(self) -> str:
        return share_digest(self.code)


def share_digest(code: str) -> str:
    return hashlib.sha256(b"teller:" + codes.normalize(code).encode()).hexdigest()


def parse_code(code: str) -> Share | None:
    """The share written on a teller's slip, or None when the code is malformed."""
    normalized = codes.normalize(code)
    if not codes.is_well_formed(normalized, CODE_LENGTH):
        return None
    index = codes.ALPHABET.index(normalized[0])
    number = 0
    for char in normalized[1:]:
        number = number * 32 + codes.ALPHABET.index(char)
    if not 1 <= index <= 9 or number >= 2 ** (8 * SEED_BYTES):
        return None
    return Share(index, number.to_bytes(SEED_BYTES, "big"))


def _private_key(seed: bytes) -> PrivateKey:
    return PrivateKey(hashlib.blake2b(seed, digest_size=32, person=_PERSON).digest())


def new_key(tellers: int, threshold: int) -> tuple[str, list[Share]]:
    """A fresh key pair: the public key (hex) and the tellers' shares of its private key."""
    if not 2 <= threshold <= tellers <= 9:
        raise ValueError("between 2 and 9 tellers, and at least 2 needed to count")
    seed = secrets.token_bytes(SEED_BYTES)
    public = _private_key(seed).public_key.encode().hex()
    return public, [Share(index, value) for index, value in Shamir.split(threshold, tellers, seed)]


def recover(public_key: str, shares: list[Share]) -> PrivateKey:
    """The round's private key from `threshold` (or more) distinct shares."""
    try:
        seed = Shamir.combine([(share.index, share.value) for share in shares])
    except ValueError as error:
        raise WrongSecret(str(error)) from error
    key = _private_key(seed)
    if key.public_key.encode().hex() != public_key:
        raise WrongSecret("the shares do not rebuild this round's key")
    return key


def plaintext_size(member_ids: list[int], grade_codes: list[str]) -> int:
    """The length every ballot of a round is padded to: its longest possible content."""
    longest = max(grade_codes, key=len)
    return len(_content("X" * codes.BALLOT_RECEIPT_LENGTH, {str(pk): longest for pk in member_ids}))


def _content(receipt: str, grades: dict[str, str]) -> bytes:
    return json.dumps(
        {"receipt": receipt, "grades": dict(sorted(grades.items()))},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode()


def seal(public_key: str, receipt: str, grades: dict[str, str], size: int) -> bytes:
    content = _content(receipt, grades)
    if len(content) > size:
        raise ValueError("ballot longer than the round's ballot size")
    return SealedBox(PublicKey(bytes.fromhex(public_key))).encrypt(content.ljust(size, b" "))


def open_box(key: PrivateKey, box: bytes) -> tuple[str, dict[str, str]]:
    """(receipt, grades) of a sealed ballot."""
    try:
        content = json.loads(SealedBox(key).decrypt(bytes(box)))
    except CryptoError as error:
        raise WrongSecret("a sealed ballot does not open with this key") from error
    return content["receipt"], content["grades"]


@dataclass
class TellerSlip:
    """What one teller is handed, once: their number, name and code."""

    index: int
    name: str
    code: str

    @property
    def grouped(self) -> str:
        return codes.grouped(self.code, 3)
