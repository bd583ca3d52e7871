"""Start a real django-helpdesk 2.6.1 on loopback for the live tests, and stop it.

Everything comes from the project's own files: the pinned requirements next to this
module are installed into a separate venv cached under ``.cache/django-helpdesk-venv``
in the repository root (``HYBRIDROUTE_TEST_CACHE`` moves the cache). The venv is reused
while its stamp matches the requirements and the Python version, and rebuilt under a
file lock otherwise, so concurrent test runs never see a half-built venv.

Each server gets a fresh temporary directory with a minimal Django project (settings
per ``shared/notes/django-helpdesk-2.6.md``), a SQLite database, e-mail written to
``<workdir>/mail`` by Django's file backend, and a JSON file naming the webhook URLs.
The settings read that file on every webhook, so a test can point the webhooks at a
receiver, or at a dead port, without restarting the server.

Migrating takes a few seconds; the migrated and seeded database (staff users, the
queues ``general``, ``risk`` and ``payments``, and the ``hybridroute_tags`` custom
field) is cached beside the venv and copied for each server.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from base64 import b64encode
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "REQUIREMENTS",
    "DjangoHelpdeskServer",
    "HelpdeskSetupError",
    "ensure_venv",
    "start_django_helpdesk",
]

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
REQUIREMENTS = HERE / "requirements-django-helpdesk.txt"

USERNAME = "hybridroute"
PASSWORD = "hybridroute-test-password"
AGENT_USERNAME = "agent"
AGENT_PASSWORD = "agent-test-password"
QUEUES = {"general": "General", "risk": "Risk and fraud", "payments": "Payments"}
TAGS_FIELD = "hybridroute_tags"

PIP_TIMEOUT_S = 900
SETUP_TIMEOUT_S = 180
READY_TIMEOUT_S = 60


class HelpdeskSetupError(RuntimeError):
    """The helpdesk could not be installed or started; the message says why."""


def cache_dir() -> Path:
    """Where the venv and the seeded database template live."""
    return Path(os.environ.get("HYBRIDROUTE_TEST_CACHE", REPO_ROOT / ".cache"))


# -- the venv ----------------------------------------------------------------------------


def _stamp() -> str:
    """Identifies a venv built from these requirements with this Python."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(f"{sys.version_info[:3]}|{sys.implementation.name}".encode())
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(
    cmd: Sequence[str | os.PathLike[str]], what: str, timeout: float, cwd: Path | None = None
) -> str:
    try:
        done = subprocess.run(
            [os.fspath(c) for c in cmd],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired as exc:
        raise HelpdeskSetupError(f"{what} did not finish within {timeout:.0f} s") from exc
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-4000:]
        raise HelpdeskSetupError(f"{what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def ensure_venv() -> Path:
    """The Python of a venv with the pinned django-helpdesk, built once and cached.

    Raises
    ------
    HelpdeskSetupError
        When pip cannot install the requirements (no registry, a yanked pin...).
    """
    venv = cache_dir() / "django-helpdesk-venv"
    python = venv / "bin" / "python"
    stamp_file = venv / "hybridroute-requirements.sha256"
    expected = _stamp()
    with _locked(cache_dir() / "django-helpdesk-venv.lock"):
        if python.exists() and stamp_file.exists() and stamp_file.read_text() == expected:
            return python
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", venv], "creating the django-helpdesk venv", 120)
        _run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                REQUIREMENTS,
            ],
            f"pip install -r {REQUIREMENTS.relative_to(REPO_ROOT)}",
            PIP_TIMEOUT_S,
        )
        stamp_file.write_text(expected)  # last: a venv without it is rebuilt
    return python


# -- the Django project ------------------------------------------------------------------

