"""A real Neo4j Community 5.26 server for the tests, started without Docker.

The server is a small Java launcher (tests/neo4j_launcher) that runs an embedded Neo4j with Bolt on
127.0.0.1. It is built once with Maven (``target/`` is git-ignored) and rebuilt only when its pom.xml
or Java source is newer than the jar. Each ``Neo4jTestServer`` gets a fresh temp directory, a free
port and a random password for the ``neo4j`` user, so runs never share state.

Needs Java 17+ and Maven 3 on PATH; the first build downloads about 130 MB from Maven Central into
~/.m2. Smoke test: ``python tests/neo4j_server.py``.

Usage::

    with Neo4jTestServer() as server:
        driver = GraphDatabase.driver(server.uri, auth=server.auth)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j_launcher"
JAR_NAME = "neo4j-test-launcher.jar"
# Printed once by the launcher when Bolt accepts connections and the user is set up.
READY_MARKER = "MVKG_NEO4J_READY"
DEFAULT_USER = "neo4j"
# Neo4j's default dbms.security.auth_minimum_password_length.
MIN_PASSWORD_LENGTH = 8
# Enough for the test graphs; the page cache (128 MB) is off-heap on top of this. On 2 cores the
# serial GC and C1-only JIT start faster and run the short test workloads at least as fast (measured:
# ~6 s to ready, 5,000-row UNWIND/MERGE in <1 s). Pass java_opts for long benchmark runs.
DEFAULT_JAVA_OPTS = ("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
INSTALL_HINT = (
    "The Neo4j test server needs Java 17+ and Maven 3 on PATH "
    "(Debian/Ubuntu: apt-get install openjdk-17-jdk-headless maven)."
)


class Neo4jUnavailable(Exception):
    """The tools needed to build or run the Neo4j test server are missing."""


class Neo4jStartError(RuntimeError):
    """The launcher was built but the server did not come up."""


def _require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise Neo4jUnavailable(f"`{name}` not found. {INSTALL_HINT}")
    return path


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def launcher_jar() -> Path:
    """Where the build puts the runnable jar (its dependencies are in lib/ next to it)."""
    return LAUNCHER_DIR / "target" / JAR_NAME


def _launcher_sources() -> list[Path]:
    return [LAUNCHER_DIR / "pom.xml", *sorted((LAUNCHER_DIR / "src").rglob("*.java"))]


def _needs_build(jar: Path) -> bool:
    # The jar is written last (after lib/ is filled), so an existing jar means a finished build.
    if not jar.is_file() or not (jar.parent / "lib").is_dir():
        return True
    built = jar.stat().st_mtime
    return any(source.stat().st_mtime > built for source in _launcher_sources())


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    """Serialise builds across processes (e.g. pytest-xdist workers starting at once)."""
    target = LAUNCHER_DIR / "target"
    target.mkdir(exist_ok=True)
    with (target / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_launcher(*, quiet: bool = True) -> Path:
    """Build the launcher jar if it is missing or stale, and return its path.

    With ``quiet=False`` Maven's output goes to the terminal (useful for the slow first build).
    """
    _require_tool("java")
    mvn = _require_tool("mvn")
    jar = launcher_jar()
    with _build_lock():
        if not _needs_build(jar):
            return jar
        command = [mvn, "-B", "--no-transfer-progress", "package", "-DskipTests"]
        if quiet:
            command.append("-q")
        result = subprocess.run(
            command,
            cwd=LAUNCHER_DIR,
            stdin=subprocess.DEVNULL,
            capture_output=quiet,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            output = (result.stdout or "") + (result.stderr or "")
            detail = _tail(output) if quiet else "(see Maven's output above)"
            raise RuntimeError(
                f"Building the Neo4j launcher failed (mvn exit {result.returncode}):\n{detail}"
            )
    return jar


def _read_tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


class Neo4jTestServer:
    """A throw-away Neo4j server: fresh data dir, free port, random password.

    ``start()`` builds the launcher if needed, then waits for the server. ``stop()`` shuts it down
    and deletes its data. Closing the launcher's stdin also stops it, so the Java process dies with
    the Python process even if ``stop()`` is never called.
    """

    def __init__(
        self,
        *,
        user: str = DEFAULT_USER,
        password: str | None = None,
        port: int = 0,
        java_opts: Sequence[str] = DEFAULT_JAVA_OPTS,
    ) -> None:
        if password is not None and len(password) < MIN_PASSWORD_LENGTH:
            # Neo4j would refuse it only after a slow start-up; fail fast instead.
            raise ValueError(f"Neo4j passwords need at least {MIN_PASSWORD_LENGTH} characters")
        self.user = user
        self.password = password if password is not None else secrets.token_urlsafe(18)  # 24 chars
        self._port = port
        self._java_opts = tuple(java_opts)
        self._uri: str | None = None
        self._home: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._logs: list[IO[bytes]] = []

    @property
    def uri(self) -> str:
        if self._uri is None:
            raise RuntimeError("Neo4jTestServer is not started")
        return self._uri

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    @property
    def home(self) -> Path | None:
        """The server's temp directory (data/, logs/, launcher.out, launcher.err)."""
        return self._home

    def start(self, timeout: float = 180) -> Self:
        """Start the server; ``timeout`` covers start-up only, not the (first) Maven build."""
        if self._process is not None:
            raise RuntimeError("Neo4jTestServer is already started")
        jar = build_launcher()
        java = _require_tool("java")
        deadline = time.monotonic() + timeout
        self._home = Path(tempfile.mkdtemp(prefix="mvkg-neo4j-"))
        try:
            self._process = self._launch(java, jar)
            uri = self._wait_for_ready(deadline)
            self._verify_connectivity(uri, deadline)
            self._uri = uri
        except BaseException:
            self.stop()
            raise
        return self

    def _launch(self, java: str, jar: Path) -> subprocess.Popen[bytes]:
        assert self._home is not None
        # Output goes to files, not pipes: nobody reads the pipes after start-up, and a full pipe
        # would block the JVM.
        stdout = (self._home / "launcher.out").open("wb")
        stderr = (self._home / "launcher.err").open("wb")
        self._logs = [stdout, stderr]
        # The password travels in the environment so it is not visible in `ps`.
        env = {**os.environ, "MVKG_NEO4J_USER": self.user, "MVKG_NEO4J_PASSWORD": self.password}
        command = [java, *self._java_opts, "-jar", str(jar), str(self._home), str(self._port)]
        # stdin stays an open pipe for the server's lifetime: its EOF is the launcher's stop signal.
        return subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=stdout, stderr=stderr, env=env
        )

    def _wait_for_ready(self, deadline: float) -> str:
        assert self._process is not None and self._home is not None
        out = self._home / "launcher.out"
        while True:
            for line in out.read_text(errors="replace").splitlines():
                if line.startswith(READY_MARKER + " "):
                    return line.split(" ", 1)[1].strip()
            if self._process.poll() is not None:
                raise Neo4jStartError(
                    self._failure(f"the launcher exited with code {self._process.returncode}")
                )
            if time.monotonic() > deadline:
                raise Neo4jStartError(self._failure("timed out waiting for the ready line"))
            time.sleep(0.1)

    def _verify_connectivity(self, uri: str, deadline: float) -> None:
        # Imported here so that building the launcher does not need the driver.
        from neo4j import GraphDatabase
        from neo4j.exceptions import ServiceUnavailable

        while True:
            try:
                with GraphDatabase.driver(uri, auth=self.auth) as driver:
                    driver.verify_connectivity()
                return
            except ServiceUnavailable as error:
                if time.monotonic() > deadline:
                    raise Neo4jStartError(self._failure(f"Bolt not reachable: {error}")) from error
                time.sleep(0.2)

    def _failure(self, reason: str) -> str:
        assert self._home is not None
        return (
            f"Neo4j test server failed to start: {reason}\n"
            f"--- launcher stdout (tail) ---\n{_read_tail(self._home / 'launcher.out')}\n"
            f"--- launcher stderr (tail) ---\n{_read_tail(self._home / 'launcher.err')}"
        )

    def stop(self) -> None:
        """Stop the server and delete its data. Safe to call more than once."""
        process, self._process = self._process, None
        if process is not None:
            _stop_process(process)
        for log in self._logs:
            log.close()
        self._logs = []
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None
        self._uri = None

    def __enter__(self) -> Self:
        return self if self._process is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _stop_process(process: subprocess.Popen[Any]) -> None:
    """Ask politely (stdin EOF, then SIGTERM), then kill.

    Both polite ways run Neo4j's clean shutdown, which flushes the store.
    """
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    for escalate in (None, process.terminate, process.kill):
        if escalate is not None:
            escalate()
        try:
            process.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


def _smoke_test() -> None:
    from neo4j import GraphDatabase

    started = time.monotonic()
    build_launcher(quiet=False)
    print(f"launcher ready in {time.monotonic() - started:.1f}s: {launcher_jar()}")
    started = time.monotonic()
    with Neo4jTestServer() as server:
        print(
            f"server up in {time.monotonic() - started:.1f}s at {server.uri} (user {server.user})"
        )
        with GraphDatabase.driver(server.uri, auth=server.auth) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
            assert records[0]["one"] == 1, records
            records, _, _ = driver.execute_query(
                "CALL dbms.components() YIELD name, versions, edition "
                "RETURN name, versions[0] AS version, edition"
            )
            for record in records:
                print(f"{record['name']} {record['version']} ({record['edition']})")
    print("smoke test passed")


if __name__ == "__main__":
    try:
        _smoke_test()
    except Neo4jUnavailable as error:
        sys.exit(f"skipped: {error}")
