"""The workspace on the command line: ``python -m chain db init|import|list|export|rename|current|delete|backup|
role|audit``.

Every command takes ``--db URL`` (else ``$CHAIN_DB_URL``, else the SQLite file in ``$CHAIN_DATA_DIR``). A
problem with the database is one line in the chosen language (a :class:`chain.store.StoreError`), never a
traceback. Exit codes follow the command line's contract: 0 done, 1 the workbook is not accepted (errors, or
no readable 报告期: every problem said), 2 a usage error or a database that cannot be used.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from chain.access import Actor, Role
from chain.cli import (
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    format_problem,
    json_text,
    load_or_exit,
    say,
    terminal_text,
)
from chain.store import DB_URL_ENV, Snapshot, Store, StoreError

__all__ = ["acting_user", "register"]

#: The acting user of a command-line write, when the environment names none (USER is unset in some containers).
_UNKNOWN_USER = "cli"
#: Store errors about the workbook rather than the database: exit 1, like a workbook with errors.
_WORKBOOK_CODES = frozenset({"not_accepted", "period_missing", "period_invalid"})


def acting_user() -> Actor:
    """Who runs the command: ``$CHAIN_USER``, else the login name, written ``cli:<name>``. Whoever can run the
    command line on the server can open its database anyway: a system actor (an admin)."""
    try:
        name = os.environ.get("CHAIN_USER") or getpass.getuser()
    except (KeyError, OSError):
        name = _UNKNOWN_USER
    return Actor.system(name if os.environ.get("CHAIN_USER") else f"cli:{name}")


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``db`` and its subcommands to the command line's subparsers."""
    db = commands.add_parser("db", help="the workspace database: snapshots of accepted workbooks")
    sub = db.add_subparsers(dest="db_command", required=True, parser_class=type(db))

    def command(name: str, help_text: str, handler) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument(
            "--db",
            metavar="URL",
            help=f"database URL (default ${DB_URL_ENV}, else the SQLite file of the data folder)",
        )
        parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of messages")
        parser.set_defaults(handler=handler)
        return parser

    command("init", "create the database (empty) or bring its schema up to date", _run_init)
    imported = command("import", "keep an accepted workbook as a snapshot; prints its id", _run_import)
    imported.add_argument("workbook", help="the workbook (.xlsx, .xls or .ods)")
    imported.add_argument("--period", help="报告期 when the workbook's 设置 has none (e.g. 2023年1-9月)")
    imported.add_argument("--label", help="a name for the snapshot (default: the file name)")
    imported.add_argument("--current", action="store_true", help="make it the current snapshot")
    listed = command("list", "the snapshots, newest period first", _run_list)
    listed.add_argument("--json", action="store_true", help="print JSON on stdout")
    exported = command("export", "write a snapshot's original workbook", _run_export)
    exported.add_argument("id", type=int)
    exported.add_argument("-o", "--output", required=True, help="the file to write")
    renamed = command("rename", "give a snapshot a new label", _run_rename)
    renamed.add_argument("id", type=int)
    renamed.add_argument("label")
    current = command("current", "make a snapshot the current one (the app opens on it)", _run_current)
    current.add_argument("id", type=int)
    deleted = command("delete", "delete a snapshot and its workbook", _run_delete)
    deleted.add_argument("id", type=int)
    deleted.add_argument("--yes", action="store_true", help="confirm: without it nothing is deleted")
    zipped = command("backup-zip", "every snapshot's original workbook in one zip", _run_backup_zip)
    zipped.add_argument("-o", "--output", required=True, help="the .zip to write")
    backup = command("backup", "copy a SQLite database with SQLite's online backup", _run_backup)
    backup.add_argument("-o", "--output", required=True, help="the database file to write")
    role = command("role", "give a signed-in user a role, or list the roles (no USER)", _run_role)
    role.add_argument("user", nargs="?", help="the user's login name or e-mail, as the login gives it")
    role.add_argument(
        "role", nargs="?", choices=("viewer", "editor", "admin", "none"), help="none: remove it"
    )
    audited = command("audit", "the audit trail: every write, newest first", _run_audit)
    audited.add_argument("--json", action="store_true", help="print JSON on stdout")
    audited.add_argument("--limit", type=int, help="only the newest N entries")


def _say(text: object) -> None:
    """Every message of ``db`` goes to stderr: stdout carries only what a script reads (ids, JSON)."""
    say(text, file=sys.stderr)


def _fail(error: StoreError, lang: str) -> int:
    _say(error.message(lang))
    return EXIT_ERRORS if error.code in _WORKBOOK_CODES else EXIT_USAGE


def _open(args: argparse.Namespace, create: bool = False) -> Store:
    return Store.open(args.db, create=create)


def _line(snapshot: Snapshot, lang: str) -> str:
    mark = "*" if snapshot.current else " "
    moment = snapshot.uploaded_at.strftime("%Y-%m-%d %H:%M UTC")
    return terminal_text(
        f"{mark} {snapshot.id:>4}  {snapshot.county or '—'}  {snapshot.period}  {snapshot.label}  "
        f"{moment}  {snapshot.uploaded_by}"
    )


