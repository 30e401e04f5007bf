"""The machinery of the hostile-input harness: run zxkb as a subprocess with a
timeout (a hang is recorded, not waited out), measure the child's peak memory,
and classify what came back.

Black box on purpose: nothing here imports zxkb. The CLI is driven through
its documented commands, options, exit codes and JSON; sqlite3 is used only
for schema-agnostic checks (PRAGMA integrity_check, the file header) and to
damage databases on purpose.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import pty
import resource
import shlex
import shutil
import signal
import sqlite3
import struct
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Arg = str | bytes
GB_KB = 1024 * 1024  # ru_maxrss is in KB on Linux

# Failure kinds. The summary has a column for the first five; the rest are "other".
TRACEBACK = "traceback"
HANG = "hang"
WRONG_EXIT = "wrong_exit"
DATA_LOST = "data_lost"
INTERNAL = "internal_error"
NO_HINT = "no_error_hint"
ESCAPE = "escape_leaked"
MARKUP_SHOWN = "markup_interpreted"
MEMORY = "memory"
DB_WRITTEN = "read_wrote_db"
SLOW = "slow"
BAD_JSON = "bad_json"
CRASH = "killed_by_signal"
INCONSISTENT = "inconsistent_report"
DUPLICATE = "duplicate_docs"
SETUP = "harness_setup"
MAIN_KINDS = (TRACEBACK, HANG, WRONG_EXIT, DATA_LOST, INTERNAL)

# Raw sequences a report or a query can hold that must never reach a terminal.
# In pipe mode zxkb has no reason to write ESC at all; under a pty Rich writes its
# own SGR colours, so only these are looked for there.
LEAKS = (b"\x1b]", b"\x1b[2J", b"\x07", b"\xc2\x9b", b"\x1bP", b"\x1b_")


@dataclass
class Outcome:
    """One finished (or killed) command."""

    argv: list[Arg]
    shown: str
    code: int | None  # None: killed at the timeout
    stdout: bytes
    stderr: bytes
    seconds: float
    max_rss_kb: int
    pty: bool = False

    @property
    def hung(self) -> bool:
        return self.code is None

    def json(self) -> Any:
        return json.loads(self.stdout.decode("utf-8"))

    def err(self) -> str:
        return self.stderr.decode("utf-8", "backslashreplace")


@dataclass
class Failure:
    kind: str
    why: str
    command: str = ""
    exit_code: int | None = None
    stderr: str = ""


def show_arg(arg: Arg, tmp: str = "") -> str:
    """An argument as it can be shown in a report: control and invalid bytes
    escaped, long ones cut, the temp root written $TMP."""
    text = os.fsdecode(arg) if isinstance(arg, bytes) else arg
    if tmp:
        text = text.replace(tmp, "$TMP")
    n = len(text)
    if n > 60:
        text = text[:40]
    out = []
    for ch in text:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{o - 0xDC00:02x}")
        elif ch.isprintable() and not (0xD800 <= o <= 0xDFFF):
            out.append(ch)
        elif o < 0x100:
            out.append(f"\\x{o:02x}")
        else:
            out.append(f"\\u{o:04x}")
    shown = "".join(out)
    if n > 60:
        shown += f"…({n} chars)"
    return shlex.quote(shown) if shown else "''"


def show_argv(argv: Sequence[Arg], tmp: str = "") -> str:
    parts = list(argv)
    if len(parts) > 14:
        head = " ".join(show_arg(a, tmp) for a in parts[:10])
        return f"zxkb {head} … ({len(parts)} arguments)"
    return "zxkb " + " ".join(show_arg(a, tmp) for a in parts)


def sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def listing(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


def header_journal(path: Path) -> str | None:
    """'wal' or 'rollback' from the SQLite header (bytes 18-19), without opening the db."""
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except OSError:
        return None
    if len(head) < 20 or not head.startswith(b"SQLite format 3\x00"):
        return None
    return "wal" if head[18:20] == b"\x02\x02" else "rollback"


def integrity(path: Path) -> str:
    """PRAGMA integrity_check of a copy (the original is left alone): 'ok' or the first problem."""
    with tempfile.TemporaryDirectory(prefix="zxkb-ic-") as d:
        copy = Path(d) / "copy.db"
        try:
            shutil.copyfile(path, copy)
            for suffix in ("-wal", "-shm"):
                side = Path(str(path) + suffix)
                if side.exists():
                    shutil.copyfile(side, Path(str(copy) + suffix))
            conn = sqlite3.connect(copy)
            try:
                rows = conn.execute("PRAGMA integrity_check").fetchall()
            finally:
                conn.close()
        except (OSError, sqlite3.Error) as exc:
            return f"{type(exc).__name__}: {exc}"
    first = str(rows[0][0]) if rows else "no answer"
    return "ok" if first == "ok" else first[:200]


def han(text: str) -> int:
    """How many CJK ideographs a text holds: the measure of "is the stored text all there"."""
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


class Harness:
    """Runs zxkb; shared by every case (thread-safe)."""

    def __init__(self, zxkb: str, timeout: float, tmp: Path, slow: float, mem_limit_mb: int) -> None:
        self.zxkb = zxkb
        self.timeout = timeout
        self.tmp = tmp
        self.slow = slow
        self.mem_limit = mem_limit_mb * 1024 * 1024
        self.is_root = os.geteuid() == 0
        home = tmp / "home"
        (home / ".local" / "share").mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZXKB_")}
        for k in ("FORCE_COLOR", "NO_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "PYTHONWARNINGS"):
            env.pop(k, None)
        # the default database must never be the user's own
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"), COLUMNS="120", LC_ALL="C.UTF-8")
        env["TERM"] = "xterm-256color"
        (tmp / "childtmp").mkdir(exist_ok=True)
        env["TMPDIR"] = str(tmp / "childtmp")  # what a killed zxkb leaves (pymp-*) goes with the temp folder
        self.env = env
        self.mounts: list[Path] = []  # tmpfs mounts a case made; unmounted at the end whatever happens
        self._lock = threading.Lock()
        self._fixtures: dict[str, Any] = {}
        self._fixture_locks: dict[str, threading.Lock] = {}

    def seed_db(self) -> Path:
        """The seed report ingested into a database (built once; copy it before use)."""
        db: Path = self.fixture("base-db", lambda: _base_db(self))
        return db

    # -- fixtures built once and shared (each case copies what it changes) --
    def fixture(self, key: str, build: Callable[[], Any]) -> Any:
        with self._lock:
            lock = self._fixture_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._fixtures:
                self._fixtures[key] = build()
            return self._fixtures[key]

    def start(
        self,
        argv: Sequence[Arg],
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        use_pty: bool = False,
    ) -> Running:
        return Running(self, list(argv), cwd=cwd, env=env, use_pty=use_pty)

    def run(
        self,
        argv: Sequence[Arg],
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        use_pty: bool = False,
        timeout: float | None = None,
    ) -> Outcome:
        return self.start(argv, cwd=cwd, env=env, use_pty=use_pty).wait(timeout)


class Running:
    """A started zxkb process: its own session (so a hang is killed with all its
    workers), output to files (or ptys), peak RSS from wait4."""

    def __init__(
        self,
        h: Harness,
        argv: list[Arg],
        *,
        cwd: Path | None,
        env: dict[str, str] | None,
        use_pty: bool,
    ) -> None:
        self.h = h
        self.argv = argv
        self.use_pty = use_pty
        self.started = time.monotonic()
        full_env = dict(h.env)
        if env:
            full_env.update(env)
        self._threads: list[threading.Thread] = []
        self._chunks: dict[int, list[bytes]] = {1: [], 2: []}
        self._masters: list[int] = []
        if use_pty:
            fds = []
            for n in (1, 2):
                master, slave = pty.openpty()
                fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
                fds.append(slave)
                self._masters.append(master)
                t = threading.Thread(target=self._drain, args=(master, n), daemon=True)
                self._threads.append(t)
            out_fd, err_fd = fds
        else:
            self._out = tempfile.TemporaryFile()  # noqa: SIM115 (closed in wait())
            self._err = tempfile.TemporaryFile()  # noqa: SIM115
            out_fd, err_fd = self._out.fileno(), self._err.fileno()
        argv_full: list[Arg] = [h.zxkb, *argv]
        import subprocess

        self.proc = subprocess.Popen(
            argv_full,
            stdin=subprocess.DEVNULL,
            stdout=out_fd,
            stderr=err_fd,
            cwd=cwd,
            env=full_env,
            start_new_session=True,
        )
        if use_pty:
            for fd in fds:
                os.close(fd)
            for t in self._threads:
                t.start()
        with contextlib.suppress(OSError, ValueError):  # an address-space cap: a zip bomb cannot take the machine
            resource.prlimit(self.proc.pid, resource.RLIMIT_AS, (h.mem_limit, h.mem_limit))

    def running(self) -> bool:
        """Still running? (asks without reaping, so that wait() gets the child's rusage)"""
        try:
            info = os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return False
        return info is None

    def _drain(self, fd: int, n: int) -> None:
        total = 0
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            if total < 20_000_000:
                self._chunks[n].append(data)
            total += len(data)
        os.close(fd)

    def wait(self, timeout: float | None = None) -> Outcome:
        limit = self.h.timeout if timeout is None else timeout
        deadline = self.started + limit
        pause = 0.002
        status, usage = 0, None
        hung = False
        reaped_elsewhere = False
        while True:
            try:
                pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            except ChildProcessError:
                reaped_elsewhere = True
                break
            if pid:
                break
            if time.monotonic() > deadline:
                hung = True
                with contextlib.suppress(OSError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(self.proc.pid, 0)
                break
            time.sleep(pause)
            pause = min(pause * 1.5, 0.03)
        seconds = time.monotonic() - self.started
        if not reaped_elsewhere or self.proc.returncode is None:
            self.proc.returncode = os.waitstatus_to_exitcode(status)
        # workers a killed (or careless) zxkb left in its session: end them too
        if hung:
            with contextlib.suppress(OSError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        if self.use_pty:
            for t in self._threads:
                t.join(2.0)
            stdout, stderr = b"".join(self._chunks[1]), b"".join(self._chunks[2])
        else:
            stdout, stderr = self._read(self._out), self._read(self._err)
        rss = usage.ru_maxrss if usage is not None else 0
        return Outcome(
            argv=self.argv,
            shown=show_argv(self.argv, str(self.h.tmp)),
            code=None if hung else self.proc.returncode,
            stdout=stdout,
            stderr=stderr,
            seconds=seconds,
            max_rss_kb=rss,
            pty=self.use_pty,
        )

    @staticmethod
    def _read(f: Any) -> bytes:
        f.seek(0)
        data: bytes = f.read(20_000_000)
        f.close()
        return data


@dataclass
class Case:
    family: str
    name: str
    fn: Callable[[Ctx], None]
    quick: bool = False
    exclusive: bool = False  # run alone (concurrency cases start several processes)


@dataclass
class Result:
    family: str
    name: str
    failures: list[Failure] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    skipped: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


class Ctx:
    """What a case sees: its own folder, the harness, and the checks that record failures."""

    def __init__(self, h: Harness, case: Case, workdir: Path) -> None:
        self.h = h
        self.case = case
        self.dir = workdir
        self.result = Result(case.family, case.name)
        self.last: Outcome | None = None

    # -- recording --
    def fail(self, kind: str, why: str, out: Outcome | None = None) -> None:
        f = Failure(kind, why)
        if out is not None:
            f.command, f.exit_code, f.stderr = out.shown, out.code, out.err()[:500]
        elif self.last is not None:  # a check after the run: name the command it followed
            f.command, f.exit_code, f.stderr = "after: " + self.last.shown, self.last.code, self.last.err()[:500]
        self.result.failures.append(f)

    def skip(self, reason: str) -> None:
        self.result.skipped = reason

    def note(self, text: str) -> None:
        self.result.notes.append(text)

    # -- running --
    def run(
        self,
        argv: Sequence[Arg],
        expect: Iterable[int] | None = (0,),
        *,
        hint: bool = True,
        use_pty: bool = False,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        slow: float | None = None,
        timeout: float | None = None,
        json_out: bool | None = None,
    ) -> Outcome:
        out = self.h.run(argv, cwd=cwd or self.dir, env=env, use_pty=use_pty, timeout=timeout)
        self.check(out, expect, hint=hint, slow=slow, json_out=json_out)
        return out

    def start(self, argv: Sequence[Arg], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Running:
        return self.h.start(argv, cwd=cwd or self.dir, env=env)

    def check(
        self,
        out: Outcome,
        expect: Iterable[int] | None = (0,),
        *,
        hint: bool = True,
        slow: float | None = None,
        json_out: bool | None = None,
    ) -> None:
        """The checks every command gets: traceback, hang, exit code, `Error:`/`Hint:`,
        internal error, escape sequences, memory, time, parseable JSON."""
        self.result.commands.append(out.shown)
        self.last = out
        if out.hung:
            self.fail(HANG, f"no answer in {out.seconds:.0f} s (killed)", out)
            return
        assert out.code is not None
        both = out.stdout + out.stderr
        if b"Traceback (most recent call last)" in both:
            self.fail(TRACEBACK, "a Python traceback on stderr", out)
        if b"internal error" in out.stderr.lower():
            self.fail(INTERNAL, "zxkb reported an internal error (a bug caught by its last-resort handler)", out)
        allowed = set(expect) if expect is not None else None
        if out.code < 0:
            self.fail(CRASH, f"killed by signal {-out.code}", out)
        elif allowed is not None and out.code not in allowed:
            self.fail(WRONG_EXIT, f"exit {out.code}, expected {' or '.join(map(str, sorted(allowed)))}", out)
        if out.code == 2 and hint and (allowed is None or 2 in allowed):
            missing = [w for w in (b"Error:", b"Hint:") if w not in out.stderr]
            if missing:
                self.fail(NO_HINT, "exit 2 without " + " and ".join(m.decode() for m in missing) + " on stderr", out)
        wants_json = json_out if json_out is not None else (b"--json" in [_b(a) for a in out.argv])
        # JSON escapes C0 controls itself; a C1 character (U+009B) in JSON is data, not a leak
        shown = out.stderr if wants_json or _b(out.argv[0]) == b"export" else both
        if out.pty:
            leaked = [s for s in LEAKS if s in shown]
        else:
            leaked = [b"\x1b"] if b"\x1b" in both else []
            leaked += [s for s in (b"\x07", b"\xc2\x9b") if s in shown]
        if leaked:
            self.fail(ESCAPE, "raw terminal control bytes in the output: " + ", ".join(repr(s) for s in leaked), out)
        if out.max_rss_kb > GB_KB:
            self.fail(MEMORY, f"peak RSS {out.max_rss_kb / 1024:.0f} MB (over 1 GB)", out)
        limit = self.h.slow if slow is None else slow
        if out.seconds > limit:
            self.fail(SLOW, f"took {out.seconds:.1f} s (more than {limit:.0f} s)", out)
        if wants_json and out.code in (0, 1) and not out.pty:
            lines = out.stdout.splitlines() if _b(out.argv[0]) == b"export" else [out.stdout]
            try:
                for line in lines:
                    if line.strip():
                        json.loads(line.decode("utf-8"))
                if not out.stdout.strip() and _b(out.argv[0]) != b"export":
                    raise ValueError("empty stdout")
            except (ValueError, UnicodeDecodeError) as exc:
                self.fail(BAD_JSON, f"--json output does not parse: {exc}", out)

    # -- helpers for the cases --
    def base_db(self, name: str = "kb.db") -> Path:
        """A fresh copy of the seed database (one report, doc 1) in the case's folder."""
        src = self.h.seed_db()
        dst = self.dir / name
        shutil.copyfile(src, dst)
        return dst

    def docs(self, db: Path) -> list[dict[str, Any]] | None:
        """`zxkb docs --json` (None if it fails: that is reported)."""
        out = self.h.run(["docs", "--db", str(db), "--json"], cwd=self.dir)
        if out.code != 0:
            self.fail(DATA_LOST, f"`zxkb docs` fails on the database afterwards (exit {out.code})", out)
            return None
        try:
            data = out.json()
        except ValueError:
            self.fail(BAD_JSON, "`zxkb docs --json` does not parse", out)
            return None
        return data if isinstance(data, list) else None

    def export(self, db: Path, doc: int | None = None) -> list[dict[str, Any]] | None:
        # --copies: every stored document, also those the archive shows as copies of another
        argv = ["export", "--copies", "--db", str(db)] + (["--doc", str(doc)] if doc is not None else [])
        out = self.h.run(argv, cwd=self.dir)
        if out.code != 0:
            self.fail(DATA_LOST, f"`zxkb export` fails on the database afterwards (exit {out.code})", out)
            return None
        try:
            return [json.loads(line) for line in out.stdout.decode("utf-8").splitlines() if line.strip()]
        except ValueError:
            self.fail(BAD_JSON, "`zxkb export` output does not parse", out)
            return None

    def check_integrity(self, db: Path) -> None:
        if not db.exists():
            return
        verdict = integrity(db)
        if verdict != "ok":
            self.fail(DATA_LOST, f"PRAGMA integrity_check afterwards: {verdict}")

    def check_base_kept(self, db: Path, before: list[dict[str, Any]]) -> None:
        """Every document there before is still there, with as many paragraphs."""
        after = self.docs(db)
        if after is None:
            return
        now = {d.get("id"): d for d in after}
        for d in before:
            kept = now.get(d.get("id"))
            if kept is None:
                self.fail(DATA_LOST, f"document {d.get('id')} ({d.get('source')}) is gone")
            elif kept.get("paragraphs") != d.get("paragraphs"):
                self.fail(
                    DATA_LOST,
                    f"document {d.get('id')} went from {d.get('paragraphs')} to {kept.get('paragraphs')} paragraphs",
                )

    def read_only_check(self, db: Path, before_hash: str | None, before_files: set[str], out: Outcome) -> None:
        """A read command must leave the database file and its folder as they were."""
        after = sha(db)
        if before_hash is not None and after != before_hash:
            self.fail(DB_WRITTEN, "a read command changed the database file" + ("" if after else " (it is gone)"), out)
        elif before_hash is None and db.exists():
            self.fail(DB_WRITTEN, "a read command created a database file", out)
        new = listing(db.parent) - before_files
        if new:
            self.fail(DB_WRITTEN, "a read command left new files: " + ", ".join(sorted(new)), out)


def _b(a: Arg) -> bytes:
    return a if isinstance(a, bytes) else a.encode("utf-8", "surrogateescape")


def _base_db(h: Harness) -> Path:
    from builders import seed_text

    folder = h.tmp / "fixtures" / "base"
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / "seed.txt"
    src.write_text(seed_text(), encoding="utf-8")
    db = folder / "base.db"
    out = h.run(["ingest", "--db", str(db), str(src), "--json"], cwd=folder)
    if out.code != 0:
        raise SystemExit(f"cannot build the seed database: {out.shown} exit {out.code}\n{out.err()[:2000]}")
    for suffix in ("-wal", "-shm"):
        if Path(str(db) + suffix).exists():
            raise SystemExit(f"the seed database left {db}{suffix} behind; cannot copy it safely")
    return db


def mount_tmpfs(where: Path, size: str) -> bool:
    """A small tmpfs (root only); False when it cannot be mounted."""
    import subprocess

    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    return r.returncode == 0


def remount_ro(where: Path) -> bool:
    import subprocess

    r = subprocess.run(["mount", "-o", "remount,ro", str(where)], capture_output=True)
    return r.returncode == 0


def umount(where: Path) -> None:
    import subprocess

    for _ in range(5):
        r = subprocess.run(["umount", str(where)], capture_output=True)
        if r.returncode == 0 or b"not mounted" in r.stderr:
            return
        time.sleep(0.5)


def write_error(exc: OSError) -> bool:
    return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
