"""Who issues the draft (制定机关): the kind of body decides what it may regulate (PRIMER §4)."""

from __future__ import annotations

import re
from enum import StrEnum


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
