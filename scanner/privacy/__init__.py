"""The one home of personal-data masking and keyed hashing.

Detectors, the store, the API and reports import from here so that a personal
value is masked the same way everywhere and recognised across pages and scans
by the same keyed hash (never by the raw value).
"""

from scanner.privacy.keyed import hash_key, match_key
from scanner.privacy.masking import PROFILES, MaskPolicy, exposure, mask, mask_text, policy

__all__ = ["PROFILES", "MaskPolicy", "exposure", "hash_key", "mask", "mask_text", "match_key", "policy"]
