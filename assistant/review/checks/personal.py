"""C.PERSONAL_INFO read from a document's tables: a published annex that lists private persons with their mobile
numbers (个人信息保护法 第二十五条: a processor may not publish personal information without separate consent; a
state body only within what its duties require, 第三十四条). The officials' contact lists documents publish
(联络员名单, 通讯录) and masked numbers (138****5678) are no such table."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Clause, Finding
from assistant.review.checks.patterns import make_finding
from assistant.review.context import ReviewContext
from assistant.review.schema import Rule


class PhoneTableParams(BaseModel):
    """How many unmasked mobile numbers make a table of persons, and how far after its title they are counted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_numbers: int = Field(5, description="unmasked mobile numbers in the table")
    window: int = Field(400, description="lines after the title that belong to its table")


_TABLE_TITLE = re.compile(r"(统计表|一览表|名单|名册|明细表|台账|清单|汇总表|登记表|情况表)$")
# tables of the issuer's own people, whose work numbers are published for the public to reach them
_OFFICIALS = re.compile(r"工作人员|联络员|领导小组|成员|通讯录|联系表|网格员|责任人|值班|干部|专管员|监督员")
_HOLDER = re.compile(r"负责人|联系人|业主|经营者|户主|姓名|产权人|承租人|房东|出租人")
_PHONE_COLUMN = re.compile(r"手机|电话|联系方式")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _phone_tables(ctx: ReviewContext, p: PhoneTableParams) -> dict[str, tuple[str, int]]:
    """Location of each table's title → (title, unmasked mobile numbers), for the tables that list holders and their
    phones and are no officials' list; read once per review."""
    lines = [(c.location, ln.strip()) for c in ctx.clauses for ln in c.text.splitlines() if ln.strip()]
    found: dict[str, tuple[str, int]] = {}
    for i, (location, title) in enumerate(lines):
        if location in found or len(title) > 40 or not _TABLE_TITLE.search(title) or _OFFICIALS.search(title):
            continue
        rows = []
        for _loc, line in lines[i + 1:i + 1 + p.window]:
            if _TABLE_TITLE.search(line) and len(line) <= 40:
                break
            rows.append(line)
        header = "".join(rows[:20])
        if not (_HOLDER.search(header) and _PHONE_COLUMN.search(header)) or _OFFICIALS.search(header):
            continue
        numbers = sum(1 for line in rows if _MOBILE.search(line))
        if numbers >= p.min_numbers:
            found[location] = (title, numbers)
    return found


def check_phone_table(rule: Rule, p: PhoneTableParams, clause: Clause, ctx: ReviewContext) -> list[Finding]:
    """A table whose title is in this clause, with a column of holders and their phones, and at least
    `min_numbers` unmasked mobile numbers before the next table."""
    table = ctx.memo("phone_tables", lambda: _phone_tables(ctx, p)).get(clause.location)
    if table is None:
        return []
    title, numbers = table
    return [make_finding(rule, clause, title, f"表中列出{numbers}个未作处理的手机号码及其持有人")]
