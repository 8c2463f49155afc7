"""知识库: what is indexed, search it, ingest local rules (uploads or a folder), mark an instrument repealed."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import streamlit as st

from webapp.common import (
    KB_TYPES, IngestProgress, generation, guard, kb_or_none, max_upload_mb, refuse_oversized, save_uploads, settings,
    uploader_limit,
)
from webapp.render import instrument_markdown, md_escape

LEVELS = ["（自动判断）", "地方性法规", "规章", "规范性文件", "内部制度", "行政法规", "法律", "司法解释", "党内法规", "其他"]


def instrument_rows(instruments: list[Any]) -> list[dict[str, Any]]:
    """One row per instrument for the table."""
    return [{
        "名称": i.title, "层级": str(i.level.value), "地区": i.region or "全国", "制定机关": i.issuer or "",
        "公布日期": i.promulgation_date, "施行日期": i.effective_date, "状态": str(i.status.value),
        "条数": i.article_count, "来源": i.provenance.source, "说明": i.status_note or "",
    } for i in instruments]


def level_bars(counts: dict[str, int]) -> str:
    """Counts as plain HTML bars (light: the page needs no chart library for this)."""
    top = max(counts.values(), default=1)
    rows = "".join(
        f'<div style="display:flex;align-items:center;gap:8px;margin:2px 0">'
        f'<span style="width:6em;white-space:nowrap">{html.escape(k)}</span>'
        f'<span style="display:inline-block;height:14px;width:{max(2, int(240 * v / top))}px;background:#b3261e;'
        f'border-radius:2px"></span><span>{v}</span></div>'
        for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    return f'<div style="font-size:14px">{rows}</div>'


def _report_ingest(result: Any) -> None:
    """Keep the outcome for the next run, then rerun so every tab shows the new knowledge base."""
    flash = [("success", f"导入完成：新增 {result.instruments_added} 部，更新 {result.instruments_updated} 部，"
               f"未变 {result.instruments_unchanged} 部；知识库共 {result.instruments} 部 {result.articles} 条"
               f"（用时 {result.seconds:.1f} 秒）。")]
    flash += [("warning", f"已跳过 {Path(s.get('file', '')).name}：{s.get('reason')}") for s in result.skipped]
    st.session_state["kb_flash"] = flash
    st.rerun()


def _show_flash() -> None:
    for kind, msg in st.session_state.pop("kb_flash", []):
        if kind == "success":
            st.success(msg, icon=":material/check_circle:")
        else:
            st.warning(md_escape(msg), icon=":material/warning:")


def build_default() -> None:
    from assistant.kb.ingest import ingest_default

    with guard("建立知识库"):
        bar = IngestProgress()
        result = ingest_default(settings(), progress=bar)
        bar.complete("完成")
        _report_ingest(result)


def overview(kb: Any) -> None:
    gen = generation()
    instruments = [i for i in kb.catalog.instruments() if i.is_current_version]  # earlier versions: 阅读全文
    n_inst, n_art = len(instruments), kb.catalog.counts()[1]
    c = st.columns(4)
    c[0].metric("法规文件", n_inst)
    c[1].metric("条文", n_art)
    c[2].metric("检索方式", "词法" if kb.embedder_name == "none" else f"混合（{kb.embedder_name}）")
    c[3].metric("建立时间", (gen.meta.get("created") or "")[:10] if gen else "—")
    st.caption(f"版本 {kb.generation.name}　·　指纹 {kb.fingerprint}")

    rows = instrument_rows(instruments)
    by_level: dict[str, int] = {}
    by_region: dict[str, int] = {}
    for r in rows:
        by_level[r["层级"]] = by_level.get(r["层级"], 0) + 1
        by_region[r["地区"]] = by_region.get(r["地区"], 0) + 1
    left, right = st.columns(2)
    with left:
        st.markdown("**按层级统计**")
        st.html(level_bars(by_level))
    with right:
        st.markdown("**按地区统计**（前 10）")
        st.html(level_bars(dict(sorted(by_region.items(), key=lambda kv: -kv[1])[:10])))

    f = st.columns(4)
    levels = f[0].multiselect("层级", sorted(by_level), key="kb_f_level", placeholder="全部")
    regions = f[1].multiselect("地区", sorted({r["地区"] for r in rows}), key="kb_f_region", placeholder="全部")
    statuses = f[2].multiselect("状态", sorted({r["状态"] for r in rows}), key="kb_f_status", placeholder="全部")
    text = f[3].text_input("名称包含", key="kb_f_text")
    shown = [r for r in rows if (not levels or r["层级"] in levels) and (not regions or r["地区"] in regions)
             and (not statuses or r["状态"] in statuses) and (not text or text in r["名称"])]
    st.caption(f"显示 {len(shown)} / {len(rows)} 部")
    st.dataframe(shown, hide_index=True, width="stretch", height=360,
                 column_config={"名称": st.column_config.TextColumn(width="large")})
    name = st.selectbox("阅读全文（目录、修订沿革、各版本）", [r["名称"] for r in shown], index=None,
                        key="kb_read", placeholder="选择法规文件")
    if name:
        from assistant.kb.reading import read

        with st.container(height=480):
            st.markdown(instrument_markdown(read(kb.catalog, name)))


def search_box(kb: Any) -> None:
    st.markdown("**检索知识库**")
    c = st.columns([4, 1, 1])
    query = c[0].text_input("检索词或条文（如：行政处罚法第十六条 / 规范性文件 设定罚款）", key="kb_query")
    k = c[1].number_input("条数", 1, 50, 10, key="kb_k")
    modes = ["hybrid", "lexical"] + ([] if kb.embedder_name == "none" else ["dense"])
    mode = c[2].selectbox("方式", modes, key="kb_mode",
                          format_func={"hybrid": "混合", "lexical": "词法", "dense": "向量"}.get)
    if not query.strip():
        return
    with guard("检索"):
        hits = kb.search(query, int(k), mode=mode)
        if not hits:
            st.info("没有找到相关条文。", icon=":material/search_off:")
        for h in hits:
            a = h.article
            tag = "　〔已废止〕" if str(a.status.value) == "已废止" else ""
            with st.expander(f"《{md_escape(a.instrument_title)}》{a.label}　·　{a.level.value}{tag}　·　{h.score:.3f}"):
                st.markdown(md_escape(a.text).replace("\n", "  \n"))
                st.caption(f"{md_escape(a.chapter)}　匹配方式：{h.matched_by}")


def ingest_section() -> None:
    from assistant.kb.ingest import ingest_paths
    from assistant.models import Level

    regions_section()
    st.markdown("**导入本地文件**（地方性法规、规章、规范性文件、内部制度；.md .txt .docx .pdf .html）")
    c = st.columns(3)
    level_label = c[0].selectbox("层级", LEVELS, key="kb_in_level")
    region = c[1].text_input("地区（如：青禾县）", key="kb_in_region")
    issuer = c[2].text_input("制定机关", key="kb_in_issuer")
    level = None if level_label == LEVELS[0] else Level(level_label)
    tab_up, tab_dir = st.tabs(["上传文件", "服务器上的文件夹"])
    with tab_up:
        files = st.file_uploader(f"选择文件（可多选，每个不超过 {max_upload_mb():g} MB）", type=KB_TYPES,
                                 accept_multiple_files=True, key="kb_upload", max_upload_size=uploader_limit())
        files = refuse_oversized(list(files or []))
        if files and st.button(f"导入这 {len(files)} 个文件", key="kb_ingest_files", type="primary"):
            with guard("导入文件"):
                paths, refused = save_uploads(files, "kb-upload")
                for msg in refused:
                    st.error(msg)
                bar = IngestProgress()
                result = ingest_paths(paths, level=level, region=region.strip() or None,
                                      issuer=issuer.strip() or None, settings=settings(), progress=bar)
                bar.complete("完成")
                _report_ingest(result)
    with tab_dir:
        folder = st.text_input("文件夹路径（在运行本系统的服务器上）", key="kb_folder")
        if folder.strip() and st.button("导入该文件夹", key="kb_ingest_folder", type="primary"):
            with guard("导入文件夹"):
                path = Path(folder.strip()).expanduser()
                bar = IngestProgress()
                result = ingest_paths([path], level=level, region=region.strip() or None,
                                      issuer=issuer.strip() or None, settings=settings(), progress=bar)
                bar.complete("完成")
                _report_ingest(result)


def regions_section() -> None:
    """Add or remove the shipped 地方性法规 of a province."""
    from assistant.kb.ingest import ingest_default
    from assistant.kb.packs import available_regions

    kb = kb_or_none()
    held = kb.regions if kb is not None else []
    st.markdown(f"**内置地方性法规**（已加入：{'、'.join(held) or '无'}）")
    c = st.columns([3, 1, 1])
    chosen = c[0].multiselect("省（市）", available_regions(), key="kb_regions", placeholder="选择省（市）")
    add = c[1].button("加入", key="kb_regions_add", disabled=not chosen)
    drop = c[2].button("移除", key="kb_regions_drop", disabled=not chosen)
    if add or drop:
        with guard("更新地方性法规"):
            bar = IngestProgress()
            result = ingest_default(settings(), progress=bar, **{"regions" if add else "drop_regions": chosen})
            bar.complete("完成")
            _report_ingest(result)


def status_section(kb: Any) -> None:
    from assistant.kb.ingest import set_instrument_status
    from assistant.models import Status

    st.markdown("**标记废止 / 恢复现行有效**（废止的文件仍可检索，并标明已废止）")
    titles = [i.title for i in kb.catalog.instruments() if i.is_current_version]
    c = st.columns([3, 2, 1])
    name = c[0].selectbox("法规文件", titles, index=None, key="kb_mark_name", placeholder="选择文件")
    note = c[1].text_input("说明（如：被某某文件废止）", key="kb_mark_note")
    new = c[2].selectbox("新状态", [Status.REPEALED.value, Status.CURRENT.value], key="kb_mark_status")
    if name and st.button("更新状态", key="kb_mark_go"):
        with guard("更新状态"):
            with st.spinner("写入新版本知识库…"):
                set_instrument_status(name, Status(new), note.strip() or None, settings())
            st.session_state["kb_flash"] = [("success", f"已将《{name}》标记为{new}。")]
            st.rerun()


def page() -> None:
    st.title("知识库")
    _show_flash()
    kb = None
    with guard("打开知识库"):
        kb = kb_or_none()
        if kb is None:
            st.warning(f"知识库尚未建立（{settings().kb_dir}）。建立默认知识库（随附的法律、行政法规和审查依据）约需几分钟。",
                       icon=":material/library_books:")
            if st.button("建立默认知识库", type="primary", key="kb_build"):
                build_default()
                kb = kb_or_none()
    if kb is None:
        return
    tabs = st.tabs(["概览", "检索", "导入", "状态"])
    with tabs[0], guard("显示知识库"):
        overview(kb)
    with tabs[1]:
        search_box(kb)
    with tabs[2]:
        ingest_section()
    with tabs[3], guard("读取法规列表"):
        status_section(kb)


if __name__ == "__main__":  # Streamlit runs page files as __main__
    page()
