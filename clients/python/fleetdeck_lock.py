"""fleetdeck_lock: the fleetdeck v1 PID lock for Python bots, as a drop-in ``ProcessLock``.

Usage (the operator's bots keep their shape; only the import changes)::

    from fleetdeck_lock import ProcessLock

    with ProcessLock("BRAIN_ATLAS", account="212000584"):
        run_the_bot()

While another live process holds ``BRAIN_ATLAS``, the ``with`` form prints
``Process lock 'BRAIN_ATLAS' is held by PID <pid> (<verdict>: <reason>). Cannot start duplicate
process.`` to stderr and exits with status 1, as the bots always did. ``lock.acquire()`` raises
``LockHeld`` instead (its ``pid``, ``verdict`` and ``reason`` say who and why), and other failures
(a bad NAME, a locks directory that cannot be written) raise ``LockError`` naming the file.
``lock.release()`` removes the lock only while it is still ours; it also runs when the
interpreter exits normally, as the bots' own locks did. A bot killed outright leaves its lock
behind, and the next start takes it over once its PID is proven gone. ``lock.heartbeat()``
records that the holder is alive (optional).

The locks directory is ``.locks`` in the current working directory, unless the ``locks_dir``
argument or the ``FLEETDECK_LOCKS_DIR`` environment variable names another.

The lockfiles follow docs/lock-protocol.md (version 1), so fleetdeck (``run``, ``launch``, the deck,
``fleetdeck locks``) and this module honour each other's locks: the lock is taken in one atomic
step (a private temporary file hard-linked into place, or created exclusively where the file
system has no hard links); fencing tokens strictly rise from holder to holder; a lock is taken
over only on proof that its holder is gone (its PID is dead, or now belongs to another process,
told by its start token, or the host rebooted), and only under the takeover guard; doubt always
means held.

Under ``fleetdeck run``: the supervisor takes ``<NAME>.lock`` before it starts the bot and gives
it ``FLEETDECK_LOCK_NAME`` and ``FLEETDECK_LOCK_TOKEN``. When ``FLEETDECK_LOCK_NAME`` equals this
lock's NAME and ``FLEETDECK_LOCK_TOKEN`` is set, ``acquire()`` *joins* the supervisor's lock
instead of competing with it: it checks that the lock file names a live supervisor holding exactly
that token, and that the child it records (waiting a few seconds for the supervisor to record
it) is this process or one of its ancestors (a virtualenv launcher may sit in between). Then it
succeeds without writing anything, and ``release()`` leaves the supervisor's lock alone: the
supervisor releases it when it stops. If the check fails, ``acquire()`` takes the lock as usual,
and so finds it held by the supervisor unless the supervisor is gone.

Because the check accepts a descendant of the recorded child, a process the bot itself starts with
the same NAME (and the inherited variables) joins too: the supervisor's lock covers its bot's whole
process tree, as its stop signal does.

Limits: this module judges a lock without fleetdeck's configured ``match`` patterns, so a holder
without a matching start token is confirmed by its command line naming the lock, or held in
doubt. Off Linux, a start-token mismatch is not proof (the protocol's sources round differently):
such a holder, too, is confirmed by its command line (macOS, through ``ps``) or held (Windows).

Python 3.8+, standard library only.
"""

import atexit
import ctypes
import datetime
import errno
import json
import os
import re
import secrets
import socket
import stat
import subprocess
import sys
import time
from types import TracebackType
from typing import Any, Dict, List, Optional, Tuple, Type

__all__ = ["ProcessLock", "LockHeld", "LockError", "judge"]

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
MAX_RECORD = 4096
MAX_COMMAND = 512  # characters: at most 2 KiB of UTF-8, so the record stays within 4 KiB
WRITING_GRACE_S = 2.0
GUARD_ABANDONED_S = 30.0
ACQUIRE_ATTEMPTS = 20
JOIN_WAIT_S = 5.0
LINK_UNSUPPORTED = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS, errno.EMLINK}
READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
STALE = {"stale-dead", "stale-reused", "stale-rebooted", "stale-unreadable"}
LINUX = sys.platform.startswith("linux")
WINDOWS = sys.platform == "win32"

