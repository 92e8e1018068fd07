"""The evasion-folding layer: the fast path and the offset-mapped path agree, offsets are exact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.detectors.sensitive.fold import LineMapper, fold_key, fold_mapped, fold_text
from scanner.normalize import normalize

ALPHABET = "百家乐在线代开发票一二三壹贰①❶⻋ＡBc @*#・“”《》，。、\n\u200b樂發0123456789 　"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_fast_and_mapped_folds_agree(text):
    norm = normalize(text)
    mapped = fold_mapped(norm)
    assert mapped.text == fold_text(norm.text)
    # every folded character maps inside the normalised text, in order
    last = 0
    for i in range(len(mapped.text)):
        a, b = mapped.to_source(i, i + 1)
        assert last <= a < b <= len(norm.text)
        last = a
    lm = LineMapper(norm.text, mapped.text)
    for i in range(len(mapped.text)):
        assert lm.to_norm(i, i + 1) == mapped.to_source(i, i + 1)


def test_folding_rules():
    assert fold_key("百@家*乐 在\u200b线") == "百家乐在线"
    assert fold_key("百百家家乐乐") == "百家乐"
    assert fold_key("三三退退") == "3退"  # Chinese numerals collapse before becoming digits
    assert fold_key("1000元") == "1000元"  # digits never collapse
    assert fold_key("壹贰叁①❷⒊") == "123123"
    assert fold_key("⻋⼈") == "车人"
    assert fold_key("ВЕТ365") == "bet365"  # Cyrillic look-alikes
    assert fold_key("發票") == "发票"
    # clause punctuation and line breaks are kept: no match across clauses
    assert fold_text("代开，发票") == "代开，发票"
    assert fold_text("代开\n发票") == "代开\n发票"


def test_original_offsets_through_both_layers():
    text = "Ａ：百\u200b＠家　樂在線！"
    norm = normalize(text)
    mapped = fold_mapped(norm).compose(norm)
    i = mapped.text.index("百家乐在线")
    a, b = mapped.to_source(i, i + 5)
    assert text[a:b] == "百\u200b＠家　樂在線"
