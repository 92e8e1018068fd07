"""HTML extraction: charsets, the visible text stream, source map, templates, hidden text, links, tables, layout."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from scanner.detectors import Detector, DetectorRegistry
from scanner.errors import CorruptFile, LimitExceeded
from scanner.extract import ExtractOptions, extract
from scanner.extract.layout import is_red
from scanner.findings import Explanation, Finding, Severity
from scanner.pipeline import Checker

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>清河县人民政府-通知公告</title>
<style>
  .hide {{ display: none }}
  #footer p {{ color: #666 }}
  .red-title {{ color: rgb(240,89,62); font-size: 26pt; text-align: center; font-weight: bold }}
  .fwzh {{ border-bottom: 2px solid #f0593e; text-align: center }}
  .wrap .offscreen {{ position: absolute; left: -9999px }}
</style></head>
<body>
<div class="top"><a href="/">首页</a> <a href="/xwdt/">新闻动态</a> <a href="/tzgg/">通知公告</a></div>
<div id="content" class="wrap">
  <h1>关于朱镕基同志
  题词碑修缮工作的通知</h1>
  <p class="red-title">清河县人民政府文件</p>
  <p class="fwzh">清政发〔2024〕8号</p>
  <p>各乡镇人民政府，县直各单位：</p>
  <p>现将《清河县2024年度重点工作任务分工方案》印发给你们，请认真贯彻落实。<a href="../files/fa.docx">附件下载</a></p>
  <table class="gs">
    <thead><tr><th>序号</th><th>姓名</th><th>联系电话</th></tr></thead>
    <tbody><tr><td>1</td><td>王某某</td><td>13800000000</td></tr>
           <tr><td rowspan="2">2</td><td>李某</td><td>13900000000</td></tr>
           <tr><td>赵某</td><td>13700000000</td></tr></tbody>
  </table>
  <img src="/img/a.jpg" alt="县长调研安全生产" title="调研现场">
  <div class="hide"><a href="http://bet.example.com/">百家乐在线</a></div>
  <div class="offscreen"><a href="http://bet.example.com/2">代开发票</a></div>
  <div style="height:0;overflow:hidden"><a href="http://bet.example.com/3">六合彩</a></div>
  <p style="visibility:hidden">看不见<span style="visibility:visible">看得见</span></p>
</div>
<div id="footer"><p>主办单位：清河县人民政府办公室</p><p>咨询电话：0311-12345678</p></div>
</body></html>
"""


def _doc(charset="utf-8", encoding="utf-8", source="http://www.qinghe.gov.example/tzgg/202403/t1.html", **kw):
    return extract(PAGE.format(charset=charset).encode(encoding), source, **kw)


def _seg(doc, needle):
    i = doc.text.index(needle)
    return doc.segment_at(i), i


def test_gb2312_label_is_decoded_as_gb18030_with_characters_outside_gb2312():
    with pytest.raises(UnicodeEncodeError):
        "镕".encode("gb2312")
    doc = _doc(charset="gb2312", encoding="gb18030")
    assert "关于朱镕基同志题词碑修缮工作的通知" in doc.text
    assert doc.metadata["encoding"] == "gb18030" and doc.metadata["encoding_from"] == "meta"


def test_charset_order_bom_then_header_then_meta_then_detection():
    body = PAGE.format(charset="utf-8")
    gbk = body.encode("gb18030")
    # The HTTP header wins over a wrong <meta>.
    doc = extract(gbk, "http://x.example/a.html", content_type="text/html",
                  options=ExtractOptions(headers={"Content-Type": "text/html; charset=GBK"}))
    assert "朱镕基" in doc.text and doc.metadata["encoding_from"] == "header"
    # No header: a <meta> claiming utf-8 on GBK bytes does not fit, so detection decides.
    doc = extract(gbk, "a.html")
    assert "朱镕基" in doc.text and doc.metadata["encoding_from"] == "detected"
    # A BOM wins over everything.
    doc = extract(b"\xef\xbb\xbf" + body.encode("utf-8"), "a.html",
                  options=ExtractOptions(headers={"Content-Type": "text/html; charset=gbk"}))
    assert "朱镕基" in doc.text and doc.metadata["encoding_from"] == "bom"
    # No label at all: GB18030 bytes are detected.
    plain = "<html><body><p>清河县融媒体中心关于朱镕基同志题词的说明</p></body></html>".encode("gb18030")
    doc = extract(plain, "b.htm")
    assert doc.text == "清河县融媒体中心关于朱镕基同志题词的说明"