Record = Dict[str, Any]


class LockError(Exception):
    """The lock could not be taken or checked for a reason other than a holder (bad NAME, I/O)."""


class LockHeld(LockError):
    """Another process holds the lock, or it cannot be proven free (doubt means held)."""

    def __init__(self, name: str, pid: Optional[int], verdict: str, reason: str) -> None:
        self.name = name
        self.pid = pid
        self.verdict = verdict
        self.reason = reason
        holder = f"PID {pid}" if pid is not None else "an unidentified process"
        super().__init__(f"Process lock '{name}' is held by {holder} ({verdict}: {reason}). Cannot start duplicate process.")


# --- the host and its processes -------------------------------------------------------------


def _read_text(path: str) -> Optional[str]:
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return None


def boot_id() -> Optional[str]:
    """Linux's boot id; None elsewhere."""
    text = _read_text("/proc/sys/kernel/random/boot_id") if LINUX else None
    return (text or "").strip() or None


def _linux_stat(pid: int) -> Optional[List[str]]:
    """The fields of /proc/<pid>/stat after the command name (field 3 first), or None if gone."""
    text = _read_text(f"/proc/{pid}/stat")
    if text is None or ")" not in text:
        return None
    # The command name may hold spaces and ")": count from the last ")".
    return text[text.rindex(")") + 2:].split(" ")


def _windows_creation_ms(pid: int) -> Tuple[str, Optional[str]]:
    """("gone" | "alive" | "unknown", creation time in epoch ms) through the Win32 API."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.restype = ctypes.c_void_p  # a HANDLE is pointer-sized
    kernel32.GetExitCodeProcess.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    kernel32.GetProcessTimes.argtypes = [ctypes.c_void_p] * 5
    kernel32.CloseHandle.argtypes = [ctypes.c_void_p]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        # ERROR_INVALID_PARAMETER: no such process; anything else (access denied): it exists.
        return ("gone" if ctypes.get_last_error() == 87 else "alive"), None  # type: ignore[attr-defined]
    try:
        code = ctypes.c_ulong()
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value != 259:  # STILL_ACTIVE
            return "gone", None
        times = [ctypes.c_ulonglong() for _ in range(4)]
        if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            return "alive", None
        # FILETIME: 100 ns units since 1601-01-01.
        return "alive", str(times[0].value // 10_000 - 11_644_473_600_000)
    finally:
        kernel32.CloseHandle(handle)


def _ps(pid: int, field: str) -> Optional[str]:
    try:
        out = subprocess.run(["ps", "-o", f"{field}=", "-p", str(pid)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.stdout.decode("utf-8", "replace").strip()
    return text or None


def start_token(pid: int) -> Optional[str]:
    """The process's start token (section 3): Linux starttime ticks, else creation epoch ms."""
    if LINUX:
        fields = _linux_stat(pid)
        return fields[19] if fields is not None and len(fields) > 19 else None
    if WINDOWS:
        return _windows_creation_ms(pid)[1]
    started = _ps(pid, "lstart")
    if started is None:
        return None
    try:
        return str(int(time.mktime(time.strptime(" ".join(started.split()), "%a %b %d %H:%M:%S %Y"))) * 1000)
    except ValueError:
        return None


def _probe(pid: int) -> str:
    """"gone", "alive" or "unknown" for a PID on this host. Never sends a signal on Windows."""
    if WINDOWS:
        return _windows_creation_ms(pid)[0]
    if LINUX:
        fields = _linux_stat(pid)
        if fields is not None:
            return "gone" if fields[0] in ("Z", "X") else "alive"
        if os.path.isdir("/proc/self"):
            return "gone"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "gone"
    except PermissionError:
        return "alive"
    except OSError:
        return "unknown"
    return "alive"


def _command_line(pid: int) -> Optional[str]:
    if LINUX:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                return f.read(65536).replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:
            return None
    return None if WINDOWS else _ps(pid, "command")


