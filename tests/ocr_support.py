"""OCR quality measure shared by the attachment tests and bench/attach_speed.py."""


def char_errors(got: str, truth: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions) between two strings."""
    prev = list(range(len(truth) + 1))
    for i, a in enumerate(got, 1):
        cur = [i] + [0] * len(truth)
        for j, b in enumerate(truth, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b))
        prev = cur
    return prev[-1]
