"""One multi-pattern matching interface, two engines.

:class:`Automaton` finds every (overlapping) occurrence of a fixed set of keys
and yields ``(key_index, start, end)`` in code points.  Backends:

* ``rs`` — `ahocorasick-rs <https://pypi.org/project/ahocorasick-rs/>`_ (Rust
  ``aho-corasick``); about 10× faster than pyahocorasick on a 20,000-term
  Chinese dictionary (see docs/benchmarks.md), so it is the default when installed;
* ``pyahocorasick`` — the C library; its trie nodes search their children
  linearly, which is slow at the root of a big Chinese dictionary.

Both pickle: pyahocorasick natively; the rs automaton as its key list, rebuilt
on load (≈0.2 s for 20,000 keys).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def available_backends() -> list[str]:
    out = []
    try:
        import ahocorasick_rs  # noqa: F401

        out.append("rs")
    except ImportError:
        pass
    try:
        import ahocorasick  # noqa: F401

        out.append("pyahocorasick")
    except ImportError:
        pass
    return out


def default_backend() -> str:
    backends = available_backends()
    if not backends:
        raise RuntimeError("no Aho-Corasick engine installed (pip install ahocorasick-rs or pyahocorasick)")
    return backends[0]


class Automaton:
    """Overlapping multi-key search over ``str`` with code-point offsets."""

    __slots__ = ("_engine", "_lengths", "backend", "keys")

    def __init__(self, keys: Sequence[str], backend: str | None = None):
        self.keys = list(keys)
        self.backend = backend or default_backend()
        if any(not k for k in self.keys):
            raise ValueError("empty key")
        self._build()

    def _build(self) -> None:
        self._lengths = [len(k) for k in self.keys]
        if not self.keys:
            self._engine = None
        elif self.backend == "rs":
            import ahocorasick_rs

            self._engine = ahocorasick_rs.AhoCorasick(self.keys)
        elif self.backend == "pyahocorasick":
            import ahocorasick

            a = ahocorasick.Automaton()
            for i, k in enumerate(self.keys):
                a.add_word(k, i)
            a.make_automaton()
            self._engine = a
        else:
            raise ValueError(f"unknown automaton backend {self.backend!r}")

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        """Every occurrence of every key: ``(key_index, start, end)``."""
        if self._engine is None or not text:
            return iter(())
        if self.backend == "rs":
            return iter(self._engine.find_matches_as_indexes(text, overlapping=True))
        lengths = self._lengths
        return ((i, e + 1 - lengths[i], e + 1) for e, i in self._engine.iter(text))

    def __len__(self) -> int:
        return len(self.keys)

    def __getstate__(self):
        if self.backend == "pyahocorasick":
            return {"keys": self.keys, "backend": self.backend, "engine": self._engine}
        return {"keys": self.keys, "backend": self.backend}

    def __setstate__(self, state):
        self.keys = state["keys"]
        self.backend = state["backend"]
        if "engine" in state:
            self._engine = state["engine"]
            self._lengths = [len(k) for k in self.keys]
        else:
            self._build()
