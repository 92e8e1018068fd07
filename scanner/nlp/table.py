"""Read-only string tables on disk, read one bucket at a time.

A table file holds a small pickled header (plain data, loaded at once) and named *sections*:
``key<TAB>value`` lines grouped into buckets by a short prefix of the key (its first character,
say).  The file is memory-mapped; a :class:`LazyTable` parses a bucket into a dict the first time
one of its keys is asked for, so opening a table costs milliseconds whatever its size, and a
short text touches a few dozen buckets instead of building half a million Python objects.

Layout: ``MAGIC``; the header's length (8 bytes, little-endian); the header, a pickle of
``{"meta": ..., "sections": {name: (bucket names joined by "\\n", first bucket number, count)},
"buckets": n, "size": bytes}``; n + 1 bucket offsets (8 bytes each, little-endian, read in place
from the map); then the UTF-8 bucket texts.  Files are written atomically (temporary file +
rename), so a reader never sees a half-written table.
"""

from __future__ import annotations

import mmap
import os
import pickle
import struct
import sys
from array import array
from collections.abc import Callable, ItemsView, Iterator, Mapping, ValuesView
from pathlib import Path
from typing import Any, Generic, TypeVar

from scanner.nlp.cache import atomic_write

V = TypeVar("V")

MAGIC = b"CUOMIN-TABLE-2\n\x00"
_LEN = struct.Struct("<Q")


class TableError(Exception):
    """A table file that is missing, truncated or not a table."""


def write(path: Path, sections: Mapping[str, Mapping[str, str]], meta: Any = None) -> None:
    """Write ``sections`` (name → bucket → text of ``key<TAB>value`` lines) atomically to ``path``."""
    blobs: list[bytes] = []
    index: dict[str, tuple[str, int, int]] = {}
    offsets = array("Q", [0])
    for name, buckets in sections.items():
        if any("\n" in b for b in buckets):
            raise ValueError("bucket names may not hold line breaks")
        index[name] = ("\n".join(buckets), len(offsets) - 1, len(buckets))
        for text in buckets.values():
            data = text.encode("utf-8")
            blobs.append(data)
            offsets.append(offsets[-1] + len(data))
    if sys.byteorder != "little":  # pragma: no cover - the file is little-endian everywhere
        offsets.byteswap()
    header = pickle.dumps({"meta": meta, "sections": index, "buckets": len(offsets) - 1, "size": offsets[-1]},
                          protocol=pickle.HIGHEST_PROTOCOL)

    def write(fh) -> None:
        fh.write(MAGIC)
        fh.write(_LEN.pack(len(header)))
        fh.write(header)
        fh.write(offsets.tobytes())
        for blob in blobs:
            fh.write(blob)

    atomic_write(path, write, mode=0o644)


