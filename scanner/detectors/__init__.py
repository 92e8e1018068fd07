"""Detectors: typo, sensitive, privacy, redheader (and any registered by a third party)."""

from scanner.detectors.base import Detector
from scanner.detectors.registry import ENTRY_POINT_GROUP, DetectorRegistry, UnknownDetector, register, registry

__all__ = ["Detector", "DetectorRegistry", "ENTRY_POINT_GROUP", "UnknownDetector", "register", "registry"]
