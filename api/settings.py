"""The one settings object of mvkg, read from the environment (MVKG_*) and `.env`.

Only the composition root (the CLI and the API factory) reads settings; lower layers receive
plain values. Unsafe combinations are refused at start-up rather than discovered in production.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_STORE = "sqlite:///mvkg-data/graph.db"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MIN_API_KEY_LENGTH = 16
WEAK_NEO4J_PASSWORDS = frozenset({"neo4j", "password", "changeme", "test", "admin"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MVKG_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    store: str = Field(
        DEFAULT_STORE,
        description="sqlite:///path/to/graph.db (embedded) or neo4j://user:password@host:7687",
    )
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated keys that write endpoints accept (X-API-Key header).",
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    max_upload_bytes: int = Field(50 * 1024 * 1024, ge=1024)
    request_timeout_seconds: float = Field(60.0, gt=0)
    rdf_base: str = Field(
        "https://mvkg.example.org/id/",
        description="Base of the URIs of RDF exports and the SPARQL view (ends with / or #).",
    )
    sparql_timeout_seconds: float = Field(20.0, gt=0, le=300)
    sparql_max_rows: int = Field(10_000, ge=1, le=1_000_000)

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @field_validator("api_keys")
    @classmethod
    def _strong_keys(cls, keys: list[str]) -> list[str]:
        weak = [k for k in keys if len(k) < MIN_API_KEY_LENGTH]
        if weak:
            raise ValueError(
                f"MVKG_API_KEYS holds {len(weak)} key(s) shorter than {MIN_API_KEY_LENGTH} "
                'characters; generate one with: python -c "import secrets; '
                'print(secrets.token_urlsafe(32))"'
            )
        return keys

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        from urllib.parse import urlsplit

        if self.host not in LOOPBACK_HOSTS and not self.api_keys:
            raise ValueError(
                f"MVKG_HOST={self.host} exposes the API beyond this machine, but no MVKG_API_KEYS "
                "are set, so write endpoints would have no key to check. Set MVKG_API_KEYS or "
                "bind to 127.0.0.1."
            )
        password = urlsplit(self.store).password
        if password is not None and password in WEAK_NEO4J_PASSWORDS:
            raise ValueError(
                "MVKG_STORE uses a default or weak Neo4j password; choose a real one "
                "(and the same in NEO4J_AUTH for docker compose)."
            )
        return self

    @cached_property
    def redacted_store(self) -> str:
        from graph.store import redact_url

        return redact_url(self.store)
