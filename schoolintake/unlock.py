"""How long to wait before the next passphrase attempt.

The key derivation already costs every guess real time; on top of that a
wrong passphrase makes the unlock screen wait, longer after each miss, so
someone trying passphrases at a shared laptop is slowed down visibly.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_DELAY_S = 2.0
MAX_DELAY_S = 30.0


@dataclass
class UnlockThrottle:
    failures: int = 0

    def failed(self) -> float:
        """Record a wrong passphrase; return the seconds to wait before the next try."""
        self.failures += 1
        return self.delay()

    def delay(self) -> float:
        if not self.failures:
            return 0.0
        return min(FIRST_DELAY_S * 2 ** (self.failures - 1), MAX_DELAY_S)

    def succeeded(self) -> None:
        self.failures = 0
