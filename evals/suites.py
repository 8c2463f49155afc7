"""The suite registry: the built-in suites, plus user suites found as folders holding a `suite.yaml`.

A user suite either reuses a built-in suite on its own data:

    name: my-review-cases
    description: 本市备案审查案例
    base: review            # retrieval-qa, qa, review, lawbench-1-1 … (see `fashen eval list`)
    data: cases             # relative to the suite folder, in the base suite's format

or brings its cases and a scorer:

    name: my-qa
    system: ask             # ask | search | review | verify
    cases: cases.jsonl      # {"id": …, "input": {"question": …} or the fields themselves, "gold": …}
    scorer: contains        # contains | exact | scorer.py:score | package.module:function
    primary: [contains]

A custom scorer is `score(case: EvalCase, prediction) -> dict[str, float] | float`; the suite's metrics
are the means of those per-item scores. Folders that fail to load are reported, not fatal.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.config import PROJECT_ROOT, Settings
from assistant.errors import InputError
from evals import citations, corpus_citations, lawbench, lexeval, qa, retrieval, review
from evals.base import EvalCase, ItemResult, RunContext, Suite
from evals.metrics import mean
from evals.qa import answer_text
from evals.textmatch import normalize_for_match, phrase_found

PROJECT_SUITES_DIR = PROJECT_ROOT / "evals" / "suites"
# What a suite's system needs, as module:attribute; "a|b" means either will do.
KB = "assistant.kb:open_kb"


SYSTEM_REQUIRES = {
    "ask": (KB, "assistant.answer:ask"),
    "search": (KB,),
    "review": (KB, "assistant.review:run_review"),
    "verify": (KB, "assistant.kb.citations:verify_reference"),
}


def builtin_suites() -> dict[str, Suite]:
    """The suites the project ships, by name."""
    suites = [
        Suite(
            name="retrieval-stard", description="STARD 开发集：普通人的法律问题 → 法条（映射到本知识库，报告覆盖率）",
            data="stard", load=retrieval.load_stard, prepare=retrieval.prepare, system=retrieval.system,
            score=retrieval.score_query, metrics=retrieval.metrics, breakdowns=retrieval.breakdowns,
            primary=retrieval.STARD_PRIMARY, requires=(KB,),
        ),
        Suite(
            name="retrieval-qa", description="qa-admin：法审人员的问题 → 标准答案条文（Recall@k、MRR@10）",
            data="qa-admin/dev.jsonl", load=retrieval.load_qa_admin, prepare=retrieval.prepare,
            system=retrieval.system, score=retrieval.score_query, metrics=retrieval.metrics,
            breakdowns=retrieval.breakdowns, primary=retrieval.QA_PRIMARY, requires=(KB,),
        ),
        Suite(
            name="review", description="合法性审查：按问题代码的精确率/召回率、干净条款误报、逐案差异",
            data="review/cases", load=review.load_cases, system=review.system, score=review.score_case,
            metrics=review.metrics, breakdowns=review.breakdowns, primary=review.PRIMARY,
            lower_is_better=review.LOWER_IS_BETTER,
            requires=(KB, "assistant.review:run_review"),
        ),
        Suite(
            name="qa", description="qa-admin 问答：标准条文召回、引用精确率、虚构引用率、必答要点、陷阱题",
            data="qa-admin/dev.jsonl", load=qa.load_cases, prepare=qa.prepare, system=qa.system,
            score=qa.score_case, metrics=qa.metrics, breakdowns=qa.breakdowns, primary=qa.PRIMARY,
            lower_is_better=qa.LOWER_IS_BETTER, llm=True,
            requires=(KB, "assistant.answer:ask"),
        ),
        Suite(
            name="citations", description="引用核验：存在的条文应通过、不存在的条文（陷阱题、超出末条）必须拒绝",
            data="qa-admin/dev.jsonl", load=citations.load_cases, prepare=citations.prepare,
            system=citations.system, score=citations.score_case, metrics=citations.metrics,
            breakdowns=citations.breakdowns, primary=citations.PRIMARY, lower_is_better=citations.LOWER_IS_BETTER,
            requires=(KB, "assistant.kb.citations:verify_reference"),
        ),
        Suite(
            name="citations-corpus", description="法规互引核验：从内置法规文本中抽取 500 处真实引用，不得误判为“条文不存在”",
            data=str(PROJECT_ROOT / "knowledge_base" / "sources"), load=corpus_citations.load_cases,
            system=corpus_citations.system, score=corpus_citations.score_case, metrics=corpus_citations.metrics,
            breakdowns=corpus_citations.breakdowns, primary=corpus_citations.PRIMARY,
            lower_is_better=corpus_citations.LOWER_IS_BETTER, requires=(KB, "assistant.kb.citations:check_citation"),
        ),
        Suite(
            name="lawbench-1-1", description="LawBench 1-1 法条背诵：从知识库逐字引出被问的条文（目标 ≥ 0.95）",
            data="lawbench/zero_shot/1-1.json", load=lawbench.load_recitation, prepare=lawbench.prepare_recitation,
            system=lawbench.system_recitation, score=lawbench.score_recitation, metrics=lawbench.metrics_recitation,
            breakdowns=lawbench.breakdowns_recitation, primary=lawbench.RECITATION_PRIMARY,
            lower_is_better=lawbench.RECITATION_LOWER, requires=(KB,),
        ),
        *[
            Suite(
                name=f"lawbench-{task}", description=desc, data=f"lawbench/zero_shot/{task}.json",
                load=lawbench.loader_cited(task), prepare=lawbench.prepare_cited, system=lawbench.system_ask,
                score=lawbench.score_cited, metrics=lawbench.metrics_cited, primary=lawbench.CITED_PRIMARY,
                lower_is_better=lawbench.CITED_LOWER, llm=True, requires=(KB, "assistant.answer:ask"),
            )
            for task, desc in (("3-2", "LawBench 3-2 场景法条预测：回答引用的条文对照标准答案（召回、精确、虚构率）"),
                               ("3-8", "LawBench 3-8 法律咨询：回答及其法律依据对照标准答案（召回、精确、虚构率）"))
        ],
        Suite(
            name="lexeval", description="LexEval 1-2 条文内容选择：按条号从知识库查条文，选出正确内容",
            data="lexeval/1_2.json", load=lexeval.load_cases, prepare=lexeval.prepare, system=lexeval.system,
            score=lexeval.score_case, metrics=lexeval.metrics, breakdowns=lexeval.breakdowns,
            primary=lexeval.PRIMARY, requires=(KB,),
        ),
    ]
    suites += heldout_suites() + real_suites()
    return {s.name: s for s in suites}


HELDOUT_DIR = PROJECT_ROOT / "tests" / "fixtures"


def _load_review_heldout(root: Path) -> list[EvalCase]:
    """Every case of the review_heldout* sets under root, named set/case."""
    sets = sorted(d for d in root.glob("review_heldout*") if d.is_dir())
    if not sets:
        raise InputError(f"没有找到自编的审查留出集（{root}/review_heldout*）。")
    return [c.model_copy(update={"id": f"{d.name}/{c.id}"}) for d in sets for c in review.load_cases(d)]


REAL_DIR = PROJECT_ROOT / "evals" / "real"


def _review_suite(name: str, description: str, data: str, load) -> Suite:
    return Suite(name=name, description=description, data=data, load=load, system=review.system,
                 score=review.score_case, metrics=review.metrics, breakdowns=review.breakdowns,
                 primary=review.PRIMARY, lower_is_better=review.LOWER_IS_BETTER,
                 requires=(KB, "assistant.review:run_review"))


# (suite, folder under evals/real, description): labels and documents both in this repository
_REAL_SETS = [
    ("review-real-heldout", "heldout", "真实规范性文件留出集（20 件，未用于调校；原文与标注见 evals/real/heldout）"),
    ("review-real-heldout2", "heldout2", "真实规范性文件第二留出集（20 件，引擎定型后首次运行；evals/real/heldout2）"),
    ("review-real-heldout3", "heldout3", "真实规范性文件第三留出集（20 件，引擎定型后首次运行；evals/real/heldout3）"),
    ("review-real-heldout4", "heldout4", "真实规范性文件第四留出集（20 件，引擎定型后首次运行；evals/real/heldout4）"),
    ("review-real-heldout5", "heldout5", "真实规范性文件第五留出集（16 件，引擎定型后首次运行；evals/real/heldout5）"),
    ("review-real-heldout6", "heldout6", "真实规范性文件第六留出集（20 件区级文件，引擎定型后首次运行；evals/real/heldout6）"),
    ("review-real-heldout7", "heldout7", "真实规范性文件第七留出集（20 件区级、市级部门文件，引擎定型后首次运行；evals/real/heldout7）"),
    ("review-real-heldout8", "heldout8", "真实规范性文件第八留出集（20 件区级、市级部门文件，引擎定型后首次运行；evals/real/heldout8）"),
    ("review-real-heldout9", "heldout9", "真实规范性文件第九留出集（20 件区级、市级部门文件，引擎定型后首次运行；evals/real/heldout9）"),
    ("review-real-heldout10", "heldout10", "真实规范性文件第十留出集（20 件区级、市级部门文件，引擎定型后首次运行；evals/real/heldout10）"),
    ("review-real-heldout11", "heldout11", "真实规范性文件第十一留出集（20 件区级、市级部门文件，引擎定型后首次运行；evals/real/heldout11）"),
    ("review-real-heldout12", "heldout12", "真实规范性文件第十二留出集（20 件区级、市级部门文件，引擎定型后首次运行；evals/real/heldout12）"),
    ("review-real-heldout13", "heldout13", "真实规范性文件第十三留出集（3 件区级资金、成本管理文件，引擎定型后首次运行；evals/real/heldout13）"),
    ("review-real-heldout14", "heldout14", "真实规范性文件第十四留出集（3 件区政府办公室消防、环卫文件，引擎定型后首次运行；evals/real/heldout14）"),
    ("review-real-heldout15", "heldout15", "真实规范性文件第十五留出集（5 件区、市级文件，引擎定型后首次运行；evals/real/heldout15）"),
    ("review-real-heldout16", "heldout16", "真实规范性文件第十六留出集（2 件市交通委文件，引擎定型后首次运行；evals/real/heldout16）"),
    ("review-reported", "reported", "备案审查机关纠正过的问题条款（14 条，官方报告；evals/real/reported）"),
    ("review-reported2", "reported2", "公平竞争审查督查、行政垄断纠正通报中的问题条款（25 条；evals/real/reported2）"),
]


def real_suites() -> list[Suite]:
    """Real issued documents labelled from the law (evals/real/README.md): content codes only, stage 备案. The 59
    documents of shared/realdocs are read in place (data `../realdocs`, beside evaldata); the held-out ones and the
    reported clauses come with their labels."""
    return [
        _review_suite("review-real", "真实规范性文件（上海 59 件，../shared/realdocs 原文，标注见 evals/real/realdocs）",
                      "../realdocs", lambda root: review.load_labels(REAL_DIR / "realdocs", Path(root))),
        *(_review_suite(name, description, str(REAL_DIR / folder), lambda root: review.load_cases(Path(root)))
          for name, folder, description in _REAL_SETS),
    ]


def heldout_suites() -> list[Suite]:
    """The project's own held-out sets (tests/fixtures): written by reviewers who never saw the rules or the dev
    questions. Their first-contact figures are in each set's INDEX.md / README.md; here they guard regressions."""
    qa_file = str(HELDOUT_DIR / "qa_heldout" / "heldout.jsonl")
    return [
        Suite(
            name="review-heldout", description="自编审查留出集（review_heldout*，382 件，首次接触数据见各 INDEX.md）",
            data=str(HELDOUT_DIR), load=_load_review_heldout, system=review.system, score=review.score_case,
            metrics=review.metrics, breakdowns=review.breakdowns, primary=review.PRIMARY,
            lower_is_better=review.LOWER_IS_BETTER,
            requires=(KB, "assistant.review:run_review"),
        ),
        Suite(
            name="retrieval-qa-heldout", description="自编问答留出集：问题 → 标准答案条文（与 qa-admin 同格式，60 题）",
            data=qa_file, load=retrieval.load_qa_admin, prepare=retrieval.prepare, system=retrieval.system,
            score=retrieval.score_query, metrics=retrieval.metrics, breakdowns=retrieval.breakdowns,
            primary=retrieval.QA_PRIMARY, requires=(KB,),
        ),
        Suite(
            name="qa-heldout", description="自编问答留出集：标准条文召回、虚构引用率、必答要点、陷阱题",
            data=qa_file, load=qa.load_cases, prepare=qa.prepare, system=qa.system, score=qa.score_case,
            metrics=qa.metrics, breakdowns=qa.breakdowns, primary=qa.PRIMARY, lower_is_better=qa.LOWER_IS_BETTER,
            llm=True, requires=(KB, "assistant.answer:ask"),
        ),
    ]


