"""Build the example site's attachments (committed; rebuild with this script).

    python examples/site/make_attachments.py

* ``tzgg/files/qzf-2024-8.pdf``: a GB/T 9704-style red-header notice (红头文件): the 发文机关标志
  "清河县人民政府文件" red RGB(240, 89, 62), centred, large; the 发文字号 above a red separator
  line.  Written with python-docx (a red run; a red bottom paragraph border), then converted
  by LibreOffice (``soffice --headless --convert-to pdf``).
* ``tzgg/files/dbzj-fpfa.docx``: the fund allocation plan, with a planted typo (布署).
* ``gsgg/files/zp2024-nlyry.xlsx``: the hiring list, with synthetic full ID and mobile numbers.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_site import HIRES

RED = RGBColor(240, 89, 62)
SERIF = "Noto Serif CJK SC"  # stands in for 方正小标宋/仿宋 (fonts-noto-cjk)


def _font(run, size: float, name: str = SERIF, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.size = Pt(size)
    run.font.name = name
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _para(doc, text: str, size: float = 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, **kw):
    p = doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(28)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), size, **kw)
    return p


def _bottom_border(paragraph, color: str = "F0593E", size_eighths: int = 18) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "6"), ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _page_setup(doc) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)


def red_header_docx(path: Path) -> None:
    doc = Document()
    _page_setup(doc)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.space_before = Pt(36)
    head.paragraph_format.space_after = Pt(30)
    _font(head.add_run("清河县人民政府文件"), 48, bold=True, color=RED)
    number = _para(doc, "清政发〔2024〕8号", 16, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    number.paragraph_format.space_after = Pt(24)
    _bottom_border(number)
    doc.add_paragraph()
    _para(doc, "清河县人民政府", 22, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "关于下达2024年城乡居民最低生活保障资金的通知", 22, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    doc.add_paragraph()
    _para(doc, "各乡镇人民政府，县直各有关单位：", indent=False)
    for text in (
        "为切实保障城乡困难群众基本生活，根据上级有关要求，经县政府研究同意，现将我县2024年城乡居民最低"
        "生活保障资金下达给你们，并就有关事项通知如下。",
        "一、本次下达资金共计1860万元，其中城市低保资金620万元、农村低保资金1240万元。",
        "二、各乡镇要严格执行低保资金社会化发放制度，按月足额发放，不得截留、挤占、挪用。",
        "三、县财政局、县民政局要加强资金监管，定期开展检查，确保资金安全高效使用。",
    ):
        _para(doc, text)
    doc.add_paragraph()
    _para(doc, "清河县人民政府", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, "2024年3月1日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, "（此件公开发布）", indent=True)
    doc.save(path)


def plan_docx(path: Path) -> None:
    doc = Document()
    _page_setup(doc)
    _para(doc, "2024年城乡居民最低生活保障资金分配方案", 22, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    doc.add_paragraph()
    _para(doc, "根据县政府统一布署，按照各乡镇低保对象人数和保障标准，2024年城乡低保资金分配如下。")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("乡镇", "保障人数（人）", "分配资金（万元）")):
        cell.text = text
    for row in (("王官庄镇", "1326", "236"), ("连庄镇", "1108", "198"), ("葛仙庄镇", "1215", "217"),
                ("谢炉镇", "986", "176"), ("其余乡镇合计", "5772", "1033")):
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    _para(doc, "各乡镇应于每月10日前将资金发放情况报县民政局备案。")
    doc.save(path)


def hires_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "拟录用人员"
    ws.append(["清河县2024年公开招聘事业单位工作人员拟录用人员名单"])
    ws.append(["序号", "姓名", "性别", "身份证号", "联系电话", "报考岗位", "总成绩"])
    for i, (name, pid, mobile, post) in enumerate(HIRES, start=1):
        sex = "女" if int(pid[16]) % 2 == 0 else "男"
        ws.append([i, name, sex, pid, mobile, post, round(78.6 - i * 1.35, 2)])
    for col, width in zip("ABCDEFG", (6, 10, 6, 22, 14, 14, 8)):
        ws.column_dimensions[col].width = width
    wb.save(path)


def to_pdf(docx: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed: bash scripts/install-system-deps.sh")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out_dir), str(docx)], check=True, capture_output=True, timeout=180)
    return out_dir / (docx.stem + ".pdf")


def main() -> None:
    tz = HERE / "tzgg" / "files"
    gs = HERE / "gsgg" / "files"
    tz.mkdir(parents=True, exist_ok=True)
    gs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "qzf-2024-8.docx"
        red_header_docx(src)
        pdf = to_pdf(src, Path(tmp))
        shutil.copyfile(pdf, tz / "qzf-2024-8.pdf")
    plan_docx(tz / "dbzj-fpfa.docx")
    hires_xlsx(gs / "zp2024-nlyry.xlsx")
    for p in (tz / "qzf-2024-8.pdf", tz / "dbzj-fpfa.docx", gs / "zp2024-nlyry.xlsx"):
        print(f"{p.relative_to(HERE)}  {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
