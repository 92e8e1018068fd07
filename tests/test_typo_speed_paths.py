"""The typo detector's fast paths give what the plain per-clause path gives (no timing here: speed
figures live in bench/typo_articles.py, bench/typo_speed.py and docs/benchmarks.md)."""

import itertools

import pytest

from scanner.detectors.typo import TypoDetector, formal
from scanner.detectors.typo.chars import CharParams, check_clause, check_document
from scanner.detectors.typo.protect import protected_offsets
from scanner.document import Document
from scanner.nlp.lexicon import lexicon
from scanner.nlp.segment import _tokenize, cut_columns, segment
from scanner.nlp.sentences import split_clauses
from scanner.pipeline import Analysis
from scanner.site import SiteConfig

TEXTS = [
    "内蒙古自治区乌兰察布市大力培育发展大数局产业。联席悔意办公室设在市发展改革委。",
    "各地要统愁规划，做好项目储备；完善检验检侧体系，加强质量安全监管。",
    "县级以上人民政府应当把档案事业建设列入国民经济和社会发展计化。会议照开了工作会议会议。",
    "《关于进一步加强大数局管理的通知》指出：“各地要统愁规划”。主任高雨同志出席。",
    "mixed ASCII abc123 x.y-z 100% 与 emoji 😀 中文\u3000全角空格 e\u0301t\r\n第二行\r第三段 \t 制表",
    "湾沚镇小庄村党总支书记带领群众发展产业，西安市鄠邑区蒋村街道办事处开展防汛演练。",
    "",
    "一",
    "的的确确是是工作工作",
]


@pytest.mark.parametrize("text", TEXTS)
def test_cut_columns_are_the_tokenizer_offsets(text):
    words, starts, ends = cut_columns(text)
    assert list(zip(words, starts, ends)) == [tuple(t) for t in _tokenize()(text, hmm=False)]
    assert "".join(words) == text


def _per_clause(text, protected, params):
    """The plain path: each clause with its own tokens from the document's segmentation."""
    toks = segment(text)
    out = []
    for s, e in split_clauses(text):
        if e - s < 2:
            continue
        local = [(w, a - s, b - s) for w, a, b in toks if a >= s and b <= e]
        if sum(b - a for _, a, b in local) != e - s:
            local = None
        hits = check_clause(text[s:e], protected, params, base=s, toks=local)
        if hits:
            out.append((s, hits))
    return out


@pytest.mark.parametrize("params", [CharParams(), CharParams(real_words=True), CharParams(max_single_freq=50_000),
                                    CharParams(min_score=0.0)])
def test_check_document_equals_check_clause_per_clause(params):
    text = "\n".join(TEXTS)
    protected = protected_offsets(text)
    words, starts, _ = cut_columns(text)
    fast = list(check_document(text, words, starts, split_clauses(text), protected, params))
    assert fast == _per_clause(text, protected, params)
    assert any(hits for _, hits in fast)  # the texts do hold typos


def test_a_clause_edge_inside_a_token_is_segmented_on_its_own():
    # "\r\n" is one jieba token, but a clause ends at the line break: the clause is cut alone
    text = "发展大数局产业\r\n各地要统愁规划"
    words, starts, _ = cut_columns(text)
    assert "\r\n" in words
    protected = protected_offsets(text)
    fast = list(check_document(text, words, starts, split_clauses(text), protected, CharParams()))
    assert fast == _per_clause(text, protected, CharParams())
    assert [h.cand for _, hits in fast for h in hits] == ["据", "筹"]


def test_duplicates_take_plain_tuples():
    text = "的的确确是是工作工作要要"
    toks = list(zip(*cut_columns(text)))
    hits = list(formal.duplicates(text, toks, lexicon().freq))
    assert hits == list(formal.duplicates(text, segment(text), lexicon().freq))
    assert [h.suggestion for h in hits] == ["是", "工作"]  # 的的确确 is a word; 要 is not a doubled filler


def test_detector_findings_are_stable_across_repeats():
    # the same document twice in one process (warm per-word caches) gives the same findings
    det = TypoDetector()
    text = "\n".join(TEXTS)

    def run():
        return [(f.rule, f.start, f.end, f.suggestion, f.confidence)
                for f in det.detect(Analysis(Document.from_text(text), SiteConfig()))]

    first = run()
    assert first == run()
    assert any(r.startswith("typo.char") for r, *_ in first)


