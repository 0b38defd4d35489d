"""Person numbers and person keys, as pure functions.

A person is identified by the national tax number (РНОКПП, 10 digits with a check digit)
or, for people who refused one on religious grounds, by the number of their ID document.
The portal never stores the number: only an HMAC-SHA256 of its normalised form under a
server secret (the *person key*), so the same person always gets the same key and the key
reveals nothing without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

RNOKPP_WEIGHTS = (-1, 5, 7, 9, 4, 6, 10, 5, 7)

# Latin letters that look like Cyrillic ones, as people type passport series on a Latin layout.
_LOOKALIKES = str.maketrans("ABCEHIKMOPTX", "АВСЕНІКМОРТХ")
_PASSPORT_BOOK = re.compile(r"^[А-ЯІЇЄҐ]{2}\d{6}$")
_ID_CARD = re.compile(r"^\d{9}$")


class NumberKind(StrEnum):
    RNOKPP = "rnokpp"
    DOCUMENT = "document"


class NumberProblem(StrEnum):
    EMPTY = "empty"
    RNOKPP_LENGTH = "rnokpp_length"
    RNOKPP_CHECK_DIGIT = "rnokpp_check_digit"
    DOCUMENT_FORMAT = "document_format"


@dataclass(frozen=True)
class PersonNumber:
    kind: NumberKind
    value: str


def rnokpp_check_digit(first_nine: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_nine, RNOKPP_WEIGHTS, strict=True))
    return total % 11 % 10


def parse_person_number(raw: str, kind: NumberKind) -> PersonNumber | NumberProblem:
    """Normalise a typed number, or say what is wrong with it."""
    compact = re.sub(r"[\s\-‐–—]", "", raw or "").upper()
    if not compact:
        return NumberProblem.EMPTY
    if kind is NumberKind.RNOKPP:
        if not (compact.isdigit() and len(compact) == 10):
            return NumberProblem.RNOKPP_LENGTH
        if rnokpp_check_digit(compact[:9]) != int(compact[9]):
            return NumberProblem.RNOKPP_CHECK_DIGIT
        return PersonNumber(kind, compact)
    compact = compact.translate(_LOOKALIKES)
    if not (_ID_CARD.match(compact) or _PASSPORT_BOOK.match(compact)):
        return NumberProblem.DOCUMENT_FORMAT
    return PersonNumber(kind, compact)


def person_key(number: PersonNumber, secret: str) -> str:
    """The HMAC-SHA256 person key of a normalised number, as 64 hex digits."""
    message = f"{number.kind.value}:{number.value}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on ``day`` (someone born on 29 February ages on 1 March)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def make_rnokpp(first_nine: str) -> str:
    """A valid tax number from its first nine digits (for demo data and tests)."""
    return first_nine + str(rnokpp_check_digit(first_nine))


# "м. Бахмут", "місто Бахмут", "с. Опитне", "смт Зайцеве": the kind of settlement is not its name.
_SETTLEMENT_KIND = re.compile(r"^(м\.|місто|с\.|село|смт\.?|селище|сел\.)\s*", re.IGNORECASE)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})


def _settlement(name: str) -> str:
    name = " ".join(name.translate(_APOSTROPHES).casefold().split())
    return _SETTLEMENT_KIND.sub("", name).strip()


def resides_in(address: str, localities: Iterable[str], *, locality: str = "") -> bool:
    """Whether a declared address lies in one of the community's ``localities``.

    A structured address names its ``locality``, which must be one of them. A free-text
    address must contain one of them as a whole word: "м. Бахмут, вул. Миру, 1" lies in
    Бахмут, "с. Бахмутівка" does not.
    """
    wanted = {_settlement(place) for place in localities if place.strip()}
    if locality.strip():
        return _settlement(locality) in wanted
    text = " ".join(address.translate(_APOSTROPHES).casefold().split())
    return any(re.search(rf"(?<![\w']){re.escape(place)}(?![\w'])", text) for place in wanted)


#: A certificate of registration as an internally displaced person (довідка ВПО): its
#: number as printed, e.g. "5912-7001234567" or "0320-5001234567".
DISPLACED_CERTIFICATE = r"[0-9A-Za-zА-ЯІЇЄҐа-яіїєґ/\-]{4,40}"


def takes_part_here(*, resident: bool, displaced: bool, of_this_community: bool,
                    admits_displaced: bool) -> bool:
    """Whether a verified person takes part in a community (submits, supports, votes,
    comments as a resident): where their verification established residence, or, as an
    internally displaced person registered there, where the community's rules admit it."""
    if not of_this_community:
        return False
    return resident or (displaced and admits_displaced)