def _run_init(args: argparse.Namespace) -> int:
    try:
        with _open(args, create=True) as store:
            count = len(store.snapshots())
            where, revision = store.where, store.revision()
    except StoreError as error:
        return _fail(error, args.lang)
    if args.lang == "zh":
        _say(f"数据库就绪：{where}（结构版本 {revision}，{count} 个快照）")
    else:
        _say(f"database ready: {where} (schema {revision}, {count} snapshots)")
    return EXIT_OK


def _run_import(args: argparse.Namespace) -> int:
    args.json = False
    result = load_or_exit(args)
    if isinstance(result, int):
        return result
    if result.errors:
        for item in result.errors:
            _say(format_problem(item, args.lang))
        _say(
            f"{len(result.errors)} 个错误：没有保存为快照。"
            if args.lang == "zh"
            else f"{len(result.errors)} errors: not kept as a snapshot."
        )
        return EXIT_ERRORS
    path = Path(args.workbook)
    try:
        with _open(args, create=True) as store:
            outcome = store.add(
                path.read_bytes(),
                path.name,
                result,
                by=acting_user(),
                period=args.period,
                label=args.label,
                current=True if args.current else None,
            )
    except StoreError as error:
        return _fail(error, args.lang)
    snapshot = outcome.snapshot
    if not outcome.created:
        _say(
            f"这个文件已导入过：快照 {snapshot.id}（{snapshot.label}），未重复保存。"
            if args.lang == "zh"
            else f"already imported as snapshot {snapshot.id} ({snapshot.label}): not added again."
        )
    print(snapshot.id)
    return EXIT_OK


def _run_list(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            listed = store.snapshots()
    except StoreError as error:
        return _fail(error, args.lang)
    if args.json:
        print(json_text({"snapshots": [snapshot.to_json() for snapshot in listed]}))
    elif not listed:
        print("（没有快照）" if args.lang == "zh" else "(no snapshots)")
    else:
        for snapshot in listed:
            print(_line(snapshot, args.lang))
    return EXIT_OK


def _write(path: Path, data: bytes, lang: str) -> int:
    try:
        path.write_bytes(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        _say(f"无法写入 {path}：{reason}" if lang == "zh" else f"cannot write {path}: {reason}")
        return EXIT_USAGE
    _say(f"已写入 {path}" if lang == "zh" else f"wrote {path}")
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            data = store.file(args.id)
    except StoreError as error:
        return _fail(error, args.lang)
    return _write(Path(args.output), data, args.lang)


def _run_rename(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            snapshot = store.rename(args.id, args.label, by=acting_user())
    except StoreError as error:
        return _fail(error, args.lang)
    print(_line(snapshot, args.lang))
    return EXIT_OK


def _run_current(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            snapshot = store.set_current(args.id, by=acting_user())
    except StoreError as error:
        return _fail(error, args.lang)
    print(_line(snapshot, args.lang))
    return EXIT_OK


def _run_delete(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            snapshot = store.snapshot(args.id)
            if not args.yes:
                _say(
                    ("将删除快照：" if args.lang == "zh" else "would delete: ")
                    + _line(snapshot, args.lang).strip()
                )
                _say("确认请加 --yes。" if args.lang == "zh" else "confirm with --yes.")
                return EXIT_USAGE
            successor = store.delete(args.id, by=acting_user())
    except StoreError as error:
        return _fail(error, args.lang)
    _say(f"已删除快照 {args.id}" if args.lang == "zh" else f"deleted snapshot {args.id}")
    if successor is not None:
        _say(
            f"当前快照现为 {successor.id}（{successor.label}）"
            if args.lang == "zh"
            else f"the current snapshot is now {successor.id} ({successor.label})"
        )
    return EXIT_OK


def _run_backup_zip(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            data = store.backup_zip()
    except StoreError as error:
        return _fail(error, args.lang)
    return _write(Path(args.output), data, args.lang)


def _run_backup(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            store.backup_database(Path(args.output))
    except StoreError as error:
        return _fail(error, args.lang)
    _say(f"已写入 {args.output}" if args.lang == "zh" else f"wrote {args.output}")
    return EXIT_OK


def _run_role(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            if args.user is None:
                for grant in store.roles():
                    print(
                        f"{grant.user}\t{grant.role.value}\t{grant.granted_by}\t{grant.granted_at.isoformat()}"
                    )
                return EXIT_OK
            if args.role is None:
                _say(
                    "请给出角色：viewer、editor、admin 或 none。"
                    if args.lang == "zh"
                    else "give a role: viewer, editor, admin or none."
                )
                return EXIT_USAGE
            chosen = None if args.role == "none" else Role.parse(args.role)
            store.set_role(args.user, chosen, by=acting_user())
    except StoreError as error:
        return _fail(error, args.lang)
    _say(f"{args.user}：{args.role}" if args.lang == "zh" else f"{args.user}: {args.role}")
    return EXIT_OK


def _run_audit(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            entries = store.audit_log(limit=args.limit)
    except StoreError as error:
        return _fail(error, args.lang)
    if args.json:
        print(json_text({"audit": [entry.to_json() for entry in entries]}))
        return EXIT_OK
    for entry in entries:
        print(f"{entry.at.isoformat()}\t{entry.user}\t{entry.action}\t{entry.target}")
    return EXIT_OK
