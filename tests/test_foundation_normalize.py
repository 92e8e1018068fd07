"""Property tests of the normaliser's offset map (hypothesis)."""

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.normalize import MappedText, MappedTextBuilder, normalize

# Text like a government page pasted from Word: Chinese, traditional forms, full-width letters and
# digits, circled numbers, zero-width and control characters, odd whitespace, compatibility ideographs.
ALPHABET = st.sampled_from(list(
    "国务院人民政府通知截至的关于清河县年月日，。；：“”《》（）、"
    "國務院關於縣發佈與為這後"
    "ＡＢＣａｂｃ０１２３４５６７８９①②③⑩㈠㍿ﬁ"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00\x07\x1f\x7f"
    " \t\n\r\u3000\u00a0\u2002"
    "\uf900\uf9dc\u2f00\u2fd5abcXYZ019"
))
TEXT = st.lists(ALPHABET, max_size=80).map("".join)
settings.register_profile("foundation", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("foundation")


def _spans(m: MappedText):
    for i in range(len(m.text)):
        yield i, m.to_source(i, i + 1)


@given(TEXT)
def test_every_character_maps_to_a_non_empty_span_inside_the_source(text):
    m = normalize(text)
    assert m.source_length == len(text)
    prev_start = 0
    for i, (s, e) in _spans(m):
        assert 0 <= s < e <= len(text), (i, s, e)
        assert s >= prev_start  # monotone: order is kept
        prev_start = s


@given(TEXT, st.data())
def test_any_span_maps_back_inside_the_original_span(text, data):
    m = normalize(text)
    n = len(m.text)
    a = data.draw(st.integers(0, n))
    b = data.draw(st.integers(a, n))
    s, e = m.to_source(a, b)
    assert 0 <= s <= e <= len(text)
    if a < b:
        # the mapped span covers exactly the source of its first and last characters
        assert s == m.to_source(a, a + 1)[0] and e == m.to_source(b - 1, b)[1]
        # and the original characters normalise back to (at least) the matched text
        assert m.text[a:b] in normalize(text[s:e]).text


@given(TEXT)
def test_unchanged_characters_map_to_themselves(text):
    m = normalize(text)
    for i, (s, e) in _spans(m):
        if e - s == 1 and text[s] == m.text[i]:
            continue
        # a changed character comes from a source character it is a normal form of
        src = text[s:e]
        assert m.text[i] in normalize(src).text


@given(TEXT)
def test_normalised_text_is_clean(text):
    out = normalize(text).text
    assert "\u200b" not in out and "\ufeff" not in out and "\x00" not in out
    assert "  " not in out and "\t" not in out and "\r" not in out
    assert all(unicodedata.category(c) != "Cc" or c == "\n" for c in out)


@given(TEXT)
def test_normalisation_is_idempotent(text):
    once = normalize(text).text
    assert normalize(once).text == once


def test_a_match_in_normalised_text_maps_to_the_original_characters():
    text = "根据國\u200b務院《关于２０２４年度工作的通知》，截止\u3000６月３０日"
    m = normalize(text)
    i = m.text.index("国务院")
    s, e = m.to_source(i, i + 3)
    assert text[s:e] == "國\u200b務院"
    i = m.text.index("2024")
    s, e = m.to_source(i, i + 4)
    assert text[s:e] == "２０２４"
    i = m.text.index("截止 6月")
    assert text[slice(*m.to_source(i, i + 5))] == "截止\u3000６月"


@given(TEXT, TEXT)
def test_compose_maps_through_two_layers(text, _):
    base = normalize(text)
    # a second layer that drops every 的 and doubles every 国
    b = MappedTextBuilder(len(base.text))
    for i, ch in enumerate(base.text):
        if ch == "的":
            continue
        if ch == "国":
            b.replace("国国", i, i + 1)
        else:
            b.same(ch, i)
    layer = b.build().compose(base)
    assert layer.source_length == len(text)
    for i in range(len(layer.text)):
        s, e = layer.to_source(i, i + 1)
        assert 0 <= s < e <= len(text)
        assert layer.text[i] in normalize(text[s:e]).text


def test_char_table_disk_cache_is_written_reused_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    import sys

    module = sys.modules["scanner.normalize"]
    monkeypatch.setenv("CUOMIN_CACHE_DIR", str(tmp_path))
    built = module._build_char_table()
    (tmp_path / "normalize-table-0000000000000000.pickle").write_bytes(b"an older version's table")
    assert module.char_table.__wrapped__() == built
    [cache] = list(tmp_path.glob("normalize-table-*.pickle"))
    assert module.char_table.__wrapped__() == built  # read back from the cache
    cache.write_bytes(b"\x80\x05garbage")
    assert module.char_table.__wrapped__() == built  # damaged: rebuilt and rewritten
    assert cache.read_bytes() != b"\x80\x05garbage"
    assert built[0][ord("國")] == "国" and ord("著") not in built[0]


def test_the_no_change_shortcut_agrees_with_the_pattern_on_every_code_point():
    # normalize() skips its regex scan when _already_normal() says nothing would change; that set test
    # must name exactly the characters the pattern changes (space and newline change only in runs).
    from scanner.normalize import _already_normal, _special_chars, _special_re

    pattern, special = _special_re(), _special_chars()
    differ = [hex(c) for c in range(0x110000)
              if chr(c) not in " \n" and bool(pattern.match(chr(c))) != (chr(c) in special)]
    assert differ == []
    row = "张某某 110101199003071234 13800138000"
    assert _already_normal(f"{row}\n{row}")
    for changed in (f"{row}  x", f"{row}\n\n{row}", f"{row} \n", f"{row}\u3000", f"{row}\u200b", f"{row}\r\n"):
        assert not _already_normal(changed)
        assert normalize(changed).text != changed


@given(st.text(alphabet=st.sampled_from(list("张某 \n\t\r\u3000\u200b\u00a0\ufeff\x1c１ａ。，abc")), max_size=40))
def test_the_shortcut_is_taken_exactly_when_the_pattern_would_change_nothing(text):
    import importlib

    mod = importlib.import_module("scanner.normalize")  # the package re-exports the function under this name
    folded = text.replace("\t", " ")
    changes = [m for m in mod._special_re().finditer(folded) if m.group() not in mod._UNCHANGED]
    assert mod._already_normal(folded) == (not changes)