def test_invalid_byte_sequences_are_replaced_not_fatal():
    data = "<html><body><p>清河县人民政府".encode() + b"\xff\xfe\x80" + "办公室</p></body></html>".encode()
    doc = extract(data, "bad.html")
    assert doc.text.startswith("清河县人民政府") and doc.text.endswith("办公室")
    assert "\ufffd" in doc.text


def test_visible_text_stream_order_and_roles():
    doc = _doc()
    t = doc.text
    assert doc.title == "清河县人民政府-通知公告" and t.startswith("清河县人民政府-通知公告\n")
    # line breaks inside Chinese text vanish; blocks are separated by newlines
    assert "\n关于朱镕基同志题词碑修缮工作的通知\n清河县人民政府文件\n清政发〔2024〕8号\n" in t
    assert "首页 新闻动态 通知公告" in t
    assert "序号\t姓名\t联系电话\n1\t王某某\t13800000000\n" in t
    assert t.index("附件下载") < t.index("序号") < t.index("县长调研安全生产") < t.index("调研现场")
    roles = {needle: _seg(doc, needle)[0].role for needle in
             ("清河县人民政府-通知公告", "关于朱镕基", "各乡镇", "王某某", "附件下载", "县长调研安全生产")}
    assert roles == {"清河县人民政府-通知公告": "title", "关于朱镕基": "heading", "各乡镇": "body",
                     "王某某": "cell", "附件下载": "link", "县长调研安全生产": "alt"}
    assert "<" not in t and "display" not in t  # no markup, no CSS


def test_template_regions_are_flagged():
    doc = _doc()
    for needle in ("首页", "主办单位：清河县人民政府办公室"):
        assert _seg(doc, needle)[0].template, needle
    for needle in ("关于朱镕基", "各乡镇", "王某某"):
        assert not _seg(doc, needle)[0].template, needle


def test_common_cms_template_names_and_content_names():
    html = ('<html><body><div class="gl-header">网站首页</div><div id="wzdb">主办：清河县人民政府</div>'
            '<div class="bottom_copy">版权所有</div><div class="article-header">正文标题</div>'
            '<div class="dqwz">当前位置：首页</div><main><div class="nav">正文导航</div></main>'
            '<div class="zw">正文内容</div></body></html>').encode()
    doc = extract(html, "a.html")
    flags = {s.start: s.template for s in doc.segments}
    got = {doc.text[s.start:s.end]: flags[s.start] for s in doc.segments}
    assert got == {"网站首页": True, "主办：清河县人民政府": True, "版权所有": True, "正文标题": False,
                   "当前位置：首页": True, "正文导航": False, "正文内容": False}


def test_hidden_text_is_kept_and_flagged():
    doc = _doc()
    for needle in ("百家乐在线", "代开发票", "六合彩", "看不见"):
        seg, _ = _seg(doc, needle)
        assert seg.hidden, needle
    for needle in ("看得见", "各乡镇", "首页"):
        assert not _seg(doc, needle)[0].hidden, needle


@pytest.mark.parametrize("style", ["display:none", "visibility:hidden", "position:absolute;top:-1000px",
                                   "text-indent:-9999px", "width:0;height:0;overflow:hidden", "font-size:0",
                                   "opacity:0", "width:1px;height:1px;overflow:hidden"])
def test_each_hiding_technique(style):
    html = (f'<html><body><p>清河县人民政府</p><div style="{style}"><a href="http://x.example/">博彩平台</a></div>'
            '</body></html>').encode()
    doc = extract(html, "a.html")
    assert _seg(doc, "博彩平台")[0].hidden and not _seg(doc, "清河县人民政府")[0].hidden
    assert [link.hidden for link in doc.links] == [True]


