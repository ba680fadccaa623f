"""The application: a placeholder main window until the desktop issue lands.

It opens the chosen database (the demo database with ``--demo``) and shows
what it holds, so that the run command visibly works end to end.
"""

from __future__ import annotations

import argparse

from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QLineEdit, QMainWindow, QMessageBox

from schoolintake.demo import open_demo_database
from schoolintake.errors import SchoolIntakeError
from schoolintake.i18n import _
from schoolintake.referrals import count_referrals
from schoolintake.site import load_site
from schoolintake.store import Store


def run(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("School Intake")
    try:
        if args.demo:
            store = open_demo_database(args.db)
        else:
            secret, ok = QInputDialog.getText(None, _("Unlock"), _("Passphrase:"), QLineEdit.EchoMode.Password)
            if not ok:
                return 1
            store = Store.open(args.db, secret)
    except SchoolIntakeError as error:
        QMessageBox.critical(None, "School Intake", str(error))
        return 1
    with store:
        site = load_site(store)
        total = count_referrals(store)
    window = QMainWindow()
    window.setWindowTitle(f"School Intake — {site.school_name}")
    window.setCentralWidget(QLabel(_("{school} ({code}): {n} referrals").format(
        school=site.school_name, code=site.doe_code, n=total)))
    window.resize(640, 400)
    window.show()
    return app.exec()
