"""Reading a whole instrument: its versions, 修订沿革, table of contents and text (CLI `fashen kb show|versions`,
the app's citation cards)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from assistant.errors import InputError
from assistant.kb.catalog import Catalog
from assistant.models import Article, Instrument


class TocEntry(BaseModel):
    """A heading (编/章/节 path) and the articles under it."""

    heading: str
    first: str = Field(description="label of its first article, 第一条")
    last: str


class InstrumentText(BaseModel):
    """One version of an instrument, whole."""

    instrument: Instrument
    versions: list[Instrument] = Field(description="every version, oldest first; `instrument` is one of them")
    toc: list[TocEntry] = Field(default_factory=list)
    articles: list[Article] = Field(default_factory=list)

    @property
    def note(self) -> str | None:
        """收录题录，未收全文 when only the title, 文号 and dates are held."""
        return None if self.instrument.text_complete else "收录题录，未收全文"


def find(catalog: Catalog, name: str) -> Instrument:
    """The instrument a title, short title or alias names; InputError when the knowledge base lacks it."""
    inst = catalog.resolve(name)
    if inst is None:
        raise InputError(f"知识库中没有《{name.strip('《》')}》。请用 `fashen kb list` 查看已收录的文件，"
                         "或检查名称是否完整。")
    return inst


def versions(catalog: Catalog, name: str) -> list[Instrument]:
    """Every version of the named instrument, oldest first (公布/施行 dates, status, which one answers)."""
    return catalog.versions(find(catalog, name))


def read(catalog: Catalog, name: str, version: str | None = None) -> InstrumentText:
    """The named instrument's current version, or the one `version` names (its 公布 date, 2017-09-01, or the
    date on which it was in force), with its table of contents and articles."""
    current = find(catalog, name)
    all_versions = catalog.versions(current)
    inst = current
    if version:
        inst = next((v for v in all_versions if v.version_date and v.version_date.isoformat() == version), None)
        if inst is None:
            try:
                inst = catalog.version_on(current, date.fromisoformat(version)) or all_versions[0]
            except ValueError:
                dates = "、".join(v.version_date.isoformat() for v in all_versions if v.version_date)
                raise InputError(f"版本应写作公布日期（如 2017-09-01）；《{current.title}》的版本：{dates or '仅一个版本'}。") \
                    from None
    articles = catalog.articles_of(inst.id)
    return InstrumentText(instrument=inst, versions=all_versions, toc=table_of_contents(articles), articles=articles)


def table_of_contents(articles: list[Article]) -> list[TocEntry]:
    """Headings in order with the range of articles under each (texts without chapters have none)."""
    toc: list[TocEntry] = []
    for a in articles:
        if not a.chapter:
            continue
        if toc and toc[-1].heading == a.chapter:
            toc[-1].last = a.label
        else:
            toc.append(TocEntry(heading=a.chapter, first=a.label, last=a.label))
    return toc
