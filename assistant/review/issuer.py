"""Who issues the draft (制定机关): the kind of body decides what it may regulate (PRIMER §4)."""

from __future__ import annotations

import re
from enum import StrEnum

from assistant.text.regions import region_districts


class IssuerKind(StrEnum):
    """The kind of body that issues a draft."""

    GOVERNMENT = "government"  # 县/市/区人民政府
    DEPARTMENT = "department"  # 局/委/办 of a government
    TOWN = "town"              # 镇/乡人民政府, 街道办事处
    UNKNOWN = "unknown"


def issuer_kind(issuer: str | None) -> IssuerKind:
    """镇/乡/街道 → town; …人民政府 → government; 局/委/办/中心 → department."""
    if not issuer:
        return IssuerKind.UNKNOWN
    name = issuer.strip()
    if re.search(r"(镇|乡)人民政府$|街道办事处$|(镇|乡)政府$", name):
        return IssuerKind.TOWN
    if re.search(r"人民政府(办公室|办公厅)?$", name) and not name.endswith(("办公室", "办公厅")):
        return IssuerKind.GOVERNMENT
    if re.search(r"(局|委员会|委|办公室|办|中心|厅|管委会|管理委员会|支队|大队)$", name):
        return IssuerKind.DEPARTMENT
    if name.endswith("政府"):
        return IssuerKind.GOVERNMENT
    return IssuerKind.UNKNOWN


_PROVINCES = ("北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|"
              "云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆")
_PROVINCE = re.compile(rf"^(?:中共)?({_PROVINCES})")


def province_of(issuer: str | None, title: str | None) -> str | None:
    """The province of the issuer (上海市…人民政府 → 上海; 杨浦区…局 → 上海 by the district's name), else of the
    title, else None."""
    districts = region_districts()
    for name in (issuer, title):
        name = (name or "").strip("#* ")
        m = _PROVINCE.match(name)
        if m:
            return m.group(1)
        for region, names in districts.items():
            if any(name.startswith(d) for d in names):
                return region
    return None


_PROVINCIAL_TITLE = re.compile(rf"《(?:中华人民共和国|全国|{_PROVINCES})")
_BELOW_PROVINCE = re.compile(r"^[\u4e00-\u9fa5]{1,7}?(?:区|县|旗)|^[\u4e00-\u9fa5]{1,4}(?:镇|乡)人民政府|街道办事处")


def higher_titled(text: str, issuer: str | None) -> bool:
    """Whether `text` names a paper titled by the state or a province (《上海市住宅交付使用许可证》) while the issuer is a
    body below the province (上海市青浦区…): such a paper is set at that higher level, and the issuer refers to it."""
    if not issuer or not _PROVINCIAL_TITLE.search(text):
        return False
    name = _PROVINCE.sub("", issuer.strip()).lstrip("省市自治区")
    return bool(_BELOW_PROVINCE.match(name))
