"""The command line: ``schoolintake [--db PATH] COMMAND``.

Argument parsing and printing only; every command is one call into the core.
Errors are one line on stderr and a non-zero exit code; nothing is written
unless the whole operation succeeded.

The front end's launcher calls :func:`main` with ``open_gui``, which runs
when no command is given; the core itself never imports Qt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from . import __version__, paths
from .errors import InvalidInput, SchoolIntakeError, SensitiveNotes
from .files import write_atomically
from .i18n import _, ngettext
from .languages import PARENT_LANGUAGE_CODES, language_label
from .passphrase import strength
from .referral import NewReferral, NotConnectedReason, ReferralFilter, ServiceChoice, Site, Status
from .services import SERVICE_CODES
from .store import Store

log = logging.getLogger("schoolintake")

PASSPHRASE_ENV = "SCHOOLINTAKE_PASSPHRASE"
NEW_PASSPHRASE_ENV = "SCHOOLINTAKE_NEW_PASSPHRASE"
BACKUP_PASSPHRASE_ENV = "SCHOOLINTAKE_BACKUP_PASSPHRASE"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a date in the form YYYY-MM-DD").format(text=text)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a whole number").format(text=text)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(_("{text!r} cannot be negative").format(text=text))
    return value


# -- passphrases ------------------------------------------------------------


def _read_secret_file(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(_("Cannot read the passphrase file {path}: {reason}").format(path=path, reason=error.strerror if isinstance(error, OSError) else error)) from None
    secret = text.splitlines()[0] if text.splitlines() else ""
    if not secret:
        raise InvalidInput(_("The passphrase file {path} is empty.").format(path=path))
    return secret


def _secret(file: str | None, env: str, prompt: str, *, confirm: bool = False) -> str:
    if file:
        return _read_secret_file(file)
    if os.environ.get(env):
        return os.environ[env]
    if not sys.stdin.isatty():
        raise InvalidInput(
            _("No passphrase given: use a passphrase file option or set {env}.").format(env=env)
        )
    first = getpass.getpass(prompt)
    if confirm:
        if getpass.getpass(_("Type it again: ")) != first:
            raise InvalidInput(_("The two passphrases differ; nothing was changed."))
    return first


def _passphrase(args: argparse.Namespace) -> str:
    return _secret(args.passphrase_file, PASSPHRASE_ENV, _("Passphrase: "))


def _new_passphrase(file: str | None, env: str, prompt: str) -> str:
    secret = _secret(file, env, prompt, confirm=True)
    verdict = strength(secret)
    if not verdict.acceptable:
        raise InvalidInput(_("That passphrase is too weak ({label}). {advice}").format(label=verdict.label, advice=verdict.advice))
    return secret


# -- commands -----------------------------------------------------------------


def _open(args: argparse.Namespace) -> Store:
    return Store.open(args.db, _passphrase(args))


def cmd_init(args: argparse.Namespace) -> int:
    from .directory import load_starter_directory
    from .site import save_site
    from .referral import check_site

    site = check_site(Site(args.school or "", args.doe_code or "", args.partner or ""))
    secret = _new_passphrase(args.passphrase_file, PASSPHRASE_ENV, _("New passphrase: "))
    with Store.create(args.db, secret) as store:
        save_site(store, site)
        services = 0 if args.no_starter_directory else load_starter_directory(store)
    log.info("init: database created, %d directory services", services)
    print(_("Created {path} for {school} ({code}).").format(path=args.db, school=site.school_name, code=site.doe_code))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import populate

    if args.db.exists():
        store = _open(args)
    else:
        store = Store.create(args.db, _passphrase(args))
    with store:
        added = populate(store, args.referrals, months=args.months, seed=args.seed)
    log.info("demo: %d synthetic referrals added", added)
    print(ngettext("Added {n} synthetic referral to {path}.", "Added {n} synthetic referrals to {path}.", added)
          .format(n=added, path=args.db))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from .referrals import add_referral

    if args.consent and not args.phone:
        raise InvalidInput(_("--consent records consent for a phone number; give --phone too."))
    providers = dict(args.provider or [])
    new = NewReferral(
        language=args.language,
        services=tuple(ServiceChoice(code, providers.get(code)) for code in args.service),
        referred_on=args.date or date.today(),
        first_name=args.name or "",
        phone=args.phone or "",
        phone_consent=args.consent,
        notes=args.notes or "",
        follow_up_on=args.follow_up,
        notes_confirmed=args.confirm_notes,
    )
    unknown = set(providers) - set(args.service)
    if unknown:
        raise InvalidInput(_("--provider names a service that is not on this referral: {codes}.").format(codes=", ".join(sorted(unknown))))
    with _open(args) as store:
        referral_id = add_referral(store, new, recorded_by=args.by)
    log.info("add: referral %d saved", referral_id)
    print(referral_id)
    return 0


def _provider_pair(text: str) -> tuple[str, str]:
    service, sep, provider = text.partition("=")
    if not sep or not service or not provider:
        raise argparse.ArgumentTypeError(_("use SERVICE=PROVIDER_ID, e.g. esl=nypl-esol"))
    return service, provider


def cmd_list(args: argparse.Namespace) -> int:
    from .referrals import count_referrals, list_referrals

    flt = ReferralFilter(
        status=Status(args.status) if args.status else None,
        service=args.service,
        language=args.language,
        since=args.since,
        until=args.until,
    )
    with _open(args) as store:
        rows = list_referrals(store, flt, limit=args.limit, offset=args.offset)
        total = count_referrals(store, flt) if args.count else None
    if args.json:
        print(json.dumps([
            {"id": r.id, "date": r.referred_on.isoformat(), "language": r.language, "name": r.first_name,
             "services": [{"service": s, "status": st.value} for s, st in zip(r.services, r.statuses)],
             "follow_up": r.follow_up_on.isoformat() if r.follow_up_on else None}
            for r in rows
        ], ensure_ascii=False, indent=1))
    else:
        for r in rows:
            services = ", ".join(f"{s}:{st.value}" for s, st in zip(r.services, r.statuses))
            follow = f"  follow-up {r.follow_up_on.isoformat()}" if r.follow_up_on else ""
            print(f"{r.id:>7}  {r.referred_on.isoformat()}  {r.language:<7}  {r.first_name or '-':<12}  {services}{follow}")
    if total is not None:
        print(ngettext("{shown} shown of {total} matching referral.", "{shown} shown of {total} matching referrals.",
                       total).format(shown=len(rows), total=total), file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from .referrals import get_referral

    with _open(args) as store:
        referral = get_referral(store, args.referral_id)
    print(_("Referral {id} of {date}, language: {language}").format(
        id=referral.id, date=referral.referred_on.isoformat(), language=language_label(referral.language)))
    if referral.first_name:
        print(_("Name: {name}").format(name=referral.first_name))
    if referral.phone:
        print(_("Phone: {phone} (consent recorded {when})").format(
            phone=referral.phone, when=referral.phone_consent_at.date().isoformat() if referral.phone_consent_at else "?"))
    if referral.notes:
        print(_("Notes: {notes}").format(notes=referral.notes))
    if referral.follow_up_on:
        print(_("Follow up on: {date}").format(date=referral.follow_up_on.isoformat()))
    if referral.purged:
        print(_("Personal details were removed by the retention purge."))
    for line in referral.lines:
        print(f"  {line.service}" + (f" ({line.provider_service_id})" if line.provider_service_id else "") + f": {line.status.value}")
        for event in line.history:
            reason = f" ({event.reason.value})" if event.reason else ""
            by = f" by {event.recorded_by}" if event.recorded_by else ""
            print(f"      {event.recorded_at.isoformat()}  {event.status.value}{reason}{by}")
    return 0


def cmd_outcome(args: argparse.Namespace) -> int:
    from .referrals import record_outcome

    with _open(args) as store:
        changed = record_outcome(
            store, args.referral_id, Status(args.status), service=args.service,
            reason=NotConnectedReason(args.reason) if args.reason else None, recorded_by=args.by,
        )
    log.info("outcome: referral %d, %d service(s) now %s", args.referral_id, len(changed), args.status)
    print(ngettext("{n} service updated.", "{n} services updated.", len(changed)).format(n=len(changed)))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with _open(args) as store:
        problems = store.integrity_problems()
    if problems:
        for problem in problems:
            print(problem)
        log.warning("check: %d problem(s)", len(problems))
        print(_("The database has problems; restore it from a backup."), file=sys.stderr)
        return 6
    log.info("check: ok")
    print(_("ok: the database is intact."))
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    with _open(args) as store:
        store.change_passphrase(_new_passphrase(args.new_passphrase_file, NEW_PASSPHRASE_ENV, _("New passphrase: ")))
    log.info("rekey: passphrase changed")
    print(_("The passphrase was changed."))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with _open(args) as store:
        secret = _new_passphrase(args.backup_passphrase_file, BACKUP_PASSPHRASE_ENV, _("Passphrase for the backup: "))
        written = store.backup(args.file, secret)
    log.info("backup: written")
    print(_("Encrypted backup written to {path}.").format(path=written))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from .store import restore

    backup_secret = _secret(args.backup_passphrase_file, BACKUP_PASSPHRASE_ENV, _("Passphrase of the backup: "))
    secret = _passphrase(args)
    with restore(args.file, backup_secret, args.db, secret):
        pass
    log.info("restore: database restored from a backup")
    print(_("{path} was restored from {backup}.").format(path=args.db, backup=args.file))
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from .retention import purge_personal_data

    with _open(args) as store:
        purged = purge_personal_data(store, args.older_than)
    log.info("purge: %d referral(s) purged", purged)
    # TRANSLATORS: {period} is a number of days, e.g. "365 days".
    print(ngettext("Personal details removed from {n} referral older than {period}.",
                   "Personal details removed from {n} referrals older than {period}.", purged).format(
        n=purged, period=ngettext("{n} day", "{n} days", args.older_than).format(n=args.older_than)))
    return 0


def cmd_directory(args: argparse.Namespace) -> int:
    from .directory import export_directory, import_directory, read_directory_file, search_services

    with _open(args) as store:
        if args.action == "list":
            for service in search_services(store, args.search or ""):
                phones = "; ".join(p.number for p in service.phones) or "-"
                languages = ",".join(service.languages) or "-"
                print(f"{service.id:<24} {service.category:<17} {service.organization_name} — {service.name}  [{phones}] [{languages}]")
        elif args.action == "import":
            count = import_directory(store, read_directory_file(args.file))
            log.info("directory: %d services imported", count)
            print(ngettext("{n} directory service imported.", "{n} directory services imported.", count).format(n=count))
        else:
            document = json.dumps(export_directory(store), ensure_ascii=False, indent=1)
            if args.file:
                write_atomically(Path(args.file), document.encode("utf-8"))
            else:
                print(document)
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    from .sheet import render_blank_handout, render_handout_pack, render_referral_sheet, write_pdf

    if args.blank or args.pack:
        if args.referral_id is not None:
            raise InvalidInput(_("A blank handout has no referral: leave out the referral id."))
        if not args.service:
            raise InvalidInput(_("Name the service of the handout with --service."))
        if args.pack and args.language:
            raise InvalidInput(_("--pack prints every language; leave out --language."))
        if not args.pack and not args.language:
            raise InvalidInput(_("Name the language of the handout with --language (or use --pack)."))
    elif args.referral_id is None:
        raise InvalidInput(_("Give a referral id, or --blank (or --pack) with --service for a handout."))
    elif args.service:
        raise InvalidInput(_("--service is for blank handouts (with --blank or --pack)."))
    with _open(args) as store:
        if args.pack:
            data = render_handout_pack(store, args.service)
        elif args.blank:
            data = render_blank_handout(store, args.service, args.language, english=args.english)
        else:
            data = render_referral_sheet(store, args.referral_id, language=args.language, english=args.english)
    written = write_pdf(args.out, data)
    # The log says that a sheet was written, never for whom.
    log.info("sheet: %s written (%d bytes)", "pack" if args.pack else "handout" if args.blank else "referral sheet",
             len(data))
    print(_("Sheet written to {path}.").format(path=written))
    return 0


# -- reports and sync -------------------------------------------------------------


def _period(text: str) -> str:
    from .aggregate import check_period

    try:
        return check_period(text)
    except InvalidInput as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_report(args: argparse.Namespace) -> int:
    from .reports import prepare_report
    from .sync import save_report

    with _open(args) as store:
        report = prepare_report(store, args.period)
        print(report.render())
        size = len(report.envelope)
        print(ngettext("Exactly these bytes leave the device (signed; revision {revision}, {size} byte):",
                       "Exactly these bytes leave the device (signed; revision {revision}, {size} bytes):", size).format(
            revision=report.revision, size=size))
        print(report.envelope.decode("ascii"))
        if args.out:
            save_report(store, report, args.out)
            log.info("report: %s revision %d saved to a file", report.period, report.revision)
            print(_("Saved to {path}.").format(path=args.out), file=sys.stderr)
    return 0


def cmd_site_key(args: argparse.Namespace) -> int:
    from .sitekey import encode_key, fingerprint, public_key

    with _open(args) as store:
        key = public_key(store)
    print(f"ed25519 {encode_key(key)}")
    print(_("fingerprint: {fingerprint}").format(fingerprint=fingerprint(key)))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from .reports import history
    from .sync import save_bundle, send_reports, set_collector

    with _open(args) as store:
        if args.history:
            for event in history(store):
                detail = f"  {event.detail}" if event.detail else ""
                print(f"{event.at}  {event.period} r{event.revision}  {event.outcome:<9}  {event.destination}{detail}")
            return 0
        if args.set_collector:
            set_collector(store, args.set_collector, args.ca_file)
            print(_("Reports will be sent to {url}.").format(url=args.set_collector))
            return 0
        if args.out:
            saved, problems = save_bundle(store, args.out)
            for problem in problems:
                print(problem, file=sys.stderr)
            log.info("sync: %d report(s) saved to a file", len(saved))
            print(ngettext("{n} report saved to {path}.", "{n} reports saved to {path}.", len(saved))
                  .format(n=len(saved), path=args.out))
            return 0
        results, problems = send_reports(store, args.to, ca_file=args.ca_file, force=args.now)
    for problem in problems:
        print(problem, file=sys.stderr)
    for result in results:
        detail = f"  {result.detail}" if result.detail else ""
        print(f"{result.period} r{result.revision}  {result.outcome}{detail}")
    delivered = sum(result.outcome == "delivered" for result in results)
    log.info("sync: %d of %d report(s) delivered", delivered, len(results))
    print(ngettext("{delivered} of {n} report delivered.", "{delivered} of {n} reports delivered.", len(results))
          .format(delivered=delivered, n=len(results)))
    return 0 if delivered == len(results) else 7


# -- parser ---------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="schoolintake",
        description=_("School Intake: log adult service referrals in an encrypted database. "
                      "Without a command, the application window opens."),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", type=Path, default=None,
                        help=_("database file (default: {path}; or set SCHOOLINTAKE_DB)").format(path=paths.default_database()))
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help=_("read the passphrase from the first line of FILE (or set {env}; otherwise you are asked)").format(env=PASSPHRASE_ENV))
    parser.add_argument("--demo", action="store_true",
                        help=_("open the application on a demo database of synthetic referrals"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("init", help=_("create a database and its site"))
    p.add_argument("--school", help=_("school name"))
    p.add_argument("--doe-code", help=_("DOE school code, e.g. 15K058"))
    p.add_argument("--partner", help=_("partner organisation"))
    p.add_argument("--no-starter-directory", action="store_true", help=_("do not load the bundled directory of NYC services"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help=_("fill a database with realistic synthetic referrals"))
    p.add_argument("--referrals", type=_positive, required=True, metavar="N", help=_("how many referrals to add"))
    p.add_argument("--months", type=_positive, default=24, help=_("spread them over this many months (default 24)"))
    p.add_argument("--seed", type=int, default=2026, help=_("random seed"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("add", help=_("save a new referral and print its id"))
    p.add_argument("--language", required=True, choices=PARENT_LANGUAGE_CODES, metavar="CODE",
                   help=_("parent's language: {codes}").format(codes=", ".join(PARENT_LANGUAGE_CODES)))
    p.add_argument("--service", required=True, action="append", choices=SERVICE_CODES, metavar="CODE",
                   help=_("a service (repeat for several): {codes}").format(codes=", ".join(SERVICE_CODES)))
    p.add_argument("--provider", action="append", type=_provider_pair, metavar="SERVICE=ID",
                   help=_("the directory provider chosen for a service, e.g. esl=nypl-esol"))
    p.add_argument("--name", help=_("first name or initials (optional)"))
    p.add_argument("--phone", help=_("phone number (optional; needs --consent)"))
    p.add_argument("--consent", action="store_true", help=_("the parent agreed that the phone number is kept"))
    p.add_argument("--notes", help=_("short notes (optional, at most 500 characters)"))
    p.add_argument("--confirm-notes", action="store_true",
                   help=_("keep notes even though they seem to contain words that must not be recorded"))
    p.add_argument("--date", type=_date, help=_("referral date, YYYY-MM-DD (default: today)"))
    p.add_argument("--follow-up", type=_date, metavar="DATE", help=_("follow-up date, YYYY-MM-DD"))
    p.add_argument("--by", default="", help=_("initials of the person recording it"))
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", help=_("list referrals, newest first"))
    p.add_argument("--status", choices=[s.value for s in Status], help=_("only referrals with a service in this status"))
    p.add_argument("--service", choices=SERVICE_CODES, metavar="CODE", help=_("only referrals for this service"))
    p.add_argument("--language", choices=PARENT_LANGUAGE_CODES, metavar="CODE", help=_("only referrals in this language"))
    p.add_argument("--since", type=_date, metavar="DATE", help=_("only referrals on or after DATE"))
    p.add_argument("--until", type=_date, metavar="DATE", help=_("only referrals on or before DATE"))
    p.add_argument("--limit", type=_positive, default=100, help=_("at most this many (default 100)"))
    p.add_argument("--offset", type=_positive, default=0, help=_("skip this many"))
    p.add_argument("--count", action="store_true", help=_("also print how many match (on stderr)"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help=_("show one referral with its outcome history"))
    p.add_argument("referral_id", type=_positive, metavar="ID")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("outcome", help=_("record a follow-up outcome"))
    p.add_argument("referral_id", type=_positive, metavar="ID")
    p.add_argument("--status", required=True, choices=[s.value for s in Status if s is not Status.REFERRED])
    p.add_argument("--service", choices=SERVICE_CODES, metavar="CODE", help=_("only this service (default: every open one)"))
    p.add_argument("--reason", choices=[r.value for r in NotConnectedReason], help=_("why not connected"))
    p.add_argument("--by", default="", help=_("initials of the person recording it"))
    p.set_defaults(func=cmd_outcome)

    p = sub.add_parser("check", help=_("check the database's encryption, structure and counts"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("rekey", help=_("change the passphrase"))
    p.add_argument("--new-passphrase-file", metavar="FILE",
                   help=_("read the new passphrase from FILE (or set {env})").format(env=NEW_PASSPHRASE_ENV))
    p.set_defaults(func=cmd_rekey)

    p = sub.add_parser("backup", help=_("write an encrypted backup with its own passphrase"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--backup-passphrase-file", metavar="FILE",
                   help=_("read the backup's passphrase from FILE (or set {env})").format(env=BACKUP_PASSPHRASE_ENV))
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=_("replace the database with a backup's content"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--backup-passphrase-file", metavar="FILE",
                   help=_("read the backup's passphrase from FILE (or set {env})").format(env=BACKUP_PASSPHRASE_ENV))
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("purge", help=_("remove personal details from older referrals (counts stay)"))
    p.add_argument("--older-than", type=_positive, required=True, metavar="DAYS")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("directory", help=_("list, import or export the provider directory"))
    p.add_argument("action", choices=("list", "import", "export"))
    p.add_argument("file", nargs="?", help=_("JSON file to import from or export to"))
    p.add_argument("--search", help=_("only services matching this text"))
    p.set_defaults(func=cmd_directory)

    p = sub.add_parser("sheet", help=_("write a referral sheet, or a blank service handout, as PDF"))
    p.add_argument("referral_id", type=_positive, nargs="?", metavar="REFERRAL_ID")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help=_("the PDF file to write"))
    p.add_argument("--language", choices=PARENT_LANGUAGE_CODES, metavar="CODE",
                   help=_("sheet language (default: the parent's): {codes}").format(codes=", ".join(PARENT_LANGUAGE_CODES)))
    p.add_argument("--english", action=argparse.BooleanOptionalAction, default=True,
                   help=_("print English alongside the sheet language (default: yes)"))
    p.add_argument("--blank", action="store_true", help=_("a handout with no personal data, for events"))
    p.add_argument("--pack", action="store_true", help=_("a handout in every language, in one PDF"))
    p.add_argument("--service", choices=SERVICE_CODES, metavar="CODE",
                   help=_("the service of the handout: {codes}").format(codes=", ".join(SERVICE_CODES)))
    p.set_defaults(func=cmd_sheet)

    p = sub.add_parser("report", help=_("preview a month's aggregate report: the table and the exact bytes sent"))
    p.add_argument("--period", type=_period, required=True, metavar="YYYY-MM", help=_("a closed month"))
    p.add_argument("--out", type=Path, metavar="FILE", help=_("also save the signed report to FILE"))
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("site-key", help=_("print the site's public signing key, for registration with the collector"))
    p.set_defaults(func=cmd_site_key)

    p = sub.add_parser("sync", help=_("send closed months' reports to the collector, or save them to a file"))
    where = p.add_mutually_exclusive_group()
    where.add_argument("--to", metavar="URL", help=_("collector address (https://…; default: the configured one)"))
    where.add_argument("--out", type=Path, metavar="FILE", help=_("save the signed reports to FILE instead (USB, e-mail)"))
    where.add_argument("--history", action="store_true", help=_("show what was sent or saved, and when"))
    where.add_argument("--set-collector", metavar="URL", help=_("remember the collector address (with --ca-file)"))
    p.add_argument("--ca-file", metavar="FILE", help=_("certificate or CA of a private collector (verification stays on)"))
    p.add_argument("--now", action="store_true", help=_("try again now, even while waiting after a failure"))
    p.set_defaults(func=cmd_sync)

    return parser


def _setup_log() -> None:
    # An audit trail for IT staff: which command ran and what it changed,
    # never a name, phone number or note.
    try:
        paths.log_dir().mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(paths.log_dir() / "schoolintake.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def main(argv: Sequence[str] | None = None,
         open_gui: Callable[[argparse.Namespace], int] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.db is None:
        args.db = paths.demo_database() if args.demo else paths.default_database()
    if args.command is None:
        if open_gui is None:
            parser.print_help()
            return 2
        return open_gui(args)
    if args.command == "directory" and args.action == "import" and not args.file:
        parser.error(_("directory import needs a FILE"))
    _setup_log()
    try:
        return int(args.func(args))
    except SensitiveNotes as error:
        print(f"schoolintake: error: {error} " + _("(or pass --confirm-notes)"), file=sys.stderr)
        return error.exit_code
    except SchoolIntakeError as error:
        print(f"schoolintake: error: {error}", file=sys.stderr)
        log.warning("%s failed: %s", args.command, type(error).__name__)
        return error.exit_code
    except KeyboardInterrupt:
        print("schoolintake: " + _("interrupted; nothing was changed."), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
