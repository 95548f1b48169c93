"""Every setting is documented: a field without a description or a README row fails here."""

from pathlib import Path

from zixun.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_has_a_description_and_a_readme_row():
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} has no description"
        assert f"`ZIXUN_{name.upper()}`" in README, f"ZIXUN_{name.upper()} is not documented in README.md"


def test_environment_variables_configure_settings(monkeypatch):
    monkeypatch.setenv("ZIXUN_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("ZIXUN_INGEST_BATCH", "7")
    settings = Settings()
    assert settings.database_url == "sqlite:///elsewhere.db" and settings.ingest_batch == 7
    assert settings.with_database("postgresql://x@y/z").database_url == "postgresql://x@y/z"
