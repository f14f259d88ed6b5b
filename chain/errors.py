"""Errors of the workspace: what the store (and the access rules it applies) cannot do, said in zh and en.

Their own module because both :mod:`chain.store` and :mod:`chain.access` raise them and the store depends on
the access rules, not the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

__all__ = ["ERRORS", "AccessDenied", "StoreError", "Worded"]

#: code -> (zh, en) message templates of every StoreError; ``{detail}`` and the named fields are filled in.
ERRORS: dict[str, tuple[str, str]] = {
    "missing": (
        "找不到数据库 {where}：请先运行 python -m chain db init，或检查 --db / CHAIN_DB_URL。（{detail}）",
        "no database at {where}: run python -m chain db init first, or check --db / CHAIN_DB_URL. ({detail})",
    ),
    "locked": (
        "数据库 {where} 正被另一个程序占用（已等待 {seconds:g} 秒）：请稍后再试。（{detail}）",
        "the database {where} is locked by another program (waited {seconds:g} s): try again shortly. ({detail})",
    ),
    "read_only": (
        "数据库 {where} 只读，无法写入：请检查文件或账号的写权限。（{detail}）",
        "the database {where} is read-only: check write permission on the file or the account. ({detail})",
    ),
    "unreachable": (
        "无法连接数据库 {where}：请检查地址、账号和服务器是否在运行。（{detail}）",
        "cannot connect to the database {where}: check the URL, the account and that the server runs. ({detail})",
    ),
    "newer_schema": (
        "数据库 {where} 由更新版本的本程序创建（结构版本 {detail}）：请升级程序，不要用旧版本打开。",
        "the database {where} was written by a newer version of this app (schema {detail}): upgrade the app.",
    ),
    "bad_url": (
        "数据库地址无法识别：{detail}",
        "the database URL is not understood: {detail}",
    ),
    "not_accepted": (
        "工作簿有 {detail} 个错误：只有没有错误的工作簿才能保存为快照。",
        "the workbook has {detail} errors: only a workbook without errors becomes a snapshot.",
    ),
    "period_missing": (
        "工作簿的设置表没有报告期：请填写报告期（如 2023年1-9月），命令行用 --period。",
        "the workbook's 设置 sheet has no reporting period: give one (e.g. 2023年1-9月), --period on the command line.",
    ),
    "period_invalid": ("{detail}", "{detail}"),
    "not_found": ("没有编号为 {detail} 的快照。", "there is no snapshot with id {detail}."),
    "empty_label": ("快照名称不能为空。", "a snapshot's label cannot be empty."),
    "no_user": ("写入必须注明操作人。", "every write must name the acting user."),
    "sqlite_only": (
        "数据库文件备份只适用于 SQLite；PostgreSQL 请用 pg_dump（见 docs/deploy.md）。",
        "a database-file backup is for SQLite only; back PostgreSQL up with pg_dump (see docs/deploy.md).",
    ),
    "forbidden": (
        "{detail}无权执行此操作（{where}）：请联系管理员分配角色。",
        "{detail} may not do this ({where}): ask an administrator for a role that allows it.",
    ),
    "no_access": (
        "{detail}没有使用本系统的权限：请联系管理员分配角色。",
        "{detail} has no access to this app: ask an administrator for a role.",
    ),
    "bad_role": (
        "未知角色 {detail}：可选 viewer（查看）、editor（编辑）、admin（管理员）。",
        "unknown role {detail}: choose viewer, editor or admin.",
    ),
    "last_admin": (
        "{detail}是最后一位管理员：请先指定另一位管理员。",
        "{detail} is the last administrator: make someone else an administrator first.",
    ),
    "failed": ("数据库 {where} 出错：{detail}", "the database {where} failed: {detail}"),
}


class Worded(Exception):
    """An error with a code and a message in zh and en, filled in from its class's :attr:`ERRORS` templates:
    what every refusal of the domain (the store, a comparison, the ledger's rules) says to a person."""

    #: code -> (zh, en) message templates, formatted with the error's fields.
    ERRORS: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        zh, en = self.ERRORS[code]
        self.message_zh = zh.format(**fields)
        self.message_en = en.format(**fields)
        super().__init__(self.message_en)

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en


class StoreError(Worded):
    """Something the store cannot do, with a code (a key of :data:`ERRORS`) and a message in zh and en."""

    ERRORS = ERRORS

    def __init__(self, code: str, *, where: str = "", detail: object = "", seconds: float = 0.0) -> None:
        super().__init__(code, where=where, detail=detail, seconds=seconds)


class AccessDenied(StoreError):
    """A write the acting user's role does not allow (code ``forbidden``), raised by
    :func:`chain.access.authorise`: the server's check, whatever the page showed."""
