"""Question understanding: clean the text, find explicit article requests, the kind of question, false premises.

Everything here is rule-based and cheap; nothing calls a model. The patterns describe how users ask
(多久, 能不能, 找谁 …), never what the law says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from assistant.llm.guard import looks_like_injection
from assistant.text.normalize import is_traditional, normalize

# How much of a long question is used for retrieval: a pasted draft or a long story buries the question.
MAX_QUESTION_CHARS = 1000

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"'": "“", "‘": "“", "’": "”", "\"": "“"})


class Kind(StrEnum):
    """What kind of answer the question wants; decides which article sentences lead."""

    DURATION = "duration"  # 多久 / 期限 / 几天
    AMOUNT = "amount"  # 多少钱 / 上限 / 比例
    WHO = "who"  # 谁 / 哪个部门 / 找谁
    YES_NO = "yes_no"  # 能不能 / 可以吗 / 合法吗
    LIST = "list"  # 哪些 / 什么条件 / 什么程序
    DEFINITION = "definition"  # 什么是 / 如何界定 / 算不算
    HOW = "how"  # 如何处理 / 怎么办
    CONTENT = "content"  # 第N条说的是什么


_KIND_PATTERNS: dict[Kind, re.Pattern[str]] = {
    Kind.DURATION: re.compile(r"多久|多长时间|多长期限|期限|时效|几天|多少天|多少日|几日|几个月|几年|多少年|多少个?工作日|"
                              r"什么时候|何时|时限|多长|最长|最短|最少.{0,4}天"),
    Kind.AMOUNT: re.compile(r"多少钱|罚多少|收多少|交多少|多少费|上限|下限|最高|比例|百分之|多少倍|数额|金额|多少"),
    Kind.WHO: re.compile(r"谁|哪个部门|哪个机关|哪一级|哪级|哪个单位|由哪|找哪|向哪|哪个法院|什么部门|什么机关|被告是"),
    Kind.YES_NO: re.compile(r"能不能|能否|可不可以|可以吗|可以不|行不行|行吗|是否|合法吗|合规吗|有效吗|违法吗|算不算|"
                            r"要不要|需不需要|必须.{0,20}吗|还能|还要|吗[？?]?$|不[？?]$|吧[？?]?$"),
    Kind.LIST: re.compile(r"哪些|什么条件|什么程序|什么手续|哪几|什么情况|什么情形|有何|有什么|哪几种|何种|怎样的"),
    Kind.DEFINITION: re.compile(r"什么是|是什么意思|何为|如何界定|怎么界定|是指|含义|定义|算不算|属于什么|属不属于"),
    Kind.HOW: re.compile(r"怎么办|咋办|咋整|如何处理|怎么处理|该咋|如何计算|怎么算|怎么处置|如何确定|怎么确定"),
}

_CONTENT_ASK = re.compile(r"(?:规定|说|讲|写)(?:的是|了)?(?:什么|啥|些什么)|怎么(?:说|规定)|内容|原文|全文|是什么[？?]?$")

# A document below 规章 (or an office that can only issue one) taking on a measure only law may set.
_LOW_DOC = re.compile(r"规范性文件|红头文件|文件|通知|发文|决定书|办法|意见|纪要|镇政府|乡政府|街道|县政府|区政府|局里|部门")
_SETS = re.compile(r"设定|规定|设置|设立|写|增设|自行|自己|创设|出台|直接|对.{0,16}处")
_MEASURES = re.compile(r"罚款|处罚|拘留|许可|审批|查封|扣押|冻结|强制|收费|保证金|押金|证明事项|证明|吊销|停产停业|没收|"
                       r"规章|限制人身自由")


# The category of law a measure belongs to: what to look up when asked who may set it.
_MEASURE_CATEGORY: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"拘留|限制人身自由"), "限制人身自由的行政处罚"),
    (re.compile(r"罚款|没收|吊销|警告|通报批评|停产停业|处罚"), "行政处罚"),
    (re.compile(r"许可|审批|准入证"), "行政许可"),
    (re.compile(r"查封|扣押|冻结"), "行政强制措施"),
    (re.compile(r"强制执行|强制拆除|强拆|强制"), "行政强制"),
    (re.compile(r"收费|保证金|押金"), "收费 保证金"),
    (re.compile(r"证明"), "证明事项"),
    (re.compile(r"规章"), "制定规章"),
]
_SPLIT = re.compile(r"[？?；;。！!]+")


@dataclass
class Question:
    """A question as asked and as used for retrieval."""

    asked: str
    text: str  # normalised, truncated: what retrieval sees
    notices: list[str] = field(default_factory=list)
    kinds: set[Kind] = field(default_factory=set)
    premise: bool = False  # asks whether a low-ranking document may set a measure reserved to higher law
    authority: bool = False  # asks who (which kind of instrument) may set a measure: 规章可以设定罚款吗

    @property
    def empty(self) -> bool:
        """Nothing left to ask after cleaning."""
        return not self.text

    def understand(self) -> None:
        """(Re)derive kinds, premise and authority from `text`."""
        self.kinds = kinds_of(self.text)
        self.authority = is_authority_question(self.text)
        self.premise = is_premise_question(self.text)

    def part(self, text: str) -> Question:
        """One sub-question, with its own kinds."""
        return Question(asked=text, text=text, kinds=kinds_of(text), premise=self.premise, authority=self.authority)

    def parts(self, min_chars: int = 5) -> list[Question]:
        """The sub-questions of a question that asks several things (多久要答复？不答复咋办？); [] for one."""
        pieces = [p.strip(" ，,") for p in _SPLIT.split(self.text)]
        pieces = [p for p in pieces if len(p) >= min_chars]
        return [self.part(p) for p in pieces] if len(pieces) > 1 else []

    @property
    def category(self) -> str | None:
        """The kind of measure an authority question is about (罚款 → 行政处罚), None for other questions."""
        if not (self.premise or self.authority):
            return None
        return next((category for pattern, category in _MEASURE_CATEGORY if pattern.search(self.text)), None)

    def helper_queries(self) -> tuple[str, ...]:
        """Extra retrieval queries: for a question whether an instrument may set a measure, who may set it."""
        category = self.category
        if category is None:
            return ()
        return (f"规范性文件 不得设定 {category}", f"设定 {category}") if self.premise else (f"设定 {category}",)


def clean(question: str | None) -> Question:
    """Normalise (繁→简, full width, spaces), strip and truncate a question; notices say what was changed."""
    asked = question or ""
    notices: list[str] = []
    text = normalize(asked, chrome=False) if asked.strip() else ""
    if text and is_traditional(asked):
        notices.append("问题含繁体字，已转换为简体检索。")
    text = _SPACE.sub(" ", text).strip().translate(_QUOTES)
    if len(text) > MAX_QUESTION_CHARS:
        notices.append(f"问题过长（{len(text)} 字），仅按前 {MAX_QUESTION_CHARS} 字中提问的语句检索和回答。")
        text = text[:MAX_QUESTION_CHARS]
    injected = looks_like_injection(text)
    if injected:
        notices.append("问题中含有类似指令的语句，已仅作为问题内容处理。")
        kept = "".join(s for s in _SENTENCES.findall(text) if s.strip() not in injected).strip()
        text = kept or text
    focused = focus(text)
    if focused != text and len(text) <= MAX_QUESTION_CHARS:
        notices.append(f"问题较长（{len(text)} 字），按其中提问的语句检索。")
    text = focused
    q = Question(asked=asked, text=text, notices=notices)
    q.understand()
    return q


_SENTENCES = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?\n?")
_ASKS = re.compile(r"[？?]|吗|呢|是否|能否|能不能|可不可以|怎么|如何|多少|多久|哪些|什么|谁|何")
FOCUS_CHARS = 300  # longer input: retrieval reads the sentences that ask, not the background


def focus(text: str) -> str:
    """For long input (a story, a pasted draft), the sentences that ask something, in order, up to FOCUS_CHARS
    characters (the first ones when none does); short questions unchanged."""
    if len(text) <= FOCUS_CHARS:
        return text
    sentences = [s.strip() for s in _SENTENCES.findall(text) if s.strip()]
    asking = [s for s in sentences if _ASKS.search(s)] or sentences
    out = ""
    for s in dict.fromkeys(asking):
        if len(out) + len(s) > FOCUS_CHARS:
            break
        out += s
    return out or text[:FOCUS_CHARS]


def kinds_of(text: str) -> set[Kind]:
    """The kinds of answer a question asks for (several may apply)."""
    kinds = {k for k, p in _KIND_PATTERNS.items() if p.search(text)}
    if _CONTENT_ASK.search(text) and re.search(r"第\s*[一二三四五六七八九十百千零〇两\d]+\s*条", text):
        kinds.add(Kind.CONTENT)
    return kinds


def is_authority_question(text: str) -> bool:
    """Whether the question asks if some instrument or body may set a measure (规章可以设定行政拘留吗)."""
    return bool(_SETS.search(text) and _MEASURES.search(text))


def is_premise_question(text: str) -> bool:
    """Whether the question asks if a document below 规章 (or a body that can only issue one) may set a
    measure reserved to law, regulations or rules: 规范性文件可以设定行政拘留吗, 镇政府能出规章吗."""
    return bool(_LOW_DOC.search(text) and is_authority_question(text))
