"""The deployment of docs/deployment.md started as plain processes on this machine: PostgreSQL (audit log), one
`chroma run` server (vectors), `fashen serve --workers 2`, two `fashen app` replicas and nginx in front, as
deploy/compose.yaml runs them in containers. Each server starts from its own binary (Debian's postgresql and nginx,
chroma's CLI from the chromadb package); one that cannot start raises `Unavailable` naming what is missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.service.conftest import ROOT, free_port, stop, wait_http

NGINX_CONF = Path(ROOT) / "deploy" / "nginx.conf"


class Unavailable(Exception):
    """A server this topology needs cannot start here (the reason says which and why)."""


def _binary(name: str, *globs: str) -> str:
    found = shutil.which(name) or next((p for g in globs for p in sorted(glob.glob(g))), None)
    if not found:
        raise Unavailable(f"{name} not found (apt-get install postgresql nginx-light; pip install chromadb)")
    return found


@dataclass
class Postgres:
    """A throw-away PostgreSQL cluster on a free port, trust authentication on 127.0.0.1 only."""

    port: int = field(default_factory=free_port)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="fashen-pg-")))

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        prefix: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and no 'postgres' user to run PostgreSQL as") from None
            shutil.chown(self.folder, "postgres")
            prefix = [_binary("runuser"), "-u", "postgres", "--"]
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        initdb = _binary("initdb", "/usr/lib/postgresql/*/bin/initdb")
        pg_ctl = _binary("pg_ctl", "/usr/lib/postgresql/*/bin/pg_ctl")
        data = self.folder / "data"
        res = self._run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions")
        if res.returncode != 0:
            raise Unavailable(f"initdb failed: {res.stderr[-500:]}")
        res = self._run(pg_ctl, "-D", str(data), "-l", str(self.folder / "log"), "-w", "-t", "60", "-o",
                        f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start")
        if res.returncode != 0:
            raise Unavailable(f"PostgreSQL did not start: {res.stderr[-500:]} {self._log()}")

    def _log(self) -> str:
        log = self.folder / "log"
        return log.read_text(errors="replace")[-800:] if log.exists() else ""

    def stop(self) -> None:
        pg_ctl = shutil.which("pg_ctl") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))), None)
        if pg_ctl and (self.folder / "data" / "postmaster.pid").exists():
            self._run(pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def _ready_or_unavailable(url: str, proc: subprocess.Popen, log: Path, what: str) -> None:
    try:
        wait_http(url, proc, log, timeout=60)
    except AssertionError as exc:
        stop(proc)
        raise Unavailable(f"{what} did not start: {exc}") from None


def chroma(folder: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`chroma run` on a free port (chromadb's own server), once its heartbeat answers."""
    port = free_port()
    proc = subprocess.Popen([_binary("chroma"), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    _ready_or_unavailable(f"{url}/api/v2/heartbeat", proc, log, "chroma run")
    return proc, url


def nginx(folder: Path, api_port: int, app_ports: list[int]) -> tuple[subprocess.Popen, str]:
    """nginx in front, from deploy/nginx.conf with this machine's ports and folders in place of the compose ones."""
    binary = _binary("nginx", "/usr/sbin/nginx")
    port = free_port()
    conf = NGINX_CONF.read_text(encoding="utf-8")
    conf = conf.replace("server api:8765;", f"server 127.0.0.1:{api_port};")
    conf = conf.replace("server app-1:8501;\n    server app-2:8501;",
                        "\n    ".join(f"server 127.0.0.1:{p};" for p in app_ports))
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    assert f"127.0.0.1:{port}" in conf and f"127.0.0.1:{api_port}" in conf, "deploy/nginx.conf changed its shape"
    # Run as the current user with its own temporary folders (the packaged nginx's are root's).
    local = (f"daemon off;\nerror_log {folder}/error.log;\npid {folder}/nginx.pid;\n"
             + (f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""))
    temps = "".join(f"  {t}_temp_path {folder}/{t};\n" for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = local + conf.replace("http {\n", "http {\n" + temps, 1)
    path = folder / "nginx.conf"
    path.write_text(conf, encoding="utf-8")
    log = folder / "nginx.out"
    proc = subprocess.Popen([binary, "-p", str(folder), "-c", str(path)], stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    _ready_or_unavailable(f"{url}/nginx-health", proc, log, "nginx")
    return proc, url
