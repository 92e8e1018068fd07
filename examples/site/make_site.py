"""Build the example site: 清河县人民政府门户网站 (a fictional county government; every name is invented).

    python examples/site/make_site.py        # writes the HTML pages and expected.json
    python examples/site/make_attachments.py # writes the PDF/DOCX/XLSX attachments

The pages share one template (header, navigation, breadcrumb, footer).  Problems of every
kind cuomin finds are planted on purpose and listed in ``expected.json`` (personal data there
only in masked form); ``must_not_report`` lists look-alikes that are correct.  Personal data is
synthetic: names are invented, resident ID numbers are generated with valid check digits.
Run from anywhere; output goes next to this file.  The output is committed.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = "清河县人民政府"
# The planted template problem: 办公室 misspelt 办工室 in the footer of every page.
FOOTER_ORG = "清河县人民政府办工室"

COLUMNS = [  # (path, name)
    ("xwdt", "新闻动态"), ("tzgg", "通知公告"), ("zwgk", "政府信息公开"), ("gsgg", "公示公告"),
    ("hdjl", "互动交流"), ("zjqh", "走进清河"),
]


def resident_id(region: str, birth: str, seq: str) -> str:
    """A synthetic 18-digit resident ID number with a valid GB 11643 check digit."""
    body = region + birth + seq
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def mask_id(value: str) -> str:
    return value[:4] + "*" * 10 + value[-4:]


def mask_mobile(value: str) -> str:
    return value[:3] + "****" + value[-4:]


# Synthetic people of the 低保 公示 (names invented; IDs generated; mobiles in unassigned-looking ranges).
PEOPLE = [
    ("刘某芳", resident_id("130534", "19620314", "402"), "13831204567", "王官庄镇东街村", "因病致贫"),
    ("陈某军", resident_id("130534", "19750822", "213"), "15903186652", "连庄镇西刘村", "残疾"),
    ("赵某兰", resident_id("130534", "19580105", "128"), "13703189921", "葛仙庄镇北李村", "年老体弱"),
]
MASKED_ROW = ("孙某强", "130534********2316", "139****6623", "谢炉镇前营村", "因学致贫")
HIRES = [  # the XLSX attachment of the 招聘 公示
    ("周某婷", resident_id("130534", "19980711", "024"), "18233196784", "综合管理岗"),
    ("吴某涛", resident_id("130502", "19970203", "157"), "17736152209", "财务会计岗"),
]


def template(title: str, column: str | None, crumbs: list[tuple[str, str]], body: str, *, charset: str = "utf-8",
             depth: int = 0, extra_head: str = "") -> str:
    up = "../" * depth
    nav = "".join(f'<li><a href="{up}{path}/index.html">{name}</a></li>' for path, name in COLUMNS)
    crumb = " &gt; ".join([f'<a href="{up}index.html">首页</a>'] + [f'<a href="{up}{h}">{t}</a>' for h, t in crumbs])
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="SiteName" content="{SITE}">
<meta name="ColumnName" content="{column or '首页'}">
<title>{title}_{SITE}</title>
<link rel="stylesheet" href="{up}css/site.css">
<style>
  .top .logo {{ font-size: 28px; color: #fff; font-weight: bold }}
  .ggzx {{ color: #c00 }}
{extra_head}</style>
</head>
<body>
<div class="top">
  <div class="logo">清河县人民政府</div>
  <div class="top-links"><a href="{up}index.html">设为首页</a> | <a href="{up}zjqh/index.html">走进清河</a> | <a href="https://www.gov.cn/">中国政府网</a></div>
</div>
<div class="nav"><ul><li><a href="{up}index.html">首页</a></li>{nav}</ul></div>
<div class="dqwz">当前位置：{crumb}</div>
<div class="main">
{body}
</div>
<div id="footer" class="footer">
  <p>主办单位：{FOOTER_ORG}　承办：清河县融媒体中心</p>
  <p>网站标识码：1305340001　某ICP备20240001号　政务服务便民热线：12345</p>
  <p>地址：清河县人民路88号　邮编：054899</p>
</div>
</body>
</html>
"""


