"""Editing a provider keeps each phone's description (e.g. "Spanish line")."""

from __future__ import annotations

from typing import Any

from schoolintake.directory import Phone, ProviderService
from schoolintake_ui.directory_page import ProviderDialog


def test_phone_descriptions_survive_an_edit(qtbot: Any) -> None:
    service = ProviderService(id="s1", organization_id="o1", organization_name="Clinic", category="health",
                              name="Enrollment help", phones=(Phone("718-555-0100", "Spanish line"), Phone("311")))
    dialog = ProviderDialog(service)
    qtbot.addWidget(dialog)
    assert dialog.phones.toPlainText() == "718-555-0100: Spanish line\n311"
    assert "colon" in dialog.phones.accessibleDescription()
    dialog.phones.setPlainText(dialog.phones.toPlainText() + "\n  212-555-0199 :  evenings only \n\n")
    assert dialog.result_service().phones == (
        Phone("718-555-0100", "Spanish line"), Phone("311"), Phone("212-555-0199", "evenings only"))
