"""Sensitive content (敏感词) and serious misstatements (严重表述错误).

Banned content (gambling, porn, drugs, weapons, fraud, cults, terror, reactionary
slogans) and improper/outdated official wording, matched with an Aho-Corasick
automaton over evasion-folded text; near-miss protection of strings that must be
exact (state organs, leaders' names and titles, fixed formulations, the site's own
names).  Data: ``dictionaries/sensitive/`` (format: ``dictionaries/README.md``).
"""

from scanner.detectors.sensitive.detector import SensitiveDetector

__all__ = ["SensitiveDetector"]
