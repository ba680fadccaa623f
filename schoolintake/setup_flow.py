"""First-run set-up as a headless state machine.

The steps (passphrase, site, UI language, starter directory) and their
checks live here, so every path through set-up is tested without a screen;
the front end only renders the current step and calls these methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from . import keys
from .errors import InvalidInput
from .i18n import N_, _
from .languages import LANGUAGE_CODES
from .passphrase import Strength, strength
from .referral import Site, check_site
from .store import Store


class SetupStep(Enum):
    PASSPHRASE = "passphrase"
    SITE = "site"
    LANGUAGE = "language"
    DIRECTORY = "directory"
    CONFIRM = "confirm"


STEPS: tuple[SetupStep, ...] = tuple(SetupStep)

#: Shown on the passphrase step; long user-facing texts live as constants.
LOST_PASSPHRASE_WARNING = N_(
    "Everything is encrypted with this passphrase. Nobody can recover it: if it is lost, the data is lost. "
    "Write it down and keep it somewhere safe, and make an encrypted backup regularly "
    "(Settings → Backup)."
)


@dataclass
class FirstRunSetup:
    """What the user chose so far, and which step they are on."""

    db_path: Path
    step: SetupStep = SetupStep.PASSPHRASE
    passphrase: str = field(default="", repr=False)
    site: Site | None = None
    ui_language: str = "en"
    load_directory: bool = True

    @staticmethod
    def feedback(passphrase: str) -> Strength:
        return strength(passphrase)

    def set_passphrase(self, passphrase: str, again: str) -> None:
        verdict = strength(passphrase)
        if not verdict.acceptable:
            raise InvalidInput(_("That passphrase is too weak ({label}). {advice}").format(
                label=verdict.label, advice=verdict.advice))
        if passphrase != again:
            raise InvalidInput(_("The two passphrases differ; type the same passphrase twice."))
        self.passphrase = passphrase

    def set_site(self, school_name: str, doe_code: str, partner: str = "") -> None:
        self.site = check_site(Site(school_name, doe_code, partner))

    def set_ui_language(self, code: str) -> None:
        if code not in LANGUAGE_CODES:
            raise InvalidInput(_("Unknown language code {code!r}.").format(code=code))
        self.ui_language = code

    def can_advance(self) -> bool:
        if self.step is SetupStep.PASSPHRASE:
            return bool(self.passphrase)
        if self.step is SetupStep.SITE:
            return self.site is not None
        return self.step is not SetupStep.CONFIRM

    def next(self) -> SetupStep:
        if not self.can_advance():
            raise InvalidInput(_("Complete this step first."))
        self.step = STEPS[STEPS.index(self.step) + 1]
        return self.step

    def back(self) -> SetupStep:
        index = STEPS.index(self.step)
        if index:
            self.step = STEPS[index - 1]
        return self.step

    def create(self, profile: keys.KdfProfile | None = None) -> Store:
        """Create the database with everything chosen; returns it open.

        Runs where the store will be used (the GUI's database thread).
        """
        if not self.passphrase or self.site is None:
            raise InvalidInput(_("Set-up is not complete: a passphrase and the site are needed."))
        from .directory import load_starter_directory
        from .site import save_site

        store = Store.create(self.db_path, self.passphrase, profile=profile)
        try:
            save_site(store, self.site)
            if self.load_directory:
                load_starter_directory(store)
        except BaseException:
            store.close()
            raise
        # The passphrase is not needed after this; do not keep it around.
        self.passphrase = ""
        return store
