"""The detector base class.

A detector is a small class registered by name.  It reads an :class:`Analysis`
(the document, its normalised text, the site's configuration and a cache of
shared work such as word segmentation) and yields :class:`Finding` objects in
*original* code-point offsets.  It does not set location, excerpt or
fingerprint: the pipeline annotates those (``match`` kept apart from
``set_annotations``, as in spaCy's pipeline components).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # pragma: no cover
    from scanner.findings import Finding
    from scanner.pipeline import Analysis


class Detector(abc.ABC):
    """Base class of every detector.

    Subclasses set ``name`` (the registry name, also the ``detector`` field of
    their findings), ``version`` (bump it when behaviour changes: it enters the
    ruleset version) and ``default_config``; per-site options arrive merged into
    ``self.config``.
    """

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    default_config: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, config: Mapping[str, Any] | None = None):
        self.config: dict[str, Any] = {**self.default_config, **(config or {})}

    @abc.abstractmethod
    def detect(self, analysis: "Analysis") -> Iterable["Finding"]:
        """Yield the findings of this detector for one document."""

    def ruleset_parts(self) -> Iterable[tuple[str, bytes]]:
        """(name, bytes) of the data this detector's rules come from, for the ruleset version.

        The default is the detector's name, version and configuration; detectors
        backed by dictionaries add their files' contents.
        """
        yield f"{self.name}:{self.version}", repr(sorted(self.config.items())).encode()

    def reload(self) -> bool:
        """Pick up changed rule data without a restart; True when something changed."""
        return False