# -- user suites -------------------------------------------------------------------------------------

class UserSuiteSpec(BaseModel):
    """The contents of a user suite's suite.yaml."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    description: str = ""
    base: str | None = Field(None, description="a built-in suite whose loader, system and scorer to reuse")
    data: str | None = Field(None, description="the base suite's data, relative to the suite folder")
    system: Literal["ask", "search", "review", "verify"] | None = None
    cases: str = Field("cases.jsonl", description="a .jsonl file or a folder of .json files")
    scorer: str | None = Field(None, description="contains | exact | file.py:function | module:function")
    input: str = Field("question", description="the case field handed to ask/search")
    k: int = Field(10, description="hits asked of search")
    primary: list[str] = Field(default_factory=list)
    lower_is_better: list[str] = Field(default_factory=list)


def _read_cases(path: Path) -> list[EvalCase]:
    """Cases of a user suite: a .jsonl file or a folder of .json files (the file name is the default id)."""
    raw: list[tuple[str, dict]] = []
    if path.is_dir():
        raw = [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(path.glob("*.json"))]
    elif path.is_file():
        raw = [(str(i + 1), r) for i, r in enumerate(retrieval.read_jsonl(path))]
    else:
        raise InputError(f"找不到评测案例：{path}")
    cases = []
    for default_id, obj in raw:
        inp = obj["input"] if "input" in obj else {k: v for k, v in obj.items() if k not in ("id", "gold", "meta")}
        cases.append(EvalCase(id=str(obj.get("id", default_id)), input=inp, gold=obj.get("gold"), meta=obj.get("meta", {})))
    return cases


def _load_function(ref: str, folder: Path) -> Callable[..., Any]:
    """`file.py:function` in the suite folder, or `package.module:function`."""
    target, sep, attr = ref.partition(":")
    if not sep or not attr:
        raise InputError(f"评分函数引用 {ref!r} 应写成 file.py:function 或 module:function。")
    if target.endswith(".py"):
        path = (folder / target).resolve()
        if not path.is_file():
            raise InputError(f"找不到评分文件：{path}")
        spec = importlib.util.spec_from_file_location(f"fashen_user_suite_{folder.name}_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise InputError(f"无法加载评分文件：{path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise InputError(f"{target} 中没有评分函数 {attr}。")
    return fn


def _builtin_scorer(name: str) -> Callable[[EvalCase, Any], dict[str, float]]:
    def contains(case: EvalCase, prediction: Any) -> dict[str, float]:
        phrases = case.gold if isinstance(case.gold, list) else [case.gold]
        text = answer_text(prediction)
        found = [p for p in phrases if p and phrase_found(str(p), text)[0]]
        return {"contains": len(found) / len(phrases) if phrases else 0.0}

    def exact(case: EvalCase, prediction: Any) -> dict[str, float]:
        return {"exact": 1.0 if normalize_for_match(answer_text(prediction)) == normalize_for_match(str(case.gold)) else 0.0}

    scorers = {"contains": contains, "exact": exact}
    if name not in scorers:
        raise InputError(f"未知的内置评分方式 {name}；可用：{', '.join(scorers)}，或 file.py:function。")
    return scorers[name]


def _custom_system(spec: UserSuiteSpec, folder: Path) -> Callable[[RunContext], Callable[[EvalCase], Any]]:
    def build(ctx: RunContext) -> Callable[[EvalCase], Any]:
        from evals import adapters

        def field_of(case: EvalCase) -> Any:
            return case.input.get(spec.input) if isinstance(case.input, dict) else case.input

        if spec.system == "ask":
            ask = adapters.answerer(ctx)
            return lambda case: ask(field_of(case))
        if spec.system == "search":
            search = adapters.retriever(ctx)
            return lambda case: search(field_of(case), spec.k)
        if spec.system == "review":
            run = adapters.reviewer(ctx)
            return lambda case: run(folder / case.input["path"])
        verify = adapters.reference_verifier(ctx)
        return lambda case: verify(case.input["instrument"], case.input["article"])

    return build


def _custom_score(fn: Callable[..., Any], primary: list[str]):
    def score(case: EvalCase, prediction: Any, ctx: RunContext) -> ItemResult:
        raw = fn(case, prediction)
        scores = {"score": float(raw)} if isinstance(raw, int | float) else {k: (None if v is None else float(v)) for k, v in raw.items()}
        head = scores.get(primary[0]) if primary else next(iter(scores.values()), None)
        return ItemResult(id=case.id, score=head, scores=scores, meta=case.meta)

    return score


def _mean_metrics(items: list[ItemResult]) -> dict[str, float | None]:
    scored = [it for it in items if not it.skipped]
    names = dict.fromkeys(k for it in scored for k in it.scores)
    return {k: mean(it.scores.get(k) for it in scored) for k in names}


def load_user_suite(folder: Path, builtins: dict[str, Suite]) -> Suite:
    """The suite a folder's suite.yaml describes; InputError saying what is wrong with it."""
    path = folder / "suite.yaml"
    try:
        spec = UserSuiteSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"{path} 无效：{exc}") from exc
    if spec.name in builtins:
        raise InputError(f"{path}：套件名 {spec.name} 与内置套件重名，请换一个名字。")
    if spec.base:
        base = builtins.get(spec.base)
        if base is None:
            raise InputError(f"{path}：base {spec.base} 不是内置套件；可用：{', '.join(builtins)}。")
        if not spec.data:
            raise InputError(f"{path}：使用 base 时须用 data 指明数据（相对于套件目录）。")
        return dataclasses.replace(
            base, name=spec.name, description=spec.description or base.description, data=str((folder / spec.data).resolve()),
            primary=tuple(spec.primary) or base.primary,
            lower_is_better=base.lower_is_better | frozenset(spec.lower_is_better), origin=str(folder),
        )
    if not spec.system or not spec.scorer:
        raise InputError(f"{path}：须写 base（复用内置套件），或同时写 system 和 scorer。")
    fn = _load_function(spec.scorer, folder) if ":" in spec.scorer else _builtin_scorer(spec.scorer)
    return Suite(
        name=spec.name, description=spec.description, data=str((folder / spec.cases).resolve()), load=_read_cases,
        system=_custom_system(spec, folder), score=_custom_score(fn, spec.primary), metrics=_mean_metrics,
        primary=tuple(spec.primary), lower_is_better=frozenset(spec.lower_is_better), llm=spec.system == "ask",
        requires=SYSTEM_REQUIRES[spec.system], origin=str(folder),
    )


