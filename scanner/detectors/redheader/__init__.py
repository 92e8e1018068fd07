"""Red-header documents (红头文件), red round seals and classification markings; see :mod:`.detector`."""

from scanner.detectors.redheader.detector import RedHeaderDetector

__all__ = ["RedHeaderDetector"]
