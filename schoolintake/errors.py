"""User-facing errors.

Every failure a user or a script can cause is raised as a subclass of
:class:`SchoolIntakeError` whose message is one translated sentence; the
command line prints it on one line and the GUI shows it in a dialog.
"""


class SchoolIntakeError(Exception):
    """An error the user can understand and act on."""

    exit_code = 1


class InvalidInput(SchoolIntakeError):
    """A value given by the user breaks a domain rule."""

    exit_code = 2


class SensitiveNotes(InvalidInput):
    """Notes appear to mention immigration status or a similar identifier."""

    def __init__(self, message: str, terms: list[str]) -> None:
        super().__init__(message)
        self.terms = terms


class NotFound(SchoolIntakeError):
    exit_code = 3


class StoreError(SchoolIntakeError):
    """The database could not be opened or used."""

    exit_code = 4


class WrongPassphrase(StoreError):
    exit_code = 5


class NotADatabase(StoreError):
    pass


class DamagedDatabase(StoreError):
    pass


class NewerSchema(StoreError):
    pass


class DatabaseExists(StoreError):
    pass


class DatabaseMissing(StoreError):
    pass
