"""Benchmark: referral sheets with ReportLab (ours) against Qt's own PDF path.

    QT_QPA_PLATFORM=offscreen python tests/bench/bench_sheet.py [--quick]

One bilingual three-service sheet per language, drawn by
``schoolintake.sheetpdf.render`` and by Qt (``QTextDocument`` printed to
``QPdfWriter``) from the same content with the same bundled fonts, in the same
run. Prints warm times (median of several runs after a warm-up), file sizes,
the ratio, and a 100-sheet batch. Goals: faster than Qt and under 100 ms warm
in every language; 100 sheets under 10 s; under 150 KB per sheet.

The benchmark may import Qt; the core it measures does not.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import statistics
import sys
import time
from datetime import date
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from schoolintake.directory import _services_from_document  # noqa: E402  (a bench may use internals)
from schoolintake.fonts import FONT_FILES, fonts_dir  # noqa: E402
from schoolintake.i18n import translator  # noqa: E402
from schoolintake.languages import LANGUAGE_CODES, language as language_info  # noqa: E402
from schoolintake.referral import Site  # noqa: E402
from schoolintake.services import service_category  # noqa: E402
from schoolintake.sheet import SheetContent, SheetService  # noqa: E402
from schoolintake import sheettext as T  # noqa: E402
from schoolintake.sheetpdf import render  # noqa: E402
from schoolintake.textlayout import clear_caches  # noqa: E402

GOAL_MS = 100.0
GOAL_BATCH_S = 10.0
GOAL_BYTES = 150_000


def starter_services() -> dict[str, object]:
    text = resources.files("schoolintake").joinpath("data/starter_directory.json").read_text(encoding="utf-8")
    return {s.id: s for s in _services_from_document(json.loads(text))}


def sheet_content(language: str, services: dict[str, object]) -> SheetContent:
    return SheetContent(
        language=language,
        services=(SheetService("idnyc", services["idnyc-card"]), SheetService("health", services["nyc-care-enrollment"]),
                  SheetService("legal", services["actionnyc-legal"])),
        on=date(2026, 11, 23),
        site=Site("P.S. 58 The Carroll", "15K058", "Test Partner"),
        prepared_for="Ana",
    )


# -- Qt's path: the same content as HTML, printed by QTextDocument to QPdfWriter ----------------


def qt_setup():
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    families: list[str] = []
    for spec in FONT_FILES:
        for filename in (spec.regular, spec.bold):
            if filename:
                font_id = QFontDatabase.addApplicationFont(str(fonts_dir() / filename))
                families += QFontDatabase.applicationFontFamilies(font_id)
    return app, list(dict.fromkeys(families))


def _qr_png(url: str) -> str:
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=3, border=0)
    return base64.b64encode(buffer.getvalue()).decode()


def sheet_html(content: SheetContent, families: list[str]) -> str:
    tr = translator(content.language)
    rtl = language_info(content.language).right_to_left
    e = html.escape

    def pair(message: str, **values: str) -> str:
        local = tr.gettext(message).format(**values)
        english = message.format(**values)
        return e(local) + ("" if local == english else f"<br><small style='color:#555'>{e(english)}</small>")

    rows = []
    for index, service in enumerate(content.services, 1):
        p = service.provider
        cells = [(T.PROVIDER, f"{e(p.organization_name)} — {pair(p.name)}"),
                 (T.ADDRESS, pair(T.CALL_311)),
                 (T.PHONE, "<br>".join(e(ph.number) + (f" ({pair(ph.description)})" if ph.description else "")
                                       for ph in p.phones) or pair(T.CALL_311)),
                 (T.HOURS, "<br>".join(pair(s) for s in p.schedules) or pair(T.CALL_311))]
        if p.application_process:
            cells.append((T.WHAT_TO_BRING, pair(p.application_process)))
        if p.fees_description:
            cells.append((T.COST, pair(p.fees_description)))
        table = "".join(f"<tr><td width='30%'><b>{pair(label)}</b></td><td>{value}</td></tr>" for label, value in cells)
        rows.append(
            f"<h2 style='color:#0d548c'>{index}. {pair(service_category(service.category).name)}</h2>"
            f"<table width='100%'><tr><td><table width='100%'>{table}</table></td>"
            f"<td width='90' align='center'><img src='data:image/png;base64,{_qr_png(p.url)}' width='80' height='80'>"
            f"<br><small>{pair(T.WEBSITE)}</small></td></tr></table>")
    font_list = ", ".join(f"'{f}'" for f in families)
    return (f"<html><body dir='{'rtl' if rtl else 'ltr'}' style=\"font-family: {font_list}; font-size: 10pt\">"
            f"<p><b>{e(content.site.school_name)}</b><br><small>{e(content.site.doe_code)}</small></p>"
            f"<h1 style='color:#0d548c'>{pair(T.REFERRAL_TITLE)}</h1>"
            f"<p><b>{pair(T.PREPARED_FOR, name=content.prepared_for)}</b></p><p>{pair(T.INTRO)}</p>"
            + "".join(rows) + f"<hr><p><b>{pair(T.FOOTER)}</b></p></body></html>")


def qt_render(content: SheetContent, families: list[str]) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait,
                                     QMarginsF(14, 14, 14, 14), QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    document = QTextDocument()
    document.setHtml(sheet_html(content, families))
    document.print_(writer)
    del writer
    buffer.close()
    return bytes(data)


# -- measuring -------------------------------------------------------------------------------------


def timed(fn, runs: int) -> tuple[float, bytes]:
    result = fn()  # warm-up: fonts loaded, caches filled
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--out", type=Path, help="also write each language's two PDFs here")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    services = starter_services()
    _app, families = qt_setup()

    start = time.perf_counter()
    render([sheet_content("en", services)])
    cold_ms = (time.perf_counter() - start) * 1000

    print("ours: warm process, layout caches full (labels and directory texts recur on every sheet)")
    print("ours/nocache: warm process, layout/shaping/bidi caches cleared before each sheet")
    print(f"{'lang':8} {'ours ms':>8} {'nocache':>8} {'Qt ms':>8} {'ratio':>6} {'ours KB':>8} {'Qt KB':>7}  "
          f"goals (<{GOAL_MS:.0f} ms, faster than Qt, <{GOAL_BYTES // 1000} KB)")
    failures = []
    for code in LANGUAGE_CODES:
        content = sheet_content(code, services)
        ours_ms, ours = timed(lambda: render([content]), runs)
        nocache_ms, _ = timed(lambda: (clear_caches(), render([content]))[1], runs)
        qt_ms, theirs = timed(lambda: qt_render(content, families), runs)
        ok = ours_ms < GOAL_MS and ours_ms < qt_ms and len(ours) < GOAL_BYTES
        failures += [] if ok else [code]
        print(f"{code:8} {ours_ms:8.1f} {nocache_ms:8.1f} {qt_ms:8.1f} {qt_ms / ours_ms:5.1f}x "
              f"{len(ours) / 1000:8.1f} {len(theirs) / 1000:7.1f}  {'ok' if ok else 'MISSED'}")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"ours-{code}.pdf").write_bytes(ours)
            (args.out / f"qt-{code}.pdf").write_bytes(theirs)

    contents = [sheet_content(LANGUAGE_CODES[i % len(LANGUAGE_CODES)], services) for i in range(100)]
    start = time.perf_counter()
    sizes = [len(render([c])) for c in contents]
    separate_s = time.perf_counter() - start
    start = time.perf_counter()
    one = render(contents)
    together_s = time.perf_counter() - start
    print("\nratio = Qt time / our warm time; goals are judged on the warm time (a running app)")
    print(f"first sheet in a fresh process (fonts loaded, nothing cached): {cold_ms:.0f} ms")
    print(f"100 sheets, all languages, separate PDFs: {separate_s:.2f} s "
          f"(mean {sum(sizes) / len(sizes) / 1000:.0f} KB, max {max(sizes) / 1000:.0f} KB)")
    print(f"100 sheets in one PDF: {together_s:.2f} s, {len(one) / 1e6:.1f} MB")
    batch_ok = separate_s < GOAL_BATCH_S and together_s < GOAL_BATCH_S
    print(f"batch goal (<{GOAL_BATCH_S:.0f} s): {'ok' if batch_ok else 'MISSED'}")
    if failures:
        print("missed goals in: " + ", ".join(failures))
    return 0 if batch_ok and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
