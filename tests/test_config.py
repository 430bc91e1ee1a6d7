"""Config discovery, validation that names file and key, and the documented example."""

import tomllib
from pathlib import Path

import pytest

from srm import config as cfg
from srm.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_example_config_documents_every_key_with_its_default():
    text = (ROOT / ".srm.example.toml").read_text()
    data = tomllib.loads(text)
    assert set(data) == set(cfg.SPEC), "every config key appears in .srm.example.toml"
    loaded = cfg.from_dict(data, ROOT / ".srm.example.toml")
    default = cfg.Config()
    for key in cfg.SPEC:
        if key != "database":
            assert getattr(loaded, key) == getattr(default, key), key
    assert loaded.database is None
    for key in cfg.SEGMENT_SPEC:
        assert f"# {key} = " in text, f"segment key {key} is documented"


def test_example_segment_block_is_valid_when_uncommented(tmp_path):
    text = (ROOT / ".srm.example.toml").read_text()
    block = text[text.index("# [segments.") :]
    uncommented = "\n".join(line.removeprefix("# ") for line in block.splitlines())
    path = tmp_path / "c.toml"
    path.write_text(uncommented)
    assert cfg.load(path).segments["volunteers"].cadence == "monthly"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 'red'", "unknown key 'colour'"),
        ("default_cadence = 'often'", "default_cadence = 'often' is invalid"),
        ("due_window_days = -1", "due_window_days = -1 is invalid"),
        ("due_window_days = 'x'", "expected a whole number"),
        ("channels = 'email'", "channels = 'email' is invalid"),
        ("[segments.partners]\ncadense = 'monthly'", "unknown key segments.partners.cadense"),
        ("[segments.partners]\nweight = 0", "segments.partners.weight = 0 is invalid"),
        ("owner = ", "not valid TOML"),
    ],
)
def test_invalid_config_names_file_and_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as e:
        cfg.load(path)
    assert str(path) in str(e.value)
    assert message in str(e.value)


def test_broken_config_is_a_one_line_error_and_touches_no_database(srm, config_file, isolated):
    config_file("due_window = 3\n")
    r = srm.fails("contacts", code=5, match="unknown key 'due_window'")
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (isolated / "srm.db").exists()


def test_project_config_is_found_in_a_parent_directory(srm, monkeypatch, isolated):
    monkeypatch.delenv("SRM_CONFIG")
    project = isolated / "team"
    (project / "sub").mkdir(parents=True)
    (project / ".srm.toml").write_text('database = "team.db"\n')
    monkeypatch.chdir(project / "sub")
    monkeypatch.delenv("SRM_DB")
    assert srm.ok("db", "path").stdout.strip() == str(project / "team.db")


def test_database_precedence_flag_then_env_then_config(srm, config_file, isolated, monkeypatch):
    config_file('database = "from-config.db"\n')
    monkeypatch.delenv("SRM_DB")
    assert srm.ok("db", "path").stdout.strip() == str(isolated / "from-config.db")
    monkeypatch.setenv("SRM_DB", str(isolated / "from-env.db"))
    assert srm.ok("db", "path").stdout.strip() == str(isolated / "from-env.db")
    out = srm.ok("--db", str(isolated / "flag.db"), "db", "path").stdout.strip()
    assert out == str(isolated / "flag.db")


def test_default_database_is_in_the_user_data_dir(srm, isolated, monkeypatch):
    monkeypatch.delenv("SRM_DB")
    assert srm.ok("db", "path").stdout.strip() == str(isolated / "data" / "srm" / "srm.db")


def test_config_channels_extend_the_builtin_ones(srm, config_file):
    config_file('channels = ["slack"]\n')
    srm.ok("add", "Ann Lee", "--since", "2026-01-01")
    srm.ok("log", "ann", "standup", "--channel", "slack", "--on", "2026-03-01")
    srm.fails("log", "ann", "x", "--channel", "pigeon", code=2, match="slack")