def test_tokens_cover_the_text():
    for text in TEXTS:
        words, starts, ends = cut_columns(text)
        assert all(a == b for a, b in zip(ends, starts[1:]))
        assert all(e - s == len(w) for w, s, e in zip(words, starts, ends))
        assert (ends[-1] if ends else 0) == len(text)
        assert list(itertools.accumulate(map(len, words))) == ends


def _random_texts():
    import random

    from scanner.detectors.typo import protect

    rnd = random.Random(5)
    # the characters the patterns care about, and some others
    alphabet = ("发函字办令电复规报通告批呈〔〕[]()（）【】 第号0123456789年月日星期周一二三四五六七八九十〇零天"
                "乡镇村县区旗街道苏木嘎查社区政府小学党委人民，、。；\n主任国务院办公厅的了是工作")
    out = ["国办发〔2024〕12号 国发(2023)第05号 京政办发〔24〕3号 报2024年",
           "2024年2月30日（星期三） 十三月五日 二〇二四年五月二十日（周一） 农历正月十五日 12月1日",
           "湾沚镇小庄村党总支 新营镇寨子村 阔洪奇乡，西安市鄠邑区蒋村街道办事处 苏木嘎查"]
    for _ in range(400):
        out.append("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 80))))
    return out, protect


def test_finditer_near_gives_finditer_matches():
    from scanner.detectors.typo import common

    texts, protect = _random_texts()
    cases = [(formal._DOCNUM, lambda t: [m.start() for m in formal._DOCNUM_CORE.finditer(t)], 10),
             (formal._DATE, lambda t: [m.start() for m in formal._MONTH.finditer(t)], 8),
             (protect._PLACE, lambda t: [m.start() for m in protect._PLACE_SUFFIX.finditer(t)], 3)]
    found = 0
    for pattern, anchors, before in cases:
        for t in texts:
            want = [(m.span(), m.groups()) for m in pattern.finditer(t)]
            got = [(m.span(), m.groups()) for m in common.finditer_near(pattern, t, anchors(t), before)]
            assert got == want, (pattern.pattern[:30], t)
            found += len(want)
    assert found > 100


def test_clause_cache_gives_what_computing_gives():
    from scanner.detectors.typo.chars import ClauseCache

    text = "\n".join(TEXTS * 2)  # every clause twice: the second time from the cache
    protected = protected_offsets(text)
    words, starts, _ = cut_columns(text)
    cache = ClauseCache(64)
    plain = list(check_document(text, words, starts, split_clauses(text), protected, CharParams()))
    cached = list(check_document(text, words, starts, split_clauses(text), protected, CharParams(), cache))
    again = list(check_document(text, words, starts, split_clauses(text), protected, CharParams(), cache))
    assert plain == cached == again
    assert cache.hits > cache.misses > 0
    # the same clause text with other protected characters is not taken from the cache
    assert list(check_document(text, words, starts, split_clauses(text), frozenset(range(len(text))),
                               CharParams(), cache)) == []
    small = ClauseCache(2)
    list(check_document(text, words, starts, split_clauses(text), protected, CharParams(), small))
    assert len(small) == 2


def test_clause_cache_is_not_part_of_the_ruleset():
    on, off = TypoDetector(), TypoDetector({"clause_cache": 0})
    assert on.clause_cache is not None and off.clause_cache is None
    assert list(on.ruleset_parts()) == list(off.ruleset_parts())
    text = "\n".join(TEXTS)

    def run(det):
        return [(f.rule, f.start, f.end, f.suggestion, f.confidence)
                for f in det.detect(Analysis(Document.from_text(text), SiteConfig()))]

    assert run(on) == run(off) == run(on)


def test_detectors_with_other_parameters_share_the_cache_apart():
    text = "\n".join(TEXTS)

    def run(config):
        det = TypoDetector(config)
        return [(f.rule, f.start, f.end, f.suggestion, f.confidence)
                for f in det.detect(Analysis(Document.from_text(text), SiteConfig()))]

    strict, loose = {"min_score": 0.99}, {"min_score": 0.0}
    want = {name: run({**cfg, "clause_cache": 0}) for name, cfg in (("strict", strict), ("loose", loose))}
    assert want["strict"] != want["loose"]
    for _ in range(2):  # the second time from the (one, shared) cache
        assert run(strict) == want["strict"]
        assert run(loose) == want["loose"]
    assert TypoDetector().clause_cache is TypoDetector(strict).clause_cache