SETTINGS = '''\
"""Settings of the throw-away django-helpdesk the hybridroute live tests run."""
import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "hybridroute-live-tests-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
SITE_ID = 1
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hrproject.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug",
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": BASE_DIR / "db.sqlite3",
    "OPTIONS": {"timeout": 30},
}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
LOGIN_URL = "/helpdesk/login/"

# Basic auth re-hashes the password on every request: PBKDF2 costs ~0.2 s of CPU a
# call (quirk 13). Tests only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = BASE_DIR / "mail"
DEFAULT_FROM_EMAIL = "helpdesk@example.com"

HELPDESK_TEAMS_MODE_ENABLED = False  # else it needs pinax-teams (quirk 15)
HELPDESK_WEBHOOK_TIMEOUT = 3

_WEBHOOKS = BASE_DIR / "webhooks.json"


def _webhook_urls(kind):
    try:
        return list(json.loads(_WEBHOOKS.read_text()).get(kind, []))
    except FileNotFoundError:
        return []


# Read on every webhook, so a test can move the receiver while the server runs.
HELPDESK_GET_NEW_TICKET_WEBHOOK_URLS = lambda: _webhook_urls("new_ticket")  # noqa: E731
HELPDESK_GET_FOLLOWUP_WEBHOOK_URLS = lambda: _webhook_urls("followup")  # noqa: E731

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        "helpdesk": {"handlers": ["console"], "level": "WARNING"},
    },
}
'''

URLS = """\
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
"""

MANAGE = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrproject.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""

SEED = f'''\
"""Migrate and seed: staff users, queues, the tags custom field. Prints queue ids."""
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrproject.settings")
import django

django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from helpdesk.models import CustomField, Queue

call_command("migrate", verbosity=0, interactive=False)
User = get_user_model()
for name, password in (({USERNAME!r}, {PASSWORD!r}), ({AGENT_USERNAME!r}, {AGENT_PASSWORD!r})):
    User.objects.create_user(name, f"{{name}}@example.com", password, is_staff=True)
queues = {{}}
for slug, title in {QUEUES!r}.items():
    q = Queue.objects.create(
        title=title, slug=slug, email_address=f"{{slug}}@example.com",
        allow_public_submission=False, allow_email_submission=False,
    )
    queues[slug] = q.id
CustomField.objects.create(
    name={TAGS_FIELD!r}, label="hybridroute tags", data_type="varchar",
    max_length=500, required=False, staff_only=True,
)
json.dump(queues, sys.stdout)
'''


def _template_key() -> str:
    """The seeded database depends on the installed packages and on this module."""
    return hashlib.sha256((_stamp() + SETTINGS + URLS + SEED).encode()).hexdigest()[:16]


def _write_project(workdir: Path) -> None:
    pkg = workdir / "hrproject"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "settings.py").write_text(SETTINGS)
    (pkg / "urls.py").write_text(URLS)
    (workdir / "manage.py").write_text(MANAGE)
    (workdir / "seed.py").write_text(SEED)
    (workdir / "mail").mkdir()


def _seed_database(python: Path, workdir: Path) -> dict[str, int]:
    """Copy the cached seeded database, or migrate and seed one and cache it."""
    key = _template_key()
    template = python.parents[1] / f"seeded-{key}.sqlite3"
    queues_file = template.with_suffix(".json")
    with _locked(python.parents[1] / "seeded.lock"):
        if not (template.exists() and queues_file.exists()):
            out = _run(
                [python, "seed.py"],
                "migrating and seeding django-helpdesk",
                SETUP_TIMEOUT_S,
                cwd=workdir,
            )
            queues = {str(k): int(v) for k, v in json.loads(out).items()}
            for stale in template.parent.glob("seeded-*"):
                stale.unlink()
            tmp = template.with_suffix(".tmp")
            shutil.copyfile(workdir / "db.sqlite3", tmp)
            os.replace(tmp, template)
            queues_file.write_text(json.dumps(queues))
            return queues
    shutil.copyfile(template, workdir / "db.sqlite3")
    loaded: dict[str, int] = json.loads(queues_file.read_text())
    return loaded


