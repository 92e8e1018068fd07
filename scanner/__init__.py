"""cuomin's scanning library: fetch → extract → normalise → detect → finding.

The public surface is re-exported here::

    from scanner import Checker, extract_path
    result = Checker().check(extract_path("notice.html"))
    for f in result.findings: print(f.rule, f.excerpt, f.suggestion)
"""

from scanner.detectors import Detector, register, registry
from scanner.document import Document, Link, Location, Segment, Table, TableCell
from scanner.errors import CorruptFile, CuominError, EncryptedFile, ExtractionError, InputError, LimitExceeded
from scanner.extract import ExtractOptions, extract, extract_path
from scanner.findings import Explanation, Finding, Severity, Verdict
from scanner.normalize import MappedText, normalize
from scanner.pipeline import Analysis, Checker, Result
from scanner.site import SiteConfig

__all__ = [
    "Analysis", "Checker", "CorruptFile", "CuominError", "Detector", "Document", "EncryptedFile",
    "Explanation", "ExtractOptions", "ExtractionError", "Finding", "InputError", "LimitExceeded", "Link",
    "Location", "MappedText", "Result", "Segment", "Severity", "SiteConfig", "Table", "TableCell", "Verdict",
    "extract", "extract_path", "normalize", "register", "registry",
]
