"""Answers kept while the database stays the same. The server only reads, and
the same question gets the same answer until a writer (zxkb ingest, rm,
upgrade) changes the file: each entry is keyed by the database's state (the
size and modification time of the file and of its write-ahead log), so a
change is seen on the next request. Bounded in bytes, least recently used
first out; thread-safe (the server answers in many threads)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


def state(db: Path) -> tuple[int, ...]:
    """What changes when the database is written: its file's and its -wal's size and mtime."""
    out: list[int] = []
    for path in (db, db.with_name(db.name + "-wal")):
        try:
            st = path.stat()
        except OSError:
            out += [-1, -1]
        else:
            out += [st.st_size, st.st_mtime_ns]
    return tuple(out)


class Cache(Generic[T]):
    def __init__(
        self,
        db: Path,
        max_bytes: int,
        size_of: Callable[[T], int] = lambda _: 1,
        keep: Callable[[T], bool] = lambda _: True,
    ) -> None:
        self.db = db
        self.max_bytes = max_bytes
        self.size_of = size_of
        self.keep = keep
        self.entries: OrderedDict[Hashable, tuple[T, int]] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The answer to `key` for the database as it is now, made by `make` when it is not kept."""
        if self.max_bytes <= 0:
            return make()
        full = (state(self.db), key)
        with self.lock:
            found = self.entries.get(full)
            if found is not None:
                self.entries.move_to_end(full)
                self.hits += 1
                return found[0]
            self.misses += 1
        value = make()  # outside the lock: two threads may make the same answer once each
        size = self.size_of(value)
        if size <= self.max_bytes // 4 and self.keep(value):
            with self.lock:
                if full not in self.entries:
                    self.entries[full] = (value, size)
                    self.bytes += size
                while self.bytes > self.max_bytes:
                    _, (_, old) = self.entries.popitem(last=False)
                    self.bytes -= old
        return value