@dataclass
class Registry:
    """Suites by name, and the user-suite folders that could not be loaded (folder, reason)."""

    suites: dict[str, Suite]
    problems: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> Suite:
        """The named suite; InputError listing the known ones."""
        if name not in self.suites:
            raise InputError(f"没有名为 {name} 的评测套件。可用：{', '.join(self.suites)}。用 `fashen eval list` 查看。")
        return self.suites[name]


def suite_dirs(settings: Settings | None = None, extra: Iterable[Path] = ()) -> list[Path]:
    """Where user suites are looked for: evals/suites/ in the project, <FASHEN_HOME>/evals/suites/, and extra dirs."""
    settings = settings or Settings()
    return [PROJECT_SUITES_DIR, settings.home / "evals" / "suites", *map(Path, extra)]


def load_registry(extra_dirs: Iterable[Path] = (), settings: Settings | None = None) -> Registry:
    """The built-in suites plus every user suite under the suite dirs (a folder, or a folder of folders)."""
    builtins = builtin_suites()
    reg = Registry(suites=dict(builtins))
    for root in suite_dirs(settings, extra_dirs):
        if not root.is_dir():
            continue
        folders = [root] if (root / "suite.yaml").is_file() else sorted(p for p in root.iterdir() if (p / "suite.yaml").is_file())
        for folder in folders:
            try:
                suite = load_user_suite(folder, builtins)
            except (InputError, OSError, ImportError, SyntaxError) as exc:
                reg.problems.append((str(folder), str(exc)))
                continue
            if suite.name in reg.suites:
                reg.problems.append((str(folder), f"套件名 {suite.name} 已被 {reg.suites[suite.name].origin} 使用"))
                continue
            reg.suites[suite.name] = suite
    return reg


def system_status(suite: Suite) -> list[str]:
    """The modules/functions a suite needs that cannot be imported now (empty when it can run)."""
    def importable(req: str) -> bool:
        module, _, attr = req.partition(":")
        try:
            mod = importlib.import_module(module)
        except Exception:
            return False
        return not attr or hasattr(mod, attr)

    return [req.split("|")[0].replace(":", ".") for req in suite.requires
            if not any(importable(alt) for alt in req.split("|"))]