# -- the server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the server gets SIGTERM if the test process dies without cleaning up."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class DjangoHelpdeskServer:
    """A running django-helpdesk: where it is, who may log in, and its files."""

    base_url: str
    username: str
    password: str
    agent_username: str
    agent_password: str
    queues: dict[str, int]
    tags_field: str
    workdir: Path
    python: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def api_url(self) -> str:
        """The REST API root, ``.../helpdesk/api/``."""
        return f"{self.base_url}/helpdesk/api/"

    @property
    def mail_dir(self) -> Path:
        """Where Django's file e-mail backend writes each message sent."""
        return self.workdir / "mail"

    @property
    def log_path(self) -> Path:
        """The server's stdout and stderr."""
        return self.workdir / "server.log"

    def sent_mail(self) -> str:
        """Everything e-mailed so far, concatenated."""
        return "".join(p.read_text(errors="replace") for p in sorted(self.mail_dir.iterdir()))

    def set_webhooks(self, *, new_ticket: Sequence[str] = (), followup: Sequence[str] = ()) -> None:
        """Point the webhooks at these URLs (read by the server on every webhook)."""
        tmp = self.workdir / "webhooks.json.tmp"
        tmp.write_text(json.dumps({"new_ticket": list(new_ticket), "followup": list(followup)}))
        os.replace(tmp, self.workdir / "webhooks.json")

    def run_django(self, code: str) -> str:
        """Run Python with Django set up on the server's database; returns stdout.

        For what the API cannot do, like a customer's e-mail reply (user = None).
        """
        prelude = (
            "import os, django\n"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hrproject.settings')\n"
            "django.setup()\n"
        )
        return _run([self.python, "-c", prelude + code], "django code", 60, cwd=self.workdir)

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server log, for failure messages."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """Terminate the server (then kill it if it lingers). Safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _auth_header(username: str, password: str) -> str:
    return "Basic " + b64encode(f"{username}:{password}".encode()).decode()


def _wait_ready(server: DjangoHelpdeskServer) -> None:
    request = urllib.request.Request(
        server.api_url, headers={"Authorization": _auth_header(server.username, server.password)}
    )
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise HelpdeskSetupError(
                f"django-helpdesk exited with {server.process.returncode} before it answered:\n"
                + server.log_tail()
            )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            raise HelpdeskSetupError(
                f"django-helpdesk answered {exc.code} to {server.api_url}:\n" + server.log_tail()
            ) from exc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise HelpdeskSetupError(
        f"django-helpdesk did not answer within {READY_TIMEOUT_S} s:\n" + server.log_tail()
    )


def start_django_helpdesk(workdir: Path | None = None) -> DjangoHelpdeskServer:
    """Install (if needed), set up and start django-helpdesk; the caller stops it.

    Parameters
    ----------
    workdir : path, optional
        An empty directory for the project, database, mail and log; a new temporary
        directory by default.

    Raises
    ------
    HelpdeskSetupError
        When installing, migrating or starting fails; the message carries the output.
    """
    python = ensure_venv()
    workdir = Path(workdir or tempfile.mkdtemp(prefix="django-helpdesk-"))
    _write_project(workdir)
    queues = _seed_database(python, workdir)
    for attempt in range(3):
        port = _free_port()
        log = (workdir / "server.log").open("ab")
        process = subprocess.Popen(
            [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        log.close()
        server = DjangoHelpdeskServer(
            base_url=f"http://127.0.0.1:{port}",
            username=USERNAME,
            password=PASSWORD,
            agent_username=AGENT_USERNAME,
            agent_password=AGENT_PASSWORD,
            queues=queues,
            tags_field=TAGS_FIELD,
            workdir=workdir,
            python=python,
            process=process,
        )
        try:
            _wait_ready(server)
            return server
        except HelpdeskSetupError:
            server.stop()
            # Another process may have taken the port between our probe and runserver.
            if attempt == 2 or "already in use" not in server.log_tail():
                raise
    raise AssertionError("unreachable")