def article(title: str, date: str, source: str, paragraphs: list[str], *, extra: str = "") -> str:
    ps = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<div class="article">
<h1 class="title">{title}</h1>
<div class="info">发布时间：{date}　来源：{source}　<span class="ggzx">【打印本页】</span></div>
<div id="zoom" class="content">
{ps}
{extra}
</div>
</div>"""


def listing(heading: str, items: list[tuple[str, str, str]]) -> str:
    lis = "\n".join(f'<li><a href="{href}">{text}</a><span>{date}</span></li>' for href, text, date in items)
    return f'<div class="list"><h2>{heading}</h2><ul>\n{lis}\n</ul>\n<div class="page">共{len(items)}条　第1页</div></div>'


# ----------------------------------------------------------------------------------------------- pages

PAGES: dict[str, dict] = {}


def page(path: str, title: str, column: str | None, crumbs, body: str, charset: str = "utf-8", extra_head: str = ""):
    PAGES[path] = dict(html=template(title, column, crumbs, body, charset=charset, depth=path.count("/"),
                                     extra_head=extra_head), charset=charset)


XWDT = [
    ("2024/t20240315_1001.html", "清河县召开2024年一季度经济运行分析会", "2024-03-15"),
    ("2024/t20240408_1002.html", "我县部署春季农业生产和防灾减灾工作", "2024-04-08"),
    ("2024/t20240520_1003.html", "县融媒体中心开展“新闻进基层”采访活动", "2024-05-20"),
]
TZGG = [
    ("t20240301_2001.html", "清河县人民政府关于下达2024年城乡居民最低生活保障资金的通知", "2024-03-01"),
    ("t20240412_2002.html", "关于开展政务公开标准化规范化工作自查的通知", "2024-04-12"),
    ("t20231201_1999.html", "关于做好2024年元旦春节期间安全生产工作的通知", "2023-12-01"),  # missing page
]
ZWGK = [
    ("t20240110_3001.html", "清河县人民政府2023年政府信息公开工作年度报告", "2024-01-10"),
    ("t20240226_3002.html", "清河县2024年重点民生实事项目清单", "2024-02-26"),
]
GSGG = [
    ("t20240605_4001.html", "2024年第二季度城乡低保新增对象公示", "2024-06-05"),
    ("t20240618_4002.html", "清河县2024年公开招聘事业单位工作人员拟录用人员公示", "2024-06-18"),
]
HDJL = [("t20240320_5001.html", "关于王官庄镇东街村路灯维修的咨询", "2024-03-20")]

# Home page: latest items, and a hidden dark link with an evaded gambling term pointing off-site.
home = f"""<div class="banner"><img src="images/banner.jpg" alt="清河县城市风貌" title="美丽清河"></div>
<div class="col-left">
{listing("新闻动态", [("xwdt/" + h, t, d) for h, t, d in XWDT])}
{listing("通知公告", [("tzgg/" + h, t, d) for h, t, d in TZGG[:2]])}
</div>
<div class="col-right">
{listing("公示公告", [("gsgg/" + h, t, d) for h, t, d in GSGG])}
<div class="zt"><h2>专题专栏</h2><p><a href="zwgk/t20240226_3002.html">2024年民生实事</a>　<a href="zjqh/index.html">走进清河</a></p></div>
</div>
<div class="yqlj"><h2>友情链接</h2><a href="https://www.gov.cn/">中国政府网</a></div>
<div style="position:absolute;left:-9999px;top:-9999px"><a href="http://bjl88.example.com/?from=qinghe">百@家*乐在线 真人娱乐 注册就送</a></div>"""
page("index.html", "首页", None, [], home)

page("xwdt/index.html", "新闻动态", "新闻动态", [("xwdt/index.html", "新闻动态")],
     listing("新闻动态", [(h, t, d) for h, t, d in XWDT]))
page("tzgg/index.html", "通知公告", "通知公告", [("tzgg/index.html", "通知公告")],
     listing("通知公告", [(h, t, d) for h, t, d in TZGG]))
page("zwgk/index.html", "政府信息公开", "政府信息公开", [("zwgk/index.html", "政府信息公开")],
     listing("政府信息公开", [(h, t, d) for h, t, d in ZWGK])
     + '<div class="gknr"><h2>法定主动公开内容</h2><p>机构职能　政策文件　财政预决算　重点领域信息公开</p>'
       '<p>依申请公开受理机构：清河县人民政府办公室　咨询电话：0318-5260135</p></div>')
page("gsgg/index.html", "公示公告", "公示公告", [("gsgg/index.html", "公示公告")],
     listing("公示公告", [(h, t, d) for h, t, d in GSGG]))
page("hdjl/index.html", "互动交流", "互动交流", [("hdjl/index.html", "互动交流")],
     listing("县长信箱留言选登", [(h, t, d) for h, t, d in HDJL])
     + '<div class="tip"><p>留言须知：请勿在留言中填写身份证号码等个人信息。办理时限为15个工作日。</p></div>')
page("zjqh/index.html", "走进清河", "走进清河", [("zjqh/index.html", "走进清河")], article(
    "清河概况", "2024-01-02", "清河县地方志办公室", [
        "清河县地处华北平原，总面积502平方公里，辖6个镇、3个乡，总人口约38万人。",
        "全县坚持以乡村振兴为总抓手，大力发展羊绒、汽配、新能源等特色产业，县域经济综合实力稳步提升。",
        "近年来，清河县先后获得国家卫生县城、省级文明县城等称号。",
    ]))

# -- 新闻动态 ---------------------------------------------------------------------------------
page("xwdt/" + XWDT[0][0], XWDT[0][1], "新闻动态", [("xwdt/index.html", "新闻动态")], article(
    XWDT[0][1], XWDT[0][2], "县发展改革局", [
        "3月14日，县政府召开2024年一季度经济运行分析会，听取各部门经济运行情况汇报，研究部署下一阶段重点工作。",
        # planted typo: 截止 before a time point (截至 is meant)
        "会议通报，截止2024年3月底，全县规模以上工业增加值同比增长6.8%，固定资产投资同比增长9.2%，"
        "社会消费品零售总额同比增长5.1%，主要经济指标实现“开门红”。",
        # correct usage, must not be reported
        "会议要求，各乡镇、各部门要紧盯全年目标任务，项目申报材料于4月10日截止，逾期不再受理。",
        "截至目前，全县新签约亿元以上项目12个，计划总投资46.3亿元。",
    ]))
page("xwdt/" + XWDT[1][0], XWDT[1][1], "新闻动态", [("xwdt/index.html", "新闻动态")], article(
    XWDT[1][1], XWDT[1][2], "县农业农村局", [
        # planted typos: 布署 (部署), 的的
        "4月7日，县政府召开全县春季农业生产和防灾减灾工作会议，对春耕备播、农资供应和防汛抗旱等工作进行安排布署。",
        "会议指出，做好春季农业生产是全年农业农村工作的的基础，各乡镇要压实责任，确保粮食播种面积稳定在86万亩以上。",
        "会议强调，要加强农资市场监管，严厉打击制售假劣农资行为，切实保障农民群众合法权益。",
    ]))
page("xwdt/" + XWDT[2][0], XWDT[2][1], "新闻动态", [("xwdt/index.html", "新闻动态")], article(
    XWDT[2][1], XWDT[2][2], "县融媒体中心　记者 张镕", [
        # GB18030 page labelled gb2312; 镕 is outside GB2312
        "5月中旬，县融媒体中心组织记者深入乡镇、社区开展“新闻进基层”采访活动，记者张镕、刘堃参加。",
        # planted improper wording: 台湾总统 (台湾地区领导人)
        "在葛仙庄镇的座谈会上，返乡台胞李先生谈到两岸交流时提到，台湾总统选举结果并不影响两岸民间往来的大势。",
        "活动期间，采访组共采写稿件32篇，拍摄短视频18条，集中展示了基层干部群众的精神风貌。",
    ]), charset="gb2312")

# -- 通知公告 ---------------------------------------------------------------------------------
page("tzgg/" + TZGG[0][0], TZGG[0][1], "通知公告", [("tzgg/index.html", "通知公告")], article(
    TZGG[0][1], TZGG[0][2], "县政府办公室", [
        # planted: bad 发文字号 (清政发〔2024〕8号), 帐户 in a money context, wrong series 省、市、自治区
        "清政发[2024]第08号",
        "各乡镇人民政府，县直各有关单位：",
        "根据《国务院关于进一步加强和改进最低生活保障工作的意见》和民政部关于各省、市、自治区做好城乡低保工作的有关要求，"
        "现将我县2024年城乡居民最低生活保障资金下达给你们，请按照有关规定及时发放。",
        "一、本次下达资金共计1860万元，由县财政局直接拨付至各乡镇财政所专用帐户，专款专用。",
        "二、各乡镇要严格执行低保资金社会化发放制度，确保资金足额、及时发放到户。",
        "附件：<a href=\"files/qzf-2024-8.pdf\">清河县人民政府文件（清政发〔2024〕8号）.pdf</a>　"
        "<a href=\"files/dbzj-fpfa.docx\">2024年低保资金分配方案.docx</a>",
        "清河县人民政府　2024年3月1日",
    ]))
page("tzgg/" + TZGG[1][0], TZGG[1][1], "通知公告", [("tzgg/index.html", "通知公告")], article(
    TZGG[1][1], TZGG[1][2], "县政务服务和数据管理局", [
        "各乡镇人民政府，县政府各部门：",
        # planted: misspelt state organ / country name; improper wording 北朝鲜; altered formulation
        "为贯彻落实《中华人民共合国政府信息公开条例》，进一步提升政务公开质量，现就开展自查工作通知如下。",
        "一、自查范围包括各单位政府网站、政务新媒体发布的全部信息，重点检查错别字、过时表述、外部链接和个人信息保护情况。",
        "二、对外交流类信息中涉及国家名称的，应使用规范名称，不得出现“北朝鲜”等不规范称谓。",
        "三、各单位要在政务公开工作中积极培育和践行社会主义核心价值关，营造风清气正的网络环境。",
        "请于4月30日前将自查报告报送县政务服务和数据管理局。联系人：政务公开股，咨询电话：0318-5260135。",
    ]), charset="gb2312")

# -- 政府信息公开 ------------------------------------------------------------------------------
page("zwgk/" + ZWGK[0][0], ZWGK[0][1], "政府信息公开", [("zwgk/index.html", "政府信息公开")], article(
    ZWGK[0][1], ZWGK[0][2], "县政府办公室", [
        "本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室的有关要求编制。",
        # planted typo: 其它
        "一、总体情况。2023年，全县共主动公开政府信息2316条，其中政策文件148条，其它信息2168条。",
        "二、依申请公开情况。全年共受理政府信息公开申请27件，均在法定期限内答复。",
        "三、存在的主要问题及改进情况。部分单位信息更新不够及时，下一步将加强督促检查。",
    ], extra="""<table class="report" border="1">