class TableFile:
    """An open table file: ``meta`` (the header's plain data) and ``text(section, bucket)``."""

    __slots__ = ("_base", "_index", "_map", "_offsets", "_sections", "meta", "path")

    def __init__(self, path: Path):
        self.path = path
        try:
            with path.open("rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size < len(MAGIC) + _LEN.size:
                    raise TableError(f"{path}: truncated")
                self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise TableError(f"{path}: {exc}") from exc
        m = self._map
        if m[:len(MAGIC)] != MAGIC:
            raise TableError(f"{path}: not a table file")
        start = len(MAGIC) + _LEN.size
        (hlen,) = _LEN.unpack(m[len(MAGIC):start])
        try:
            header = pickle.loads(m[start:start + hlen])
            n = header["buckets"]
            off_start = start + hlen
            self._base = off_start + 8 * (n + 1)
            if self._base + header["size"] != size:
                raise TableError(f"{path}: truncated")
            self.meta = header["meta"]
            self._sections: dict[str, tuple[str, int, int]] = header["sections"]
        except (pickle.PickleError, EOFError, KeyError, TypeError, AttributeError, ImportError) as exc:
            raise TableError(f"{path}: bad header: {exc}") from exc
        offsets = memoryview(m)[off_start:self._base].cast("Q")
        if sys.byteorder != "little":  # pragma: no cover
            offsets = array("Q", offsets)
            offsets.byteswap()
        self._offsets = offsets
        self._index: dict[str, dict[str, int]] = {}

    def buckets(self, section: str) -> dict[str, int]:
        """bucket name → its number, for one section (built on first use)."""
        idx = self._index.get(section)
        if idx is None:
            names, first, count = self._sections[section]
            idx = dict(zip(names.split("\n"), range(first, first + count))) if count else {}
            self._index[section] = idx
        return idx

    def text(self, section: str, bucket: str) -> str:
        i = self.buckets(section).get(bucket)
        if i is None:
            return ""
        return self._map[self._base + self._offsets[i]:self._base + self._offsets[i + 1]].decode("utf-8")


def first_char(key: str) -> str:
    return key[:1]


class LazyTable(Mapping[str, V], Generic[V]):
    """A read-only mapping over one section of a :class:`TableFile`, parsed bucket by bucket.

    ``bucket_of(key)`` names the bucket a key lives in (the same function the writer used);
    ``parse(text)`` turns a bucket's text into a dict.  Iteration walks the buckets in file order.
    Thread-safe in the sense that matters here: two threads parsing one bucket at once both get
    equal dicts, and the last one stays.
    """

    __slots__ = ("_bucket_of", "_file", "_len", "_loaded", "_parse", "_section")

    def __init__(self, file: TableFile, section: str, parse: Callable[[str], dict[str, V]],
                 bucket_of: Callable[[str], str] = first_char, length: int | None = None):
        self._file = file
        self._section = section
        self._parse = parse
        self._bucket_of = bucket_of
        self._loaded: dict[str, dict[str, V]] = {}
        self._len = length

    def _bucket(self, bucket: str) -> dict[str, V]:
        d = self._loaded.get(bucket)
        if d is None:
            text = self._file.text(self._section, bucket)
            d = self._parse(text) if text else {}
            self._loaded[bucket] = d
        return d

    def get(self, key: str, default: Any = None) -> Any:
        d = self._loaded.get(self._bucket_of(key))
        if d is None:
            d = self._bucket(self._bucket_of(key))
        return d.get(key, default)

    def __getitem__(self, key: str) -> V:
        return self._bucket(self._bucket_of(key))[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._bucket(self._bucket_of(key))

    def __iter__(self) -> Iterator[str]:
        for bucket in self._file.buckets(self._section):
            yield from self._bucket(bucket)

    def items(self) -> ItemsView[str, V]:
        return _Items(self)

    def values(self) -> ValuesView[V]:
        return _Values(self)

    def _buckets(self) -> Iterator[dict[str, V]]:
        for bucket in self._file.buckets(self._section):
            yield self._bucket(bucket)

    def __len__(self) -> int:
        if self._len is None:
            self._len = sum(len(self._bucket(b)) for b in self._file.buckets(self._section))
        return self._len

    def __repr__(self) -> str:
        return f"<LazyTable {self._section} of {self._file.path.name}: {len(self._loaded)} buckets read>"


class _Items(ItemsView):
    """Items bucket by bucket (the default view would look every key up again)."""

    def __iter__(self):
        for d in self._mapping._buckets():
            yield from d.items()


class _Values(ValuesView):
    def __iter__(self):
        for d in self._mapping._buckets():
            yield from d.values()


def group(items: Iterator[tuple[str, str]] | Any, bucket_of: Callable[[str], str] = first_char) -> dict[str, str]:
    """``key<TAB>value`` lines grouped into bucket texts (in the items' order within a bucket)."""
    buckets: dict[str, list[str]] = {}
    for key, value in items:
        if "\t" in key or "\n" in key or "\n" in value:
            raise ValueError(f"table keys and values may not hold tabs or line breaks: {key!r}")
        buckets.setdefault(bucket_of(key), []).append(f"{key}\t{value}")
    return {b: "\n".join(lines) for b, lines in buckets.items()}


def parse_str(text: str) -> dict[str, str]:
    return dict(line.split("\t", 1) for line in text.split("\n"))


def parse_int(text: str) -> dict[str, int]:
    out = {}
    for line in text.split("\n"):
        k, v = line.split("\t", 1)
        out[k] = int(v)
    return out
