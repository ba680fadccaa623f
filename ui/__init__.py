"""School Intake's Qt Widgets front end (installed as ``schoolintake_ui``).

It holds no SQL and draws no PDF: every action is one call into the core
package ``schoolintake``.
"""