<tr><th>信息内容</th><th>本年制发件数</th><th>本年废止件数</th><th>现行有效件数</th></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>行政规范性文件</td><td>12</td><td>3</td><td>57</td></tr>
</table>"""))
page("zwgk/" + ZWGK[1][0], ZWGK[1][1], "政府信息公开", [("zwgk/index.html", "政府信息公开")], article(
    ZWGK[1][1], ZWGK[1][2], "县发展改革局", [
        "按照省、自治区、直辖市人民政府关于办好民生实事的统一部署，结合我县实际，确定2024年重点民生实事项目10项。",
        "一是新建改造农村公路45公里；二是新增城区公办幼儿园学位600个；三是完成老旧小区改造12个。",
        "各牵头单位要倒排工期、挂图作战，确保各项民生实事按期完成。",
    ]))

# -- 公示公告 ---------------------------------------------------------------------------------
rows = "\n".join(f"<tr><td>{i}</td><td>{n}</td><td>{pid}</td><td>{tel}</td><td>{addr}</td><td>{why}</td></tr>"
                 for i, (n, pid, tel, addr, why) in enumerate(PEOPLE + [MASKED_ROW], start=1))
page("gsgg/" + GSGG[0][0], GSGG[0][1], "公示公告", [("gsgg/index.html", "公示公告")], article(
    GSGG[0][1], GSGG[0][2], "县民政局", [
        "根据《社会救助暂行办法》有关规定，经本人申请、乡镇审核，现将2024年第二季度城乡低保拟新增对象予以公示。",
        "公示期为2024年6月5日至6月11日。如有异议，请在公示期内向县民政局反映。",
        "监督电话：0318-5260188；也可拨打政务服务便民热线12345。",
    ], extra=f"""<table class="gs" border="1">
