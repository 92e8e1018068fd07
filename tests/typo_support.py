"""What the typo tests share: the character- and word-layer findings of a check, as (rule, keyword, suggestion)."""


def char_findings(checker, text):
    return [(f.rule, f.keyword, f.suggestion) for f in checker.check_text(text).findings
            if f.rule.startswith(("typo.char", "typo.word"))]