def test_hidden_via_marquee_attributes():
    html = '<html><body><marquee height="1" width="1"><a href="http://x.example/">代开发票</a></marquee></body></html>'
    doc = extract(html.encode(), "a.html")
    assert doc.links[0].hidden and _seg(doc, "代开发票")[0].hidden


def test_links_are_resolved_with_text_and_hidden_flag():
    doc = _doc()
    by_text = {link.text: link for link in doc.links}
    assert by_text["新闻动态"].href == "http://www.qinghe.gov.example/xwdt/"
    assert by_text["附件下载"].href == "http://www.qinghe.gov.example/tzgg/files/fa.docx"
    assert by_text["百家乐在线"].hidden and by_text["百家乐在线"].href == "http://bet.example.com/"
    assert not by_text["首页"].hidden
    # a local file keeps hrefs as written; <base href> applies when present
    assert {lk.href for lk in _doc(source="site/a.html").links} >= {"/xwdt/", "../files/fa.docx"}
    doc = extract(b'<html><head><base href="http://www.qinghe.gov.example/zwgk/"></head>'
                  b'<body><a href="t1.html">x</a></body></html>', "a.html")
    assert doc.links[0].href == "http://www.qinghe.gov.example/zwgk/t1.html"


def test_tables_cell_by_cell_with_rowspan_and_header_row():
    doc = _doc()
    [table] = doc.tables
    assert table.header_row == 0
    grid = {(c.row, c.col): doc.text[c.start:c.end] for c in table.cells}
    assert grid[(0, 1)] == "姓名" and grid[(1, 1)] == "王某某" and grid[(2, 2)] == "13900000000"
    assert grid[(3, 1)] == "赵某" and grid[(3, 2)] == "13700000000"  # rowspan shifts the row's cells right
    assert table.header(doc.text) == {0: "序号", 1: "姓名", 2: "联系电话"}
    assert [doc.text[c.start:c.end] for c in table.column(1)] == ["姓名", "王某某", "李某", "赵某"]


def test_layout_runs_and_rules_for_the_red_header_check():
    doc = _doc()
    page = doc.layout.pages[0]
    assert doc.layout.kind == "html"
    red = [r for r in page.runs if r.text == "清河县人民政府文件"]
    assert len(red) == 1
    run = red[0]
    assert run.color == (240, 89, 62) and is_red(run.color) and run.size_pt == 26 and run.bold
    assert run.align == "center" and doc.text[run.start:run.end] == "清河县人民政府文件" and run.source == "css"
    # nav/footer and hidden text are not layout evidence
    assert not any(r.text in ("首页", "百家乐在线", "主办单位：清河县人民政府办公室") for r in page.runs)
    [rule] = [r for r in page.rules if r.kind == "border"]
    fwzh = next(r for r in page.runs if r.text == "清政发〔2024〕8号")
    assert is_red(rule.color) and rule.order > fwzh.order
    assert rule.width_mm == pytest.approx(0.529, abs=0.01)


def test_font_color_and_hr_rules():
    html = ('<html><body><center><font color="#FF0000" size="7"><b>清河县财政局文件</b></font></center>'
            '<hr color="red" size="3"><hr><p>正文</p></body></html>').encode()
    page = extract(html, "a.html").layout.pages[0]
    run = page.runs[0]
    assert run.color == (255, 0, 0) and run.size_pt == 36 and run.bold and run.align == "center"
    assert [(r.kind, r.color) for r in page.rules] == [("hr", (255, 0, 0)), ("hr", None)]


class _Keywords(Detector):
    name = "kw"

    def detect(self, a):
        for term in ("截止", "王某某", "百家乐", "主办单位"):
            i = a.norm.text.find(term)
            while i >= 0:
                s, e = a.norm.to_source(i, i + len(term))
                yield Finding("kw", "kw." + term, "demo", Severity.LOW, s, e, term, None, Explanation("demo"))
                i = a.norm.text.find(term, i + 1)


