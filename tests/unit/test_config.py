"""Configuration: environment variables, development defaults and production refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import config
from portal import create_app
from portal.audit import signing

STRONG = {"SECRET_KEY": "s" * 20 + "-production-secret-key-9876543210",
          "PERSON_KEY_SECRET": "p" * 20 + "-production-person-key-0123456789"}
PUBLIC = "https://budget.example.ua"


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    """A clean environment for the production configuration, with an empty instance folder."""
    for name in (*config.SECRET_NAMES, "FLASK_DEBUG", "PUBLIC_URL", "AUDIT_SIGNING_KEY",
                 "AUDIT_SIGNING_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    return monkeypatch


def test_production_without_a_secret_key_refuses_to_start_and_says_which(production_env,
                                                                         tmp_path):
    production_env.setenv("PERSON_KEY_SECRET", STRONG["PERSON_KEY_SECRET"])
    with pytest.raises(RuntimeError) as refused:
        config.load("production")
    message = str(refused.value)
    assert "SECRET_KEY must be set in the environment" in message
    assert "PERSON_KEY_SECRET" not in message
    assert not (tmp_path / "secrets.json").exists()  # production never invents a secret


def test_production_without_any_secret_names_both(production_env):
    with pytest.raises(RuntimeError, match="SECRET_KEY.*PERSON_KEY_SECRET"):
        config.load("production")


def test_production_with_secrets_from_the_environment_starts(production_env, tmp_path):
    for name, value in STRONG.items():
        production_env.setenv(name, value)
    production_env.setenv("PUBLIC_URL", PUBLIC)
    production_env.setenv("AUDIT_SIGNING_KEY", signing.new_key_pem())
    app = create_app("production", {"DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    try:
        assert app.config["ENV_NAME"] == "production" and not app.debug
        assert app.config["SECRET_KEY"] == STRONG["SECRET_KEY"]
        assert app.config["SESSION_COOKIE_SECURE"] and app.config["MAIL_BACKEND"] == "smtp"
        # It answers its public host only: not localhost, not its own address.
        assert app.config["PUBLIC_URL"] == PUBLIC
        assert app.config["TRUSTED_HOSTS"] == ["budget.example.ua"]
    finally:
        app.extensions["portal.db"].engine.dispose()


def test_production_without_a_public_url_refuses_to_start_and_says_so(production_env):
    for name, value in STRONG.items():
        production_env.setenv(name, value)
    production_env.setenv("AUDIT_SIGNING_KEY", signing.new_key_pem())
    with pytest.raises(RuntimeError) as refused:
        create_app("production")
    assert str(refused.value) == (
        "Refusing to start in production: PUBLIC_URL must be set to the portal's public "
        "address, like https://budget.example.ua (every link in mail is built on it).")


@pytest.mark.parametrize(("value", "said"), [
    ("http://budget.example.ua", "PUBLIC_URL must start with https://"),
    ("budget.example.ua", "PUBLIC_URL must be the portal's address, like "
                          "https://budget.example.ua (got 'budget.example.ua')"),
    ("https://", "PUBLIC_URL must be the portal's address"),
    ("https://budget.example.ua/?next=1", "PUBLIC_URL must be the portal's address"),
    ("https://budget.example.ua:99999", "PUBLIC_URL must be the portal's address"),
    ("https://user@budget.example.ua", "PUBLIC_URL must be the portal's address"),
])
def test_production_refuses_a_public_url_that_is_not_an_https_address(production_env, value,
                                                                      said):
    for name, secret in STRONG.items():
        production_env.setenv(name, secret)
    production_env.setenv("PUBLIC_URL", value)
    with pytest.raises(RuntimeError, match="^Refusing to start in production: ") as refused:
        config.load("production")
    assert said in str(refused.value)
    assert "Generate a secret" not in str(refused.value)  # the secrets are fine


def test_development_answers_the_developer_s_machine_under_flask_run_s_address(monkeypatch,
                                                                               tmp_path):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    app = create_app("development")
    try:
        assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"
        assert app.config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]
    finally:
        app.extensions["portal.db"].engine.dispose()


def test_development_refuses_a_malformed_public_url(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    monkeypatch.setenv("PUBLIC_URL", "ftp://budget.example.ua")
    with pytest.raises(RuntimeError, match="^Refusing to start: PUBLIC_URL must be the "
                                           "portal's address"):
        config.load("development")


@pytest.mark.parametrize("flag", ["1", "true"])
def test_production_refuses_debug(production_env, flag):
    for name, value in STRONG.items():
        production_env.setenv(name, value)
    production_env.setenv("FLASK_DEBUG", flag)
    with pytest.raises(RuntimeError, match="debug must be off"):
        config.load("production")


def test_production_refuses_the_testing_secrets(production_env):
    for name, value in config.TESTING_SECRETS.items():
        production_env.setenv(name, value)
    with pytest.raises(RuntimeError, match="SECRET_KEY is a development or testing secret"):
        config.load("production")


def test_production_refuses_the_development_secret_of_the_instance(production_env, tmp_path):
    (tmp_path / "secrets.json").write_text(json.dumps(STRONG), encoding="utf-8")
    for name, value in STRONG.items():
        production_env.setenv(name, value)
    with pytest.raises(RuntimeError, match="development or testing secret"):
        config.load("production")


def test_production_refuses_short_secrets(production_env):
    production_env.setenv("SECRET_KEY", "short")
    production_env.setenv("PERSON_KEY_SECRET", STRONG["PERSON_KEY_SECRET"])
    with pytest.raises(RuntimeError, match="SECRET_KEY must be at least 32 characters"):
        config.load("production")


def test_production_without_an_audit_signing_key_refuses_to_start(production_env, tmp_path):
    for name, value in STRONG.items():
        production_env.setenv(name, value)
    with pytest.raises(RuntimeError, match="AUDIT_SIGNING_KEY .*must be set") as refused:
        config.load("production")
    assert "SECRET_KEY must" not in str(refused.value)
    assert not (tmp_path / config.AUDIT_KEY_FILE).exists()  # production never invents one


@pytest.mark.parametrize("key, words", [
    (config.TESTING_AUDIT_KEY, "AUDIT_SIGNING_KEY is a development or testing key"),
    ("not a key", "AUDIT_SIGNING_KEY is not an Ed25519 private key"),
    ("c2hvcnQ=", "AUDIT_SIGNING_KEY is not an Ed25519 private key"),
])
def test_production_refuses_an_unfit_audit_signing_key(production_env, key, words):
    for name, value in STRONG.items():
        production_env.setenv(name, value)
    production_env.setenv("AUDIT_SIGNING_KEY", key)
    with pytest.raises(RuntimeError, match=words):
        config.load("production")


def test_production_refuses_the_development_audit_key_of_the_instance(production_env,
                                                                      tmp_path):
    pem = signing.new_key_pem()
    (tmp_path / config.AUDIT_KEY_FILE).write_text(pem, encoding="ascii")
    for name, value in STRONG.items():
        production_env.setenv(name, value)
    production_env.setenv("AUDIT_SIGNING_KEY", pem)
    with pytest.raises(RuntimeError, match="development or testing key"):
        config.load("production")


def test_production_reads_the_audit_signing_key_from_a_file(production_env, tmp_path):
    pem = signing.new_key_pem()
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "audit.pem").write_text(pem, encoding="ascii")
    for name, value in STRONG.items():
        production_env.setenv(name, value)
    production_env.setenv("AUDIT_SIGNING_KEY_FILE", str(tmp_path / "keys" / "audit.pem"))
    production_env.setenv("PUBLIC_URL", PUBLIC)
    loaded = config.load("production")
    assert pem == loaded.AUDIT_SIGNING_KEY


def test_development_generates_the_audit_key_once_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.delenv("AUDIT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("AUDIT_SIGNING_KEY_FILE", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    first, second = config.load("development"), config.load("development")
    assert first.AUDIT_SIGNING_KEY == second.AUDIT_SIGNING_KEY
    assert signing.private_key(first.AUDIT_SIGNING_KEY)  # an Ed25519 key
    assert (tmp_path / config.AUDIT_KEY_FILE).stat().st_mode & 0o777 == 0o600


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(RuntimeError, match="Unknown PORTAL_ENV 'staging'"):
        config.load("staging")


def test_development_generates_secrets_once_and_keeps_them(monkeypatch, tmp_path):
    for name in config.SECRET_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    first, second = config.load("development"), config.load("development")
    assert first.SECRET_KEY == second.SECRET_KEY and len(first.SECRET_KEY) >= 32
    assert first.PERSON_KEY_SECRET != first.SECRET_KEY
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("raw, expected", [
    ("Бахмут", ("Бахмут",)),
    ("Бахмут, Опитне ,Іванівське,", ("Бахмут", "Опитне", "Іванівське")),
    (" , ", ()),
])
def test_list_settings_are_comma_separated(monkeypatch, raw, expected):
    monkeypatch.setenv("COMMUNITY_LOCALITIES", raw)
    assert config.env_list("COMMUNITY_LOCALITIES", "Бахмут") == expected


def test_the_community_localities_default_to_bakhmut(monkeypatch):
    monkeypatch.delenv("COMMUNITY_LOCALITIES", raising=False)
    assert config.env_list("COMMUNITY_LOCALITIES", "Бахмут") == ("Бахмут",)


def development_settings(monkeypatch, tmp_path: Path, **env: str) -> dict:
    """What a development app created now reads from ``env`` (and nothing else)."""
    for name in ("DATABASE_URL", "COMMUNITY_LOCALITIES", "MAIL_BACKEND", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"PORTAL_INSTANCE": str(tmp_path), "PORTAL_ENV": "development",
                        **env}.items():
        monkeypatch.setenv(name, value)
    app = create_app("development")
    try:
        return {"url": app.config["DATABASE_URL"],
                "dialect": app.extensions["portal.db"].engine.dialect.name,
                "localities": list(app.config["COMMUNITY_LOCALITIES"]),
                "mail": [app.config["MAIL_BACKEND"], app.config["MAIL_OUTBOX"]]}
    finally:
        app.extensions["portal.db"].engine.dispose()


def test_development_defaults_to_sqlite_and_an_outbox_under_the_instance(monkeypatch, tmp_path):
    settings = development_settings(monkeypatch, tmp_path)
    assert settings["url"] == f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    assert settings["dialect"] == "sqlite"
    assert settings["localities"] == ["Бахмут"]
    assert settings["mail"] == ["outbox", str(tmp_path / "outbox")]


def test_database_url_selects_postgresql_and_localities_come_from_the_environment(monkeypatch,
                                                                                  tmp_path):
    settings = development_settings(
        monkeypatch, tmp_path, DATABASE_URL="postgresql+psycopg://portal@127.0.0.1:5432/portal",
        COMMUNITY_LOCALITIES="Бахмут, Опитне")
    assert settings["dialect"] == "postgresql"
    assert settings["localities"] == ["Бахмут", "Опитне"]


def test_the_environment_is_read_when_the_app_is_created_not_at_import(monkeypatch, tmp_path):
    first = development_settings(monkeypatch, tmp_path / "a", COMMUNITY_LOCALITIES="Бахмут")
    second = development_settings(monkeypatch, tmp_path / "b", COMMUNITY_LOCALITIES="Опитне")
    assert first["localities"] == ["Бахмут"] and second["localities"] == ["Опитне"]
    assert second["url"] == f"sqlite:///{tmp_path / 'b' / 'portal.sqlite3'}"


def test_the_idle_time_of_sessions_is_two_hours_unless_the_environment_says(monkeypatch):
    from datetime import timedelta

    def idle_time() -> timedelta:
        return config.load("testing").SESSION_IDLE_TIMEOUT

    monkeypatch.delenv("SESSION_IDLE_MINUTES", raising=False)
    assert idle_time() == timedelta(hours=2)
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "20")
    assert idle_time() == timedelta(minutes=20)


def test_uploads_are_kept_on_disk_unless_the_environment_chooses_a_place(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    for name in ("UPLOAD_STORAGE", "UPLOAD_FOLDER", "UPLOAD_S3_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = config.load("development")
    assert settings.UPLOAD_STORAGE == "disk"
    assert Path(settings.UPLOAD_FOLDER) == tmp_path / "uploads"
    assert settings.UPLOAD_S3_ENDPOINT_URL == ""
    monkeypatch.setenv("UPLOAD_STORAGE", "s3://portal-files/bakhmut/uploads")
    monkeypatch.setenv("UPLOAD_S3_ENDPOINT_URL", "https://s3.example.ua")
    settings = config.load("development")
    assert settings.UPLOAD_STORAGE == "s3://portal-files/bakhmut/uploads"
    assert settings.UPLOAD_S3_ENDPOINT_URL == "https://s3.example.ua"
    monkeypatch.setenv("UPLOAD_STORAGE", "database")
    assert config.load("development").UPLOAD_STORAGE == "database"


@pytest.mark.parametrize("value", ["ftp://files.example.ua", "s3://", "s3://Portal_Files",
                                   "s3://portal-files/../elsewhere", "databse", "disk:/srv"])
def test_an_upload_storage_that_is_none_of_those_known_refuses_to_start(monkeypatch, tmp_path,
                                                                         value):
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    monkeypatch.setenv("UPLOAD_STORAGE", value)
    with pytest.raises(RuntimeError, match="UPLOAD_STORAGE must be disk, database or "
                                           "s3://bucket/prefix"):
        config.load("development")