def _effective_uid(pid: int) -> Optional[int]:
    """Linux: the second field of the Uid: line of /proc/<pid>/status; None elsewhere."""
    if not LINUX:
        return None
    for line in (_read_text(f"/proc/{pid}/status") or "").splitlines():
        if line.startswith("Uid:"):
            parts = line.split()
            return int(parts[2]) if len(parts) > 2 else None
    return None


def _parent(pid: int) -> Optional[int]:
    if pid == os.getpid():
        return os.getppid()
    if LINUX:
        fields = _linux_stat(pid)
        return int(fields[1]) if fields is not None and len(fields) > 1 else None
    return None


def _self_and_ancestors() -> List[int]:
    chain = [os.getpid()]
    while len(chain) < 64:
        parent = _parent(chain[-1])
        if parent is None or parent <= 0 or parent in chain:
            break
        chain.append(parent)
    return chain


def _env_carrier(name: str, token: int) -> Optional[int]:
    """Linux: the earliest-started live process whose environment names lock NAME and its token."""
    if not LINUX:
        return None
    wanted = {f"FLEETDECK_LOCK_NAME={name}".encode(), f"FLEETDECK_LOCK_TOKEN={token}".encode()}
    found: List[Tuple[int, int]] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                env = set(f.read(1 << 20).split(b"\0"))
        except OSError:
            continue
        token_text = start_token(int(entry))
        if wanted <= env and token_text is not None:
            found.append((int(token_text), int(entry)))
    return min(found)[1] if found else None


SECRET_OPTION = re.compile(r"(--?[A-Za-z0-9_-]*(?:pass|secret|token|key|pwd)[A-Za-z0-9_-]*)([= ])(\S+)", re.IGNORECASE)
URL_CREDENTIALS = re.compile(r"(://[^/\s:@]+:)[^/\s@]+@")


def redact(command: str) -> str:
    """The command line for a world-readable lockfile: secret-looking option values and URL passwords hidden."""
    return URL_CREDENTIALS.sub(r"\1[redacted]@", SECRET_OPTION.sub(r"\1\2[redacted]", command))


# --- files ----------------------------------------------------------------------------------


def _sibling(path: str, kind: str) -> str:
    return f"{path}.{kind}.{os.getpid()}.{secrets.token_hex(6)}"


def _write_new(path: str, data: bytes) -> None:
    fd = os.open(path, WRITE_FLAGS, 0o644)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o644)  # whatever the umask: nobody else may rewrite a holder's record
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(path: str, data: bytes) -> None:
    tmp = _sibling(path, "tmp")
    _write_new(tmp, data)
    try:
        os.replace(tmp, path)
    except OSError:
        os.unlink(tmp)
        raise


class _Read:
    """One read of a file in the locks directory: its bytes (at most 4097), owner and mtime."""

    def __init__(self, data: Optional[bytes], uid: Optional[int], mtime: Optional[float], problem: Optional[str]) -> None:
        self.data = data
        self.uid = uid
        self.mtime = mtime
        self.problem = problem  # set when the file exists but cannot be read as a regular file


