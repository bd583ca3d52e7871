"""``load_config``: the service's TOML file, with secrets read from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

import hybridroute as hr
from hybridroute.adapters.django_helpdesk import parse_django_helpdesk_webhook
from hybridroute.service import load_config, parse_hybridroute_event
from hybridroute.testing.sqlite_helpdesk import SqliteHelpdesk

FULL = """
[service]
database = "data/service.db"
host = "0.0.0.0"
port = 9090
max_body_bytes = 5000
admin_token_env = "TEST_ADMIN_TOKEN"

[router]
factory = "hybridroute.demo.service:build_router"

[adapter]
factory = "hybridroute.testing.sqlite_helpdesk:SqliteHelpdesk"
options = { path = "desk.db", public_option = 3 }
env = { token = "TEST_DESK_TOKEN" }

[[endpoints]]
name = "zendesk"
scheme = "zendesk"
secret_env = "TEST_ZENDESK_SECRET"

[[endpoints]]
name = "desk"
scheme = "none"
parser = "hybridroute.adapters.django_helpdesk:parse_django_helpdesk_webhook"
"""

MINIMAL = """
[router]
factory = "hybridroute.demo.service:build_router"

[adapter]
factory = "hybridroute.testing.sqlite_helpdesk:SqliteHelpdesk"

