"""Load what a reviewer receives: a case folder (case.json) or a draft file with its materials.

A material that cannot be read is recorded in `Dossier.unreadable` as {file, reason} and the rest is still
reviewed; a draft that cannot be read is an InputError. The document type, title, issuer and review date are
inferred from the draft and materials when not given.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.config import get_settings
from assistant.documents.readers import read_document, within
from assistant.errors import InputError
from assistant.models import DocType, Dossier, Material, Stage
from assistant.review.dates import date_line, review_date_of
from assistant.review.materials import classified
from assistant.review.titles import DRAFT_MARK, NOTICE, strip_markup
from assistant.text.structure import parse_articles

_DOC_NO = re.compile(r"〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*\d+\s*号|﹝\d{4}﹞\d+号")
_TITLE_END = re.compile(r"(办法|规定|细则|方案|措施|意见|通知|政策|规则|决定|规划|标准|制度|公告|计划|条例|纲要|指引|守则)"
                        r"(?:[（(][^）)]{1,8}[）)])*$")
_ORG = re.compile(r"^[\u4e00-\u9fa5（）()]{2,40}?(?:人民政府(?:办公室|办公厅)?|街道办事处|局|委员会|办公室|管理委员会|管委会|中心|厅|所)$")
_PLACE = re.compile(r"^(.{1,14}?(?:省|自治区|自治州|市|县|自治县|旗|区|镇|乡|街道))")

MAJOR_WORDS = r"方案|规划|决策|征收补偿|补偿安置|价格调整|调价|选址|重大项目|建设项目|实施计划"
NORMATIVE_WORDS = r"办法|规定|细则|意见|通知|措施|规则|决定|政策|守则|指引|标准"


def _lines(text: str) -> list[str]:
    return [s for s in map(strip_markup, (text or "").splitlines()) if s]


def is_title(line: str) -> bool:
    """Whether a line reads as a document's title (…办法, …方案（送审稿）), not a body line or a header."""
    return not (line.endswith("文件") or _DOC_NO.search(line) or line.startswith("第") or len(line) > 60) \
        and bool(_TITLE_END.search(line))


def infer_title(text: str) -> str:
    """The draft's title: the 关于印发《…》的通知 inner title, or the first title-like line (+ 送审稿 mark)."""
    lines = _lines(text)[:15]
    for line in lines:
        m = NOTICE.search(line)
        if m:
            return m.group(1)
    for i, line in enumerate(lines):
        if is_title(line):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            return line + nxt if DRAFT_MARK.fullmatch(nxt) else line
    # A sentence is no title (a one-line file of citations would otherwise hide them as "the draft's own title").
    return lines[0][:60] if lines and not lines[0].endswith(("。", "；", "！", "？")) else "（未命名文件）"


def infer_issuer(title: str, text: str) -> str | None:
    """The issuer: the 落款, a header line (××文件), "××关于…" in the title, else the place in the title."""
    lines = _lines(text)
    tail = lines[-4:]
    for i, line in enumerate(tail):
        nxt = tail[i + 1] if i + 1 < len(tail) else ""
        if _ORG.match(line) and (not nxt or date_line(nxt)):
            return line
    for line in lines[:4]:
        if line.endswith("文件") and _ORG.match(line[:-2]):
            return line[:-2]
        if line.endswith("规范性文件") and _ORG.match(line[:-5]):
            return line[:-5]
        if _ORG.match(line):
            return line
        m = re.match(r"^(.{2,40}?)关于", line)
        if m and _ORG.match(m.group(1)):
            return m.group(1)
    m = re.match(r"^(.{2,40}?)关于", title or "")
    if m and _ORG.match(m.group(1)):
        return m.group(1)
    return _place_issuer(title)


def _place_issuer(title: str) -> str | None:
    m = _PLACE.match(title or "")
    if m:
        place = m.group(1)
        return place + ("办事处" if place.endswith("街道") else "人民政府")
    return None


def detect_doc_type(title: str, text: str) -> tuple[DocType, str]:
    """normative or major_decision, with the reason (shown in the report as "detected")."""
    t = title or ""
    m = NOTICE.search(t)
    if m:
        t = m.group(1)
    t = re.sub(r"[（(][^）)]*[）)]$", "", t)
    articles = len(parse_articles(text or "")) >= 3
    major = re.search(MAJOR_WORDS, t)
    normative = re.search(NORMATIVE_WORDS, t)
    if major and not (normative and normative.start() > major.start()):
        return DocType.MAJOR_DECISION, f"标题含“{major.group(0)}”，按重大行政决策审查"
    if normative:
        shape = "按条文组织" if articles else "未按条文组织"
        return DocType.NORMATIVE, f"标题含“{normative.group(0)}”且{shape}，按行政规范性文件审查"
    if articles:
        return DocType.NORMATIVE, "草案按条文组织，按行政规范性文件审查"
    return DocType.NORMATIVE, "未能从标题判断文件类型，按行政规范性文件审查（可用 --type 指定）"


def _issuer_from_materials(place_guess: str | None, materials: list[Material]) -> str | None:
    """When only the place is known: a department's own 局务会议/委务会议 in the materials makes the signing
    department the issuer; otherwise the place's government (it deliberates in its 常务会议)."""
    for m in materials:
        text = m.text or ""
        if re.search(r"(?:提交|提请|经)[^，。；]{0,12}(?:局务会|委务会|局长办公会|主任办公会|党组会议)", text):
            for line in reversed(_lines(text)[-4:]):
                if _ORG.match(line) and not line.endswith("人民政府"):
                    return line
    return place_guess


