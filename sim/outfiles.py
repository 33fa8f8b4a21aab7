"""Files a command writes (`--out`): regular files only, and one writer at a time.

An output is written to a temporary file and renamed over FILE, so a FIFO, a device or a
directory given as FILE would be replaced (or written into) rather than written: such a FILE is
refused before any work. Two runs writing one FILE at once would race on FILE and its
resumable `.partial` file, so a writer holds `FILE.lock` (an advisory `flock`) while it runs; a
second writer is refused at once. The kernel drops a `flock` when its process ends, however it
ends, so a lock file left behind by a crash never blocks the next run.
"""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: What a path that exists but is not a regular file is, in words (for the files commands write
#: here and the scenario files `sim.scenario_file` reads).
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(mode: int, otherwise: str) -> str:
    """'' for a regular file's `st_mode`; else what the file is, in words (`otherwise` if none
    of the known kinds)."""
    if stat.S_ISREG(mode):
        return ""
    return next((what for test, what in _KINDS if test(mode)), otherwise)


class OutFileError(ValueError):
    """An output file that cannot be used: one line naming the option and the file."""


def not_regular(path: Path) -> str:
    """'' if `path` does not exist or is a regular file (through symlinks); else what it is."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ""
    return special_kind(mode, "not a regular file")


def check_regular(path: Path, option: str = "--out") -> None:
    """Refuse an output path that exists and is not a regular file."""
    kind = not_regular(path)
    if kind:
        raise OutFileError(f"{option} {path} is {kind}, not a regular file: give a file name")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextmanager
def exclusive(path: Path, option: str = "--out") -> Iterator[Path]:
    """Hold `path`.lock for the duration: the one writer of `path`. Raises OutFileError at once
    if another process holds it. The lock file is removed afterwards."""
    lock = lock_path(path)
    check_regular(lock, f"{option} {path}: the lock file")
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        except OSError as e:
            raise OutFileError(
                f"{option} {path}: cannot create the lock file {lock}: {e.strerror or e}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutFileError(
                f"{option} {path} is in use by another run (it holds {lock}): wait for it to "
                "finish, or write to another file"
            ) from None
        # The previous holder may have removed the lock file between our open and our flock:
        # then we hold a lock on a file nobody else will open. Start again on the new one.
        try:
            current = os.stat(lock)
        except FileNotFoundError:
            current = None
        mine = os.fstat(fd)
        if current is not None and (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
            break
        os.close(fd)
    try:
        yield path
    finally:
        try:
            os.unlink(lock)
        except OSError:
            pass
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`: a reader never
    sees half a file, and a failure leaves `path` as it was (the temporary file is removed).
    The file gets the usual permissions (0o666 less the umask). Raises OSError."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