[[endpoints]]
name = "hr"
secret_env = "TEST_HR_SECRET"
"""

SECRETS = {
    "TEST_ADMIN_TOKEN": "admin-token",
    "TEST_DESK_TOKEN": "desk-token",
    "TEST_ZENDESK_SECRET": "zendesk-secret",
    "TEST_HR_SECRET": "hr-secret",
}


@pytest.fixture()
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conf" / "service.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_file(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    config = load_config(write(tmp_path, FULL))
    assert config.database == tmp_path / "conf" / "data" / "service.db"  # next to the file
    assert (config.host, config.port) == ("0.0.0.0", 9090)
    assert config.router_factory == "hybridroute.demo.service:build_router"
    assert config.adapter_factory == "hybridroute.testing.sqlite_helpdesk:SqliteHelpdesk"
    settings = config.settings
    assert (settings.max_body_bytes, settings.admin_token) == (5000, "admin-token")
    assert settings.run_worker is True
    assert list(settings.endpoints) == ["zendesk", "desk"]
    zendesk, desk = settings.endpoints["zendesk"], settings.endpoints["desk"]
    assert (zendesk.name, zendesk.scheme, zendesk.secret) == (
        "zendesk",
        "zendesk",
        b"zendesk-secret",
    )
    assert zendesk.parser is parse_hybridroute_event
    assert (desk.name, desk.scheme, desk.secret) == ("desk", None, None)  # "none": unsigned
    assert desk.parser is parse_django_helpdesk_webhook


def test_secrets_come_from_the_environment(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    config = load_config(write(tmp_path, FULL))
    # the file names the variable; its value joins the adapter's plain options
    assert config.adapter_options == {"path": "desk.db", "public_option": 3, "token": "desk-token"}
    assert config.settings.endpoints["zendesk"].secret == b"zendesk-secret"
    env.setenv("TEST_ZENDESK_SECRET", "rotated")
    env.setenv("TEST_ADMIN_TOKEN", "rotated-token")
    reloaded = load_config(write(tmp_path, FULL)).settings
    assert reloaded.endpoints["zendesk"].secret == b"rotated"
    assert reloaded.admin_token == "rotated-token"


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("TEST_DESK_TOKEN", "adapter option 'token': environment variable TEST_DESK_TOKEN"),
        ("TEST_ZENDESK_SECRET", "endpoint 'zendesk' secret: environment variable TEST_ZENDESK"),
    ],
)
def test_a_missing_or_empty_secret_names_its_variable(
    tmp_path: Path, env: pytest.MonkeyPatch, variable: str, message: str
) -> None:
    path = write(tmp_path, FULL)
    env.delenv(variable)
    with pytest.raises(hr.UsageError, match=message + ".* is not set"):
        load_config(path)
    env.setenv(variable, "")
    with pytest.raises(hr.UsageError, match=message + ".* is not set"):
        load_config(path)


def test_without_its_variable_the_admin_token_is_off(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    env.delenv("TEST_ADMIN_TOKEN")
    assert load_config(write(tmp_path, FULL)).settings.admin_token is None  # hand-back disabled


@pytest.mark.parametrize("value", ["", "  "])
def test_an_admin_token_variable_set_but_empty_is_a_startup_error(
    tmp_path: Path, env: pytest.MonkeyPatch, value: str
) -> None:
    env.setenv("TEST_ADMIN_TOKEN", value)
    with pytest.raises(hr.UsageError, match="TEST_ADMIN_TOKEN is set but empty"):
        load_config(write(tmp_path, FULL))


def test_the_http_edge_limits_are_configurable(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    limits = "replay_window_seconds = 60\nmax_concurrent_bodies = 8\nbody_read_timeout = 2.5\n"
    text = FULL.replace("[service]\n", "[service]\n" + limits)
    settings = load_config(write(tmp_path, text)).settings
    assert (
        settings.replay_window_seconds,
        settings.max_concurrent_bodies,
        settings.body_read_timeout,
    ) == (60.0, 8, 2.5)
    defaults = load_config(write(tmp_path, MINIMAL)).settings
    assert defaults.replay_window_seconds == 300.0  # five minutes


@pytest.mark.parametrize("value", ["0", "-5", '"300"', "true"])
def test_a_replay_window_that_is_not_a_positive_number_is_refused(
    tmp_path: Path, env: pytest.MonkeyPatch, value: str
) -> None:
    text = FULL.replace("[service]\n", f"[service]\nreplay_window_seconds = {value}\n")
    with pytest.raises(
        hr.UsageError, match=r"\[service\] replay_window_seconds: must be a positive number"
    ):
        load_config(write(tmp_path, text))


def test_defaults(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert config.database == tmp_path / "conf" / "hybridroute.db"
    assert (config.host, config.port) == ("127.0.0.1", 8080)
    assert config.adapter_options == {}
    settings = config.settings
    assert (settings.max_body_bytes, settings.admin_token, settings.run_worker) == (
        1_000_000,
        None,
        True,
    )
    [endpoint] = settings.endpoints.values()
    assert (endpoint.name, endpoint.scheme, endpoint.secret) == ("hr", "hybridroute", b"hr-secret")
    assert endpoint.parser is parse_hybridroute_event


def test_an_absolute_database_path_is_kept(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    database = tmp_path / "elsewhere" / "s.db"
    config = load_config(write(tmp_path, f'[service]\ndatabase = "{database}"\n' + MINIMAL))
    assert config.database == database


def test_build_adapter_passes_the_options(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    path = tmp_path / "desk.db"
    text = MINIMAL.replace(
        'SqliteHelpdesk"\n', f'SqliteHelpdesk"\noptions = {{ path = "{path}" }}\n'
    )
    adapter = load_config(write(tmp_path, text)).build_adapter()
    assert isinstance(adapter, SqliteHelpdesk) and adapter.path == path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "does not exist"),
        ("[router\n", "is not valid TOML"),
        (MINIMAL.replace("[router]", "[routr]"), "lacks 'router'; see docs/deploy.md"),
        (MINIMAL.split("[[endpoints]]")[0], "lacks 'endpoints'"),
        (MINIMAL.replace("demo.service:", "demo.service."), "should look like 'package.module:"),
    ],
)
def test_a_broken_file_is_a_usage_error(
    tmp_path: Path, env: pytest.MonkeyPatch, text: str | None, message: str
) -> None:
    path = tmp_path / "missing.toml" if text is None else write(tmp_path, text)
    with pytest.raises(hr.UsageError, match=message):
        config = load_config(path)
        config.build_router()  # the router factory is imported when it is built


def test_http_options_come_from_the_adapter_table(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    from hybridroute.adapters import HttpOptions, RetryPolicy

    text = MINIMAL.replace(
        'SqliteHelpdesk"\n',
        'SqliteHelpdesk"\nhttp = { timeout = 2.5, retry = { max_attempts = 2, max_wait = 1 } }\n',
    )
    options = load_config(write(tmp_path, text)).adapter_options
    assert options == {
        "http": HttpOptions(timeout=2.5, retry=RetryPolicy(max_attempts=2, max_wait=1.0))
    }


@pytest.mark.parametrize(
    "table",
    ["{ timeout = 0 }", "{ timout = 5 }", "{ retry = { attempts = 2 } }", '"fast"'],
)
def test_bad_http_options_are_a_usage_error_that_shows_the_shape(
    tmp_path: Path, env: pytest.MonkeyPatch, table: str
) -> None:
    text = MINIMAL.replace('SqliteHelpdesk"\n', f'SqliteHelpdesk"\nhttp = {table}\n')
    with pytest.raises(hr.UsageError, match=r"\[adapter\] http must be a table like"):
        load_config(write(tmp_path, text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            MINIMAL + '[service]\ndatabse = "other.db"\n',
            r"\[service\] databse: unknown key; did you mean 'database'\? \(fix its spelling",
        ),
        (
            MINIMAL + '[service]\nport = "eighty"\n',
            r"\[service\] port: must be a whole number from 1 to 65535.*\(got 'eighty'\)",
        ),
        (
            MINIMAL + "[service]\nport = 70000\n",
            r"\[service\] port: must be a whole number from 1 to 65535.*\(got 70000\)",
        ),
        (MINIMAL + "[servce]\nport = 80\n", r"\[servce\]: unknown table; did you mean 'service'"),
        (
            MINIMAL.replace('name = "hr"', 'name = "hr"\nsceme = "zendesk"'),
            r"\[\[endpoints\]\] #1 sceme: unknown key; did you mean 'scheme'\?",
        ),
        (MINIMAL.replace('name = "hr"\n', ""), r"\[\[endpoints\]\] #1 name: missing"),
    ],
)
def test_a_typo_or_a_wrong_type_names_the_table_and_key(
    tmp_path: Path, env: pytest.MonkeyPatch, text: str, message: str
) -> None:
    # once silently ignored (the default database was used) or a raw traceback
    with pytest.raises(hr.UsageError, match=message) as info:
        load_config(write(tmp_path, text))
    assert "pydantic" not in str(info.value) and "errors.pydantic.dev" not in str(info.value)


def test_every_bad_key_is_listed_at_once(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    text = MINIMAL + '[service]\ndatabse = "other.db"\nport = 0\n'
    with pytest.raises(hr.UsageError) as info:
        load_config(write(tmp_path, text))
    message = str(info.value)
    assert message.startswith(f"config file {tmp_path / 'conf' / 'service.toml'} has 2 problems:")
    assert "[service] databse: unknown key" in message
    assert "[service] port: must be a whole number" in message


def test_an_old_timeout_option_says_where_it_moved(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    text = MINIMAL.replace('SqliteHelpdesk"\n', 'SqliteHelpdesk"\noptions = { timeout = 5 }\n')
    with pytest.raises(hr.UsageError, match=r"\['timeout'\].*http = \{ timeout = 10"):
        load_config(write(tmp_path, text))
