"""School Intake core: encrypted referral store, directory, sheets, aggregates.

This package never imports Qt; the front end in ``schoolintake_ui`` (folder
``ui/``) depends on it, never the other way round.
"""

__version__ = "0.1.0"
