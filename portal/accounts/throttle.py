"""Failed logins, counted so that guessing is slow and nobody can lock an owner out.

Three counters of failed attempts, each over a window (the configuration's
``LOGIN_LIMIT_*``), kept in the rate limiter's storage (memory, or Redis shared by every
worker):

* per client address, whatever the account (``LOGIN_LIMIT_PER_ADDRESS``): one address
  trying a password on many accounts (password spraying) is held back;
* per account *and* address (``LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS``): one address
  guessing one account is held back after a few tries, and only that address;
* per account, from anywhere (``LOGIN_LIMIT_PER_ACCOUNT``): a looser ceiling against
  guessing spread over many addresses. Past it, only an address with no failed attempt
  on the account in the window may still try: the owner, logging in from their usual
  place, gets in at once, while each of the attacker's addresses is down to one guess.

Why not lock the account itself after a few failures, as the portal did: then anyone who
knows an address can keep its owner out, from anywhere, for as long as they like. Why not
exempt a correct password: the attacker's guess would then be tested, and a 429 only on
the wrong ones answers whether it was right.

Every attempt that does not log in counts: a wrong password, an unknown address (so
that counting says nothing about which addresses have accounts) and a blocked account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, parse

from portal.accounts.messages import PROBLEMS
from portal.accounts.rules import normalize_email
from portal.ratelimit import counted
from portal.refusal import Refused


@dataclass(frozen=True)
class LoginThrottle:
    """The counters of one login attempt: ``email`` tried from ``address``."""

    per_address: RateLimitItem
    per_pair: RateLimitItem
    per_account: RateLimitItem
    account: str
    address: str

    @classmethod
    def of(cls, config: Mapping[str, Any], *, email: str, address: str | None) -> LoginThrottle:
        return cls(per_address=parse(config["LOGIN_LIMIT_PER_ADDRESS"]),
                   per_pair=parse(config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"]),
                   per_account=parse(config["LOGIN_LIMIT_PER_ACCOUNT"]),
                   account=normalize_email(email), address=address or "")

    def _keys(self) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        return [(self.per_address, ("login-address", self.address)),
                (self.per_pair, ("login-account-address", self.account, self.address)),
                (self.per_account, ("login-account", self.account))]

    def _pair_has_failed(self) -> bool:
        stats = counted(lambda strategy: strategy.get_window_stats(
            self.per_pair, "login-account-address", self.account, self.address))
        return stats.remaining < self.per_pair.amount

    def check(self) -> None:
        """Refuse the attempt, before the password is looked at, when it is held back."""
        (address, address_keys), (pair, pair_keys), (account, account_keys) = self._keys()
        held_back = counted(lambda strategy: (
            not strategy.test(address, *address_keys)
            or not strategy.test(pair, *pair_keys)
            or (not strategy.test(account, *account_keys) and self._pair_has_failed())
        ))
        if held_back:
            raise Refused(PROBLEMS("too_many_attempts"))

    def failed(self) -> None:
        """Count an attempt that did not log in."""
        for item, keys in self._keys():
            counted(lambda strategy, item=item, keys=keys: strategy.hit(item, *keys))