def test_source_map_points_a_finding_at_its_element_and_offset():
    page = PAGE.replace("请认真贯彻落实。", "请于截止日期前认真贯彻落实。")
    data = page.format(charset="utf-8").encode()
    doc = extract(data, "t.html")
    reg = DetectorRegistry(use_entry_points=False)
    reg.register(_Keywords)
    result = Checker(detectors=["kw"], registry=reg).check(doc)
    tree = LexborHTMLParser(data.decode())
    seen = set()
    for f in result.findings:
        loc = f.location
        node = tree.css_first(loc["selector"])
        assert node is not None, loc
        element_text = node.text()
        assert element_text[loc["offset"]:loc["offset"] + len(f.keyword)] == f.keyword, (f.keyword, loc)
        seen.add(f.keyword)
        assert f.hidden == (f.keyword == "百家乐") and f.template == (f.keyword == "主办单位")
    assert seen == {"截止", "王某某", "百家乐", "主办单位"}
    cell = next(f for f in result.findings if f.keyword == "王某某")
    assert cell.location["selector"].endswith("tr:nth-of-type(1) > td:nth-of-type(2)")


def test_binary_garbage_named_html_is_a_clear_error():
    import random

    rnd = random.Random(7)
    with pytest.raises(CorruptFile, match="binary"):
        extract(bytes(rnd.randrange(256) for _ in range(20000)), "index.html")


def test_oversized_page_is_refused_before_parsing():
    from scanner.extract import html

    with pytest.raises(LimitExceeded, match="MiB"):
        extract(b"<p>" + b"a" * (html.MAX_HTML_BYTES + 1), "big.html")


def test_deep_nesting_is_flattened_not_recursed():
    depth = 10_000
    data = ("<html><body>" + "<div><span>层</span>" * depth + "清河县" + "</div>" * depth + "</body></html>").encode()
    doc = extract(data, "deep.html")
    assert doc.text.endswith("清河县") and doc.text.count("层") == depth
    assert all(len(s.location.selector) < 5000 for s in doc.segments)


def test_layout_describes_only_the_first_blocks_of_visible_content():
    from scanner.extract import html

    paragraphs = "".join(f"<p>第{i}段正文</p>" for i in range(html.LAYOUT_BLOCKS + 20))
    data = (f'<html><body><div class="nav">{"".join(f"<a href=/{i}>栏目{i}</a>" for i in range(60))}</div>'
            f'<div class="content"><p style="color:#f0593e;text-align:center">清河县人民政府文件</p>{paragraphs}'
            '</div></body></html>').encode()
    page = extract(data, "a.html").layout.pages[0]
    assert page.runs[0].text == "清河县人民政府文件"  # the 60 nav links do not use up the budget
    assert len(page.runs) == html.LAYOUT_BLOCKS
    assert page.runs[-1].text == f"第{html.LAYOUT_BLOCKS - 2}段正文"


def test_frames_iframes_and_meta_refresh_are_links_for_the_crawler():
    data = (b'<html><head><meta http-equiv="refresh" content="0; url=/sy/index.html"></head>'
            b'<body><iframe src="/zwgk/frame.html"></iframe></body></html>')
    doc = extract(data, "http://www.qinghe.gov.example/index.html")
    assert {(lk.href, lk.rel) for lk in doc.links} == {
        ("http://www.qinghe.gov.example/sy/index.html", "refresh"),
        ("http://www.qinghe.gov.example/zwgk/frame.html", "frame")}


@pytest.mark.parametrize("head", [b"<!-- TRS WCM 6.0 -->\n<!DOCTYPE html><html>", b"<?xml version='1.0'?>\n<html>",
                                  b"\xef\xbb\xbf<title>", b"  <HTML>"])
def test_html_is_sniffed_without_a_name_or_content_type(head):
    from scanner.extract import sniff_media_type

    assert sniff_media_type(head + b"<body><p>x</p></body></html>", filename="/tzgg/detail") == "text/html"
    assert sniff_media_type("清河县人民政府<办公室>".encode(), filename=None) == "text/plain"
