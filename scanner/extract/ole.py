"""A structural check of OLE2 compound files (XLS, DOC, PPT, WPS, ET) before a native parser reads them.

calamine follows a compound file's sector chains without bounding them: one corrupt FAT entry that
points back into its own chain (found by ``bench/attach_fuzz.py``) made it grow a vector until the
process had taken 23 GB and the kernel's OOM killer stepped in.  :func:`check_compound_file` walks every
chain such a reader follows — the DIFAT, the directory, the mini FAT, the mini stream and each stream —
and refuses a chain that loops, leaves the file or never ends, in time linear in the file's sectors.
It reads only the container's bookkeeping, never the content.  Layout: [MS-CFB] 2.2–2.6.
"""

from __future__ import annotations

import struct

from scanner.errors import CorruptFile

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
HEADER_DIFAT = 109
ENTRY = 128
STREAM, ROOT = 2, 5


def _u32s(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(data) // 4}I", data[: len(data) // 4 * 4])


class _File:
    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            raise CorruptFile("compound file shorter than its header")
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise CorruptFile("compound file header has an impossible sector size")
        self.data = data
        self.size = 1 << shift
        self.sectors = (len(data) - self.size + self.size - 1) // self.size  # sector n starts at (n + 1) * size

    def sector(self, n: int) -> bytes:
        start = (n + 1) * self.size
        return self.data[start:start + self.size]

    def chain(self, start: int, table: tuple[int, ...], what: str) -> list[int]:
        """The sector numbers of the chain beginning at ``start`` in ``table`` (a FAT or the mini FAT)."""
        out: list[int] = []
        seen: set[int] = set()
        n = start
        while n != ENDOFCHAIN:
            if n >= len(table) or n in seen:
                raise CorruptFile(f"compound file's {what} chain {'loops' if n in seen else 'leaves the file'}")
            seen.add(n)
            out.append(n)
            n = table[n]
        return out


def check_compound_file(data: bytes) -> None:
    """Raise :class:`CorruptFile` unless every sector chain of the compound file ``data`` is well formed."""
    f = _File(data)
    (n_fat, first_dir, _tx, cutoff, first_minifat, n_minifat, first_difat, n_difat) = struct.unpack_from(
        "<IIIIIIII", data, 0x2C)
    if cutoff != 4096:  # [MS-CFB] 2.2: MUST be 4096; readers differ on which table a stream is in otherwise
        raise CorruptFile("compound file header has an impossible mini stream cutoff")
    fat_sectors = [s for s in _u32s(data[0x4C:0x4C + 4 * HEADER_DIFAT]) if s != FREESECT]
    seen: set[int] = set()
    n = first_difat
    while n not in (ENDOFCHAIN, FREESECT) and len(seen) <= n_difat:
        if n >= f.sectors or n in seen:
            raise CorruptFile("compound file's DIFAT chain loops or leaves the file")
        seen.add(n)
        entries = _u32s(f.sector(n))
        fat_sectors += [s for s in entries[:-1] if s != FREESECT]
        n = entries[-1]
    if any(s >= f.sectors for s in fat_sectors) or len(fat_sectors) > max(n_fat, 1) + HEADER_DIFAT:
        raise CorruptFile("compound file's FAT lies outside the file")
    fat = _u32s(b"".join(f.sector(s) for s in fat_sectors))[: f.sectors]
    directory = b"".join(f.sector(s) for s in f.chain(first_dir, fat, "directory"))
    minifat: tuple[int, ...] = ()
    if first_minifat not in (ENDOFCHAIN, FREESECT) and n_minifat:
        minifat = _u32s(b"".join(f.sector(s) for s in f.chain(first_minifat, fat, "mini FAT")))
    for i in range(len(directory) // ENTRY):
        entry = directory[i * ENTRY:(i + 1) * ENTRY]
        kind = entry[66]
        start, size = struct.unpack_from("<II", entry, 116)
        if kind == ROOT:
            if start not in (ENDOFCHAIN, FREESECT):
                f.chain(start, fat, "mini stream")
        elif kind == STREAM and size:
            if size < cutoff:
                f.chain(start, minifat, "stream")
            else:
                f.chain(start, fat, "stream")