<tr><td>序号</td><td>姓名</td><td>身份证号</td><td>联系电话</td><td>家庭住址</td><td>致贫原因</td></tr>
{rows}
</table>
<p>清河县民政局　2024年6月5日</p>"""))
page("gsgg/" + GSGG[1][0], GSGG[1][1], "公示公告", [("gsgg/index.html", "公示公告")], article(
    GSGG[1][1], GSGG[1][2], "县人力资源和社会保障局", [
        "根据《事业单位公开招聘人员暂行规定》，经笔试、面试、体检和考察，现将清河县2024年公开招聘事业单位工作人员拟录用人员名单予以公示。",
        "公示期为7个工作日。咨询电话：0318-5260221。",
        "附件：<a href=\"files/zp2024-nlyry.xlsx\">拟录用人员名单.xlsx</a>",
    ]))

# -- 互动交流 ---------------------------------------------------------------------------------
page("hdjl/" + HDJL[0][0], HDJL[0][1], "互动交流", [("hdjl/index.html", "互动交流")], f"""<div class="letter">
<h1>{HDJL[0][1]}</h1>
<table class="xx">
<tr><th>留言标题</th><td>{HDJL[0][1]}</td></tr>
<tr><th>留言时间</th><td>2024-03-18</td></tr>
<tr><th>留言内容</th><td>我是东街村村民，村东头的路灯坏了两个多月了，晚上出行很不方便，希望有关部门尽快维修。我的电话是15831896427，盼回复。</td></tr>
<tr><th>答复单位</th><td>王官庄镇人民政府</td></tr>
<tr><th>答复内容</th><td>您好！经核实，该路段路灯因线路老化损坏，镇政府已于3月19日安排维修，目前已恢复照明。感谢您的监督。</td></tr>
</table>
<div class="comments"><h2>网友评论</h2>
<p class="comment">正规代开发票，各行业普票专票，微信同号，诚信合作。</p>
</div>
</div>""")

# --------------------------------------------------------------------------------------- expected

UNITS = {"xwdt": "县融媒体中心", "tzgg": "县政府办公室", "zwgk": "县政务服务和数据管理局", "gsgg": "县民政局",
         "hdjl": "县信访局", "zjqh": "县政府办公室"}


def unit(url: str) -> str:
    return UNITS.get(url.split("/", 1)[0], "县政府办公室")


def P(pid, url, detector, category, keyword, note, template=False):
    return {"id": pid, "url": url, "detector": detector, "category": category, "keyword": keyword,
            "unit": unit(url) if not template else "县政府办公室", "template": template, "note": note}


x, t, z, g, h = ("xwdt/" + XWDT[0][0], "xwdt/" + XWDT[1][0], "xwdt/" + XWDT[2][0]), \
    ("tzgg/" + TZGG[0][0], "tzgg/" + TZGG[1][0]), ("zwgk/" + ZWGK[0][0],), ("gsgg/" + GSGG[0][0], "gsgg/" + GSGG[1][0]), \
    ("hdjl/" + HDJL[0][0],)
PROBLEMS = [
    P("typo-jiezhi", x[0], "typo", "typo", "截止", "截止 before a time point (截止2024年3月底): 截至 is meant"),
    P("typo-bushu", x[1], "typo", "typo", "布署", "wrong word form: 部署"),
    P("typo-dede", x[1], "typo", "typo", "的的", "duplicated 的"),
    P("typo-qita", z[0], "typo", "typo", "其它", "公文 uses 其他"),
    P("typo-docnum", t[0], "typo", "typo", "清政发[2024]第08号",
      "发文字号 with [] brackets, 第 and a leading zero: 清政发〔2024〕8号"),
    P("typo-zhanghu", t[0], "typo", "typo", "帐户", "money context: 账户"),
    P("typo-docx-bushu", "tzgg/files/dbzj-fpfa.docx", "typo", "typo", "布署", "wrong word form in the DOCX attachment"),
    P("sensitive-series", t[0], "sensitive", "serious_misstatement", "省、市、自治区",
      "wrong series: 省、自治区、直辖市"),
    P("sensitive-taiwan", x[2], "sensitive", "improper_wording", "台湾总统",
      "台湾地区领导人 (GB18030 page labelled gb2312)"),
    P("sensitive-dprk", t[1], "sensitive", "improper_wording", "北朝鲜", "朝鲜 (GB18030 page)"),
    P("sensitive-prc", t[1], "sensitive", "serious_misstatement", "中华人民共合国",
      "misspelt country name in a law title: 中华人民共和国"),
    P("sensitive-formulation", t[1], "sensitive", "serious_misstatement", "社会主义核心价值关",
      "altered fixed formulation: 社会主义核心价值观"),
    P("sensitive-gambling", "index.html", "sensitive", "gambling", "百@家*乐在线",
      "evaded gambling term in a hidden off-site link (evasion folding needed)"),
    P("sensitive-invoice", h[0], "sensitive", "fraud", "代开发票", "spam comment under a citizen letter"),
    P("links-dark", "index.html", "links", "dark_link", "百@家*乐在线",
      "hidden (left:-9999px) link to http://bjl88.example.com/ (off-site)"),
    P("links-broken", "tzgg/index.html", "links", "broken_link", "关于做好2024年元旦春节期间安全生产工作的通知",
      "links to tzgg/t20231201_1999.html, which does not exist (404)"),
    P("redheader-pdf", "tzgg/files/qzf-2024-8.pdf", "redheader", "redheader", "清河县人民政府文件",
      "GB/T 9704-style red header: red (240,89,62) centred 发文机关标志 and a red separator line under 清政发〔2024〕8号 (the same notice as the page, correctly numbered)"),
    P("template-org-name", "index.html", "sensitive", "serious_misstatement", FOOTER_ORG,
      "the site's own name misspelt (办工室 for 办公室) in the footer of every page: report once per site",
      template=True),
]
for person in PEOPLE:
    PROBLEMS.append(P(f"privacy-id-{person[0]}", g[0], "privacy", "RESIDENT_ID", mask_id(person[1]),
                      "full resident ID in a 公示 table (synthetic, valid check digit)"))
    PROBLEMS.append(P(f"privacy-mobile-{person[0]}", g[0], "privacy", "MOBILE_PHONE", mask_mobile(person[2]),
                      "full mobile number in a 公示 table"))
PROBLEMS.append(P("privacy-mobile-letter", h[0], "privacy", "MOBILE_PHONE", mask_mobile("15831896427"),
                  "a citizen's mobile number published with the letter"))
for person in HIRES:
    PROBLEMS.append(P(f"privacy-xlsx-id-{person[0]}", "gsgg/files/zp2024-nlyry.xlsx", "privacy", "RESIDENT_ID",
                      mask_id(person[1]), "full resident ID in the XLSX attachment"))
    PROBLEMS.append(P(f"privacy-xlsx-mobile-{person[0]}", "gsgg/files/zp2024-nlyry.xlsx", "privacy", "MOBILE_PHONE",
                      mask_mobile(person[2]), "full mobile number in the XLSX attachment"))

MUST_NOT = [
    {"url": g[0], "text": MASKED_ROW[1], "why": "already masked resident ID"},
    {"url": g[0], "text": MASKED_ROW[2], "why": "already masked mobile number"},
    {"url": g[0], "text": "12345", "why": "政务服务便民热线 (public hotline)"},
    {"url": g[0], "text": "0318-5260188", "why": "监督电话 of the 民政局 (office line)"},
    {"url": t[1], "text": "0318-5260135", "why": "咨询电话 of an office"},
    {"url": "zwgk/index.html", "text": "0318-5260135", "why": "咨询电话 of an office"},
    {"url": g[1], "text": "0318-5260221", "why": "咨询电话 of an office"},
    {"url": "index.html", "text": "12345", "why": "hotline in the footer"},
    {"url": x[0], "text": "于4月10日截止", "why": "截止 used correctly (a deadline, no time point after it)"},
    {"url": x[0], "text": "截至目前", "why": "correct 截至"},
    {"url": "zwgk/" + ZWGK[1][0], "text": "省、自治区、直辖市", "why": "the correct series"},
    {"url": z[0], "text": "中华人民共和国政府信息公开条例", "why": "correctly written"},
    {"url": z[0], "text": "国务院办公厅", "why": "correctly written state organ"},
    {"url": x[2], "text": "张镕", "why": "a reporter's byline (fictional name), 镕 outside GB2312 must decode"},
    {"url": "zjqh/index.html", "text": "乡村振兴", "why": "correct fixed formulation"},
    {"url": "hdjl/index.html", "text": "请勿在留言中填写身份证号码等个人信息", "why": "mentions ID numbers, holds none"},
    {"url": "index.html", "text": "中国政府网", "why": "visible link to the central government portal: not a dark "
                                                     "link, and not broken (an offline scan cannot reach it)"},
    {"url": "index.html", "text": "清河县城市风貌", "why": "image alt text; the image exists"},
]


def main() -> None:
    for path, spec in PAGES.items():
        target = HERE / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(spec["html"].encode("gb18030" if spec["charset"] != "utf-8" else "utf-8"))
    banner = HERE / "images" / "banner.jpg"
    banner.parent.mkdir(exist_ok=True)
    from PIL import Image

    img = Image.new("RGB", (960, 120))
    img.putdata([(30 + x // 8, 90 + y // 2, 160) for y in range(120) for x in range(960)])
    img.save(banner, quality=70)
    css = HERE / "css" / "site.css"
    css.parent.mkdir(exist_ok=True)
    css.write_text("body{font-family:'Microsoft YaHei',sans-serif;margin:0}.top{background:#b40000;padding:12px}"
                   ".nav ul{display:flex;list-style:none}.nav li{margin:0 12px}.footer{background:#eee;"
                   "text-align:center;font-size:12px;padding:10px}.list li span{float:right;color:#999}\n",
                   encoding="utf-8")
    expected = {"site": {"id": "qinghe", "name": SITE, "root": "index.html", "pages": sorted(PAGES),
                         "gb18030_pages": sorted(p for p, s in PAGES.items() if s["charset"] != "utf-8"),
                         "attachments": ["tzgg/files/qzf-2024-8.pdf", "tzgg/files/dbzj-fpfa.docx",
                                         "gsgg/files/zp2024-nlyry.xlsx"]},
                "problems": PROBLEMS, "must_not_report": MUST_NOT}
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(PAGES)} pages and expected.json ({len(PROBLEMS)} problems)")


if __name__ == "__main__":
    main()