def _read(path: str) -> Optional[_Read]:
    """None if the file is missing; never follows a symlink, never reads past 4097 bytes."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        return _Read(None, None, None, f"cannot stat: {error.strerror}")
    if not stat.S_ISREG(info.st_mode):
        return _Read(None, None, None, "not a regular file")
    try:
        fd = os.open(path, READ_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as error:
        return _Read(None, None, None, f"cannot open: {error.strerror}")
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            return _Read(None, None, None, "not a regular file")
        chunks = b""
        while len(chunks) <= MAX_RECORD:
            chunk = os.read(fd, MAX_RECORD + 1 - len(chunks))
            if not chunk:
                break
            chunks += chunk
        return _Read(chunks, None if WINDOWS else opened.st_uid, opened.st_mtime, None)
    except OSError as error:
        return _Read(None, None, None, f"cannot read: {error.strerror}")
    finally:
        os.close(fd)


def _counter(path: str) -> int:
    read = _read(path)
    try:
        return max(0, int((read.data if read and read.data else b"0").decode().strip()))
    except ValueError:
        return 0


def _encode(record: Record) -> bytes:
    return (json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n").encode()


def _remove_if_same(path: str, expected: bytes) -> bool:
    """Byte-compared removal (section 4.4): remove PATH only if it holds exactly EXPECTED."""
    read = _read(path)
    if read is None or read.data != expected:
        return False
    aside = _sibling(path, "aside")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    moved = _read(aside)
    if moved is not None and moved.data == expected:
        os.unlink(aside)
        return True
    try:
        os.link(aside, path)  # it changed in between: put it back, never over a new lock
        os.unlink(aside)
    except FileExistsError:
        pass  # a new lock took its place; the aside file stays for the operator
    return False


# --- judging an existing lock (section 5) ---------------------------------------------------


class Verdict:
    def __init__(self, code: str, reason: str, pid: Optional[int] = None, record: Optional[Record] = None, data: Optional[bytes] = None) -> None:
        self.code = code
        self.reason = reason
        self.pid = pid
        self.record = record
        self.data = data

    @property
    def stale(self) -> bool:
        return self.code in STALE


def _parse(data: bytes) -> Tuple[Optional[Record], str]:
    """(record, "") for a v1 or legacy record, else (None, why it is unparseable)."""
    if len(data) > MAX_RECORD:
        return None, "longer than 4096 bytes"
    text = _decode(data).lstrip("\ufeff").strip()
    if not text:
        return None, "empty"
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, dict):
        if "v" in value:
            return _check_v1(value)
        lowered = {str(k).lower(): v for k, v in value.items()}
        return _legacy(lowered.get("pid"), lowered.get("hostname"))
    if re.fullmatch(r"\d+", text):
        return _legacy(text, None)
    fields: Dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;[":
            continue
        match = re.match(r"^([^:=]+)[:=](.*)$", line)
        if match is None:
            return None, "not JSON, a PID or key: value lines"
        fields[match.group(1).strip().lower()] = match.group(2).strip().strip("'\"")
    return _legacy(fields.get("pid"), fields.get("hostname"))


def _decode(data: bytes) -> str:
    """Text as section 6 reads it: UTF-16 with a BOM, else UTF-8, else Latin-1 (never a failure)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _pid_of(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and re.fullmatch(r"\d+", value.strip()):
        value = int(value.strip())
    return value if isinstance(value, int) and 1 <= value <= 2147483647 else None


def _legacy(pid: Any, hostname: Any) -> Tuple[Optional[Record], str]:
    if _pid_of(pid) is None:
        return None, 'field "pid" must be a positive integer'
    if hostname is not None and not isinstance(hostname, (str, int)):
        return None, 'field "hostname" must be a string'
    return {"pid": _pid_of(pid), "hostname": None if hostname is None else str(hostname), "startToken": None, "child": None, "legacy": True}, ""


def _check_v1(value: Record) -> Tuple[Optional[Record], str]:
    v = value.get("v")
    if isinstance(v, int) and not isinstance(v, bool) and v > 1:
        return value, ""  # a later protocol: judged unknown, never removed
    if v != 1 or isinstance(v, bool):
        return None, 'field "v" must be 1'
    if _pid_of(value.get("pid")) is None or not isinstance(value.get("pid"), int):
        return None, 'field "pid" must be an integer from 1 to 2147483647'
    if not isinstance(value.get("hostname"), str) or not value["hostname"]:
        return None, 'field "hostname" must be a non-empty string'
    if value.get("startToken") is not None and not isinstance(value["startToken"], str):
        return None, 'field "startToken" must be a string or null'
    child = value.get("child")
    if child is not None and not (isinstance(child, dict) and _pid_of(child.get("pid")) is not None and isinstance(child.get("pid"), int)
                                  and (child.get("startToken") is None or isinstance(child.get("startToken"), str))):
        return None, 'field "child" must be null or {"pid": integer, "startToken": string or null}'
    return value, ""


def _identify(pid: int, recorded_token: Optional[str], name: str, owner: Optional[int]) -> Tuple[str, str]:
    """Whether PID is still the recorded process: ("live" | "gone" | "reused" | "unknown", why)."""
    state = _probe(pid)
    if state == "unknown":
        return "unknown", f"PID {pid} cannot be probed"
    if state == "gone":
        return "gone", f"PID {pid} is gone"
    current = start_token(pid)
    same = False
    if recorded_token is not None and current is not None:
        if current == recorded_token:
            same = True
        elif LINUX:
            return "reused", f"PID {pid} now belongs to another process (start token {current}, recorded {recorded_token})"
    if not same:
        # No start token to compare (or one from another source): the command line must name the lock.
        command = _command_line(pid)
        if command is None:
            return "unknown", f"PID {pid} is alive but its command line cannot be read"
        if name.lower() not in command.lower():
            return "unknown", f"PID {pid} is alive but its command line does not name {name}"
    uid = _effective_uid(pid)
    if owner is not None and uid is not None and owner != uid:
        return "unknown", f"lockfile owned by uid {owner} but PID {pid} runs as uid {uid}: not trusted; treated as held"
    return "live", f"PID {pid} is alive" + (" (start token matches)" if same else f" and its command line names {name}")


def judge(path: str, name: str) -> Optional[Verdict]:
    """The verdict on the lock at PATH (section 5, without `match` patterns), or None if missing."""
    read = _read(path)
    if read is None:
        return None
    if read.data is None:
        return Verdict("unknown", f"{path}: {read.problem}")
    record, why = _parse(read.data)
    if record is None:
        if read.mtime is None:
            return Verdict("unknown", f"unparseable ({why}); its age is unknown", data=read.data)
        age = time.time() - read.mtime
        if age < WRITING_GRACE_S:
            return Verdict("writing", f"unparseable ({why}) but only {max(age, 0):.1f} s old: being written", data=read.data)
        return Verdict("stale-unreadable", f"unparseable ({why}) for {age:.0f} s", data=read.data)
    if not record.get("legacy") and record.get("v") != 1:
        return Verdict("unknown", f"record version {record.get('v')} is newer than this client: treated as held", None, record, read.data)
    pid: int = record["pid"]
    host = record.get("hostname")
    if host is not None and host.lower() != socket.gethostname().lower():
        return Verdict("remote", f"held on host {host}", pid, record, read.data)
    recorded_boot = record.get("bootId") if isinstance(record.get("bootId"), str) else None
    here = boot_id()
    if recorded_boot and here and recorded_boot != here:
        return Verdict("stale-rebooted", f"PID {pid} took it before this host rebooted (boot id {recorded_boot}, now {here})", pid, record, read.data)
    state, reason = _identify(pid, record.get("startToken"), name, read.uid)
    if state in ("live", "unknown"):
        return Verdict(state, reason, pid, record, read.data)
    stale = "stale-dead" if state == "gone" else "stale-reused"
    child = record.get("child")
    child_pid: Optional[int] = child["pid"] if isinstance(child, dict) else None
    child_token: Optional[str] = child.get("startToken") if isinstance(child, dict) else None
    if child_pid is None and isinstance(record.get("supervisor"), dict) and isinstance(record.get("token"), int):
        # A supervisor killed between starting its bot and recording it: find the bot by its environment.
        child_pid = _env_carrier(name, record["token"])
        child_token = start_token(child_pid) if child_pid is not None else None
    if child_pid is not None:
        child_state, child_reason = _identify(child_pid, child_token, name, read.uid)
        if child_state == "live":
            return Verdict("live", f"{reason}; its child PID {child_pid} still runs (orphaned)", child_pid, record, read.data)
        if child_state == "unknown":
            return Verdict("unknown", f"{reason}; {child_reason}", child_pid, record, read.data)
        reason = f"{reason}; {child_reason}"
    return Verdict(stale, reason, pid, record, read.data)


# --- the lock -------------------------------------------------------------------------------


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ProcessLock:
    """The lock NAME in the locks directory; see the module docstring."""

    def __init__(self, name: str, account: Optional[str] = None, locks_dir: Optional[str] = None, command: Optional[str] = None) -> None:
        if not NAME_PATTERN.match(name) or ".." in name:
            raise LockError(f"lock name {name!r}: expected letters, digits, '.', '_' or '-' (at most 128, not starting with a punctuation mark, no '..')")
        self.name = name
        self.account = None if account is None else str(account)
        self.locks_dir = locks_dir or os.environ.get("FLEETDECK_LOCKS_DIR") or os.path.join(os.getcwd(), ".locks")
        self.path = os.path.join(self.locks_dir, f"{name}.lock")
        self.command = redact(command if command is not None else " ".join(sys.argv))[:MAX_COMMAND] or None
        self.record: Optional[Record] = None  # what we wrote, while we hold the lock ourselves
        self.joined: Optional[Record] = None  # the supervisor's record, while we run under fleetdeck run

    # public API

    def acquire(self) -> "ProcessLock":
        """Take the lock (or join the supervisor's); raise LockHeld when another process holds it."""
        if self.record is not None or self.joined is not None:
            return self
        if os.environ.get("FLEETDECK_LOCK_NAME") == self.name and os.environ.get("FLEETDECK_LOCK_TOKEN"):
            self.joined = self._join(os.environ["FLEETDECK_LOCK_TOKEN"])
            if self.joined is not None:
                return self
        try:
            self._acquire()
        except OSError as error:
            raise LockError(f"{error.filename or self.path}: {error.strerror or error}") from None
        atexit.register(self.release)
        return self

    def _acquire(self) -> None:
        self._make_dir()
        last: Optional[Verdict] = None
        for _ in range(ACQUIRE_ATTEMPTS):
            token = _counter(f"{self.path}.token") + 1
            if last is not None and last.stale and isinstance((last.record or {}).get("token"), int):
                token = max(token - 1, last.record["token"]) + 1  # type: ignore[index]
            record = self._record(token)
            if self._link(record):
                self._settle(record)
                self.record = record
                return
            last = judge(self.path, self.name)
            if last is None:
                continue  # released between our link and our read: try again
            if not last.stale:
                raise LockHeld(self.name, last.pid, last.code, last.reason)
            self._take_over(last)
        raise LockHeld(self.name, last.pid if last else None, last.code if last else "unknown", "gave up after repeated takeovers")

    def release(self) -> bool:
        """Remove the lock if it is still ours (pid, startToken, token). A joined lock stays."""
        if self.joined is not None:
            self.joined = None
            return False
        record, self.record = self.record, None
        if record is None:
            return False
        atexit.unregister(self.release)
        read = _read(self.path)
        if read is None or read.data is None or not self._still_mine(read.data, record):
            return False
        return _remove_if_same(self.path, read.data)

    def heartbeat(self) -> bool:
        """Set heartbeatAt to now, keeping every other key; False if the lock is no longer ours.

        A joined lock is the supervisor's to heartbeat: this returns True without writing.
        """
        if self.record is None:
            return self.joined is not None
        read = _read(self.path)
        if read is None or read.data is None or not self._still_mine(read.data, self.record):
            return False
        current = json.loads(read.data)
        current["heartbeatAt"] = _now()
        _replace(self.path, _encode(current))
        return True

    @property
    def token(self) -> Optional[int]:
        """The fencing token: ours, or the supervisor's when joined."""
        held = self.record or self.joined
        return held.get("token") if held else None

    def __enter__(self) -> "ProcessLock":
        try:
            return self.acquire()
        except LockHeld as held:
            print(str(held), file=sys.stderr)
            sys.exit(1)

    def __exit__(self, kind: Optional[Type[BaseException]], value: Optional[BaseException], trace: Optional[TracebackType]) -> None:
        self.release()

    # internals

    def _make_dir(self) -> None:
        if not os.path.isdir(self.locks_dir):
            try:
                os.makedirs(self.locks_dir)
                os.chmod(self.locks_dir, 0o755)  # whatever the umask
            except FileExistsError:
                pass

    def _record(self, token: int) -> Record:
        me = os.getpid()
        return {"v": 1, "name": self.name, "pid": me, "account": self.account, "hostname": socket.gethostname(),
                "bootId": boot_id(), "startToken": start_token(me), "createdAt": _now(), "heartbeatAt": None,
                "token": token, "command": self.command, "child": None}

    def _link(self, record: Record) -> bool:
        """Section 4.1 steps 4-5: True if the lock is now ours, False if a lock exists."""
        data = _encode(record)
        tmp = _sibling(self.path, "tmp")
        _write_new(tmp, data)
        try:
            os.link(tmp, self.path)
            return True
        except FileExistsError:
            return False
        except OSError as error:
            if error.errno not in LINK_UNSUPPORTED:
                raise LockError(f"{self.path}: cannot create the lock: {error.strerror}") from None
            try:
                _write_new(self.path, data)
                return True
            except FileExistsError:
                return False
        finally:
            os.unlink(tmp)

    def _settle(self, record: Record) -> None:
        """Section 4.1 step 7: stay above every token handed out, then advance the counter."""
        counter = f"{self.path}.token"
        used = _counter(counter)
        if used >= record["token"]:
            record["token"] = used + 1
            _replace(self.path, _encode(record))
        if _counter(counter) < record["token"]:
            _replace(counter, f"{record['token']}\n".encode())

    def _take_over(self, stale: Verdict) -> None:
        """Section 4.2: under the guard, raise the counter and remove exactly the stale bytes."""
        guard = f"{self.path}.guard"
        mine = f"{os.getpid()} {secrets.token_hex(8)}\n".encode()
        deadline = time.monotonic() + 5.0
        while True:
            try:
                _write_new(guard, mine)
                break
            except FileExistsError:
                seen = _read(guard)
                if seen is not None and seen.data is not None and seen.mtime is not None and time.time() - seen.mtime > GUARD_ABANDONED_S:
                    _remove_if_same(guard, seen.data)  # its creator died mid-takeover
                    continue
                if time.monotonic() > deadline:
                    raise LockHeld(self.name, stale.pid, "unknown", f"another process has been taking over {self.path} for over 5 s") from None
                time.sleep(0.005 + secrets.randbelow(10) / 1000)
        try:
            stale_token = (stale.record or {}).get("token")
            counter = f"{self.path}.token"
            if isinstance(stale_token, int) and not isinstance(stale_token, bool) and _counter(counter) < stale_token:
                _replace(counter, f"{stale_token}\n".encode())
            if stale.data is not None:
                _remove_if_same(self.path, stale.data)
        finally:
            _remove_if_same(guard, mine)

    @staticmethod
    def _still_mine(data: bytes, record: Record) -> bool:
        try:
            current = json.loads(data)
        except ValueError:
            return False
        return isinstance(current, dict) and current.get("v") == 1 and \
            (current.get("pid"), current.get("startToken"), current.get("token")) == (record["pid"], record["startToken"], record["token"])

    def _join(self, token_text: str) -> Optional[Record]:
        """The supervisor's record if it holds NAME with this token for us (or an ancestor), else None."""
        deadline = time.monotonic() + JOIN_WAIT_S
        while True:
            read = _read(self.path)
            if read is None or read.data is None:
                return None
            record, _ = _parse(read.data)
            if record is None or record.get("v") != 1 or not isinstance(record.get("supervisor"), dict) or str(record.get("token")) != token_text:
                return None
            if record["hostname"].lower() != socket.gethostname().lower():
                return None
            if _identify(record["pid"], record.get("startToken"), self.name, read.uid)[0] != "live":
                return None
            child = record.get("child")
            if isinstance(child, dict):
                if child["pid"] not in _self_and_ancestors():
                    return None
                recorded = child.get("startToken")
                return record if recorded is None or recorded == start_token(child["pid"]) else None
            # The supervisor records its child just after starting it: wait for that.
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