def _read_material(path: Path, shown: str) -> tuple[Material, dict[str, str] | None]:
    try:
        doc = read_document(path)
    except InputError as exc:
        return Material(name=shown, kinds=[], error=str(exc)), {"file": shown, "reason": str(exc)}
    except Exception as exc:  # a reader bug must not stop the review of the other materials
        reason = f"无法读取（{type(exc).__name__}: {exc}）"
        return Material(name=shown, kinds=[], error=reason), {"file": shown, "reason": reason}
    return Material(name=shown, text=doc.text), None


def _issuer(title: str, text: str, materials: list[Material]) -> str | None:
    found = infer_issuer(title, text)
    if found and found == _place_issuer(title):  # only the place was known
        return _issuer_from_materials(found, materials)
    return found


def _too_long(chars: int, limit: int) -> InputError:
    return InputError(f"草案和材料合计至少 {chars:,} 字，超过一次审查 {limit:,} 字的上限（设置 review.max_chars）。"
                      "请只附必要的材料，或拆分草案后分别审查。")


def _build(draft: Path, draft_shown: str, materials: list[tuple[Path, str]], *, doc_type: DocType | None,
           stage: Stage, issuer: str | None, title: str | None) -> Dossier:
    try:
        doc = read_document(draft)
    except InputError as exc:
        raise InputError(f"草案无法读取：{exc}") from exc
    limit, chars = get_settings().review.max_chars, len(doc.text)
    if chars > limit:
        raise _too_long(chars, limit)
    mats: list[Material] = []
    unreadable: list[dict[str, str]] = []
    for path, shown in materials:
        m, bad = _read_material(path, shown)
        chars += len(m.text or "")
        if chars > limit:  # checked as each file is read: no number of materials makes a review run long
            raise _too_long(chars, limit)
        mats.append(m)
        if bad:
            unreadable.append(bad)
    title = title or infer_title(doc.text)
    detected = doc_type is None
    if doc_type is None:
        doc_type, _ = detect_doc_type(title, doc.text)
    return Dossier(
        title=title, draft_name=draft_shown, draft_text=doc.text, paragraphs=list(doc.paragraphs),
        doc_type=doc_type, doc_type_detected=detected, stage=stage,
        issuer=issuer or _issuer(title, doc.text, mats), review_date=review_date_of(doc.text, mats),
        materials=classified(mats), unreadable=unreadable,
    )


def _in_case(case_dir: Path, name: str, what: str) -> Path:
    """A file case.json names, which must lie inside the case folder once links and `..` are resolved."""
    path = case_dir / str(name)
    if not within(case_dir, path):
        raise InputError(f"case.json 写明的{what} {name} 位于案件文件夹之外，出于安全考虑拒绝读取。"
                         "请把文件放进案件文件夹，并在 case.json 中写相对路径。")
    return path


def load_case(case_dir: Path, *, doc_type: DocType | None = None, stage: Stage | None = None) -> Dossier:
    """A case folder: case.json names the draft, the materials, the type, the stage, the issuer and the title
    (`doc_type` and `stage` given here replace what it says)."""
    case_dir = Path(case_dir)
    if not case_dir.is_dir():
        raise InputError(f"找不到案件文件夹：{case_dir}。请检查路径。")
    spec_file = case_dir / "case.json"
    if not spec_file.is_file():
        raise InputError(
            f"文件夹 {case_dir.name} 中没有 case.json。请添加 case.json（写明 draft、materials、doc_type、stage），"
            "或直接指定草案文件：fashen review 草案.docx -m 起草说明.docx -m 征求意见情况.docx")
    try:
        spec = json.loads(spec_file.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{spec_file.name} 不是有效的 JSON（{exc}）。请修正后重试。") from exc
    if not isinstance(spec, dict):
        raise InputError(f"{spec_file.name} 应当是一个 JSON 对象（{{\"draft\": …, \"materials\": […]}}）。")
    draft_name = spec.get("draft")
    if not draft_name:
        candidates = sorted(p for p in case_dir.glob("draft.*") if p.is_file())
        if not candidates:
            raise InputError(f"{spec_file.name} 没有写明草案（\"draft\"），文件夹中也没有 draft.* 文件。")
        draft_name = candidates[0].name
    draft = _in_case(case_dir, draft_name, "草案")
    if not draft.is_file():
        raise InputError(f"{spec_file.name} 写明的草案 {draft_name} 不存在。请检查文件名。")
    names = spec.get("materials")
    if names is None:
        folder = case_dir / "materials"
        names = [str(p.relative_to(case_dir)) for p in sorted(folder.iterdir()) if p.is_file()] if folder.is_dir() else []
    materials = [(_in_case(case_dir, n, "材料"), Path(n).name) for n in names]
    try:  # case.json is a boundary: its type and stage are parsed here, once
        doc_type = doc_type or (DocType.parse(spec["doc_type"]) if spec.get("doc_type") else None)
        stage = stage or Stage.parse(spec.get("stage") or Stage.REVIEW)
    except InputError as exc:
        raise InputError(f"{spec_file.name}：{exc}") from None
    return _build(draft, Path(draft_name).name, materials, doc_type=doc_type, stage=stage,
                  issuer=spec.get("issuer"), title=spec.get("title"))


def load_files(draft: Path, materials: list[Path], *, doc_type: DocType | None = None, stage: Stage = Stage.REVIEW,
               issuer: str | None = None, title: str | None = None) -> Dossier:
    """A draft file and its material files (`fashen review draft.docx -m 起草说明.docx …`)."""
    draft = Path(draft)
    return _build(draft, draft.name, [(Path(p), Path(p).name) for p in materials], doc_type=doc_type, stage=stage,
                  issuer=issuer, title=title)
