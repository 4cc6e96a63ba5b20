"""Builds the shipped bulletin template, bulletin.docx beside this file (docxtpl Jinja tags):
`python core/reports/templates/build_bulletin.py [OUT]`. Committed with its output so the
template can be rebuilt and reviewed as code; an office replaces the output, never this.

Layout after GB/T 9704 (党政机关公文格式): A4, title in 方正小标宋简体 red, body 仿宋_GB2312 三号,
headings 黑体, tables 仿宋_GB2312 小四. Every run names its East-Asian font (w:eastAsia), which
Word and WPS both read; ASCII digits in Times New Roman.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent / "bulletin.docx"
BODY, TITLE, HEADING = "仿宋_GB2312", "方正小标宋简体", "黑体"
RED = RGBColor(0xFF, 0x00, 0x00)
UNIT_COLUMNS = ("{{ fields.unit }}", "事项数", "已办结", "超期未办结", "办结率", "按期办结率")
UNIT_CELLS = ("u.unit", "u.total", "u.done", "u.overdue", "u.done_rate", "u.on_time_rate")


def fonts(rpr_owner, east_asian: str, size: float | None = None) -> None:
    """Name the East-Asian font (w:eastAsia) beside the Latin one, so CJK text never falls back."""
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), "Times New Roman")
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(size * 2)))


def paragraph(doc_or_cell, text: str = "", font: str = BODY, size: float = 16, align=None,
              bold: bool = False, color=None, exact: float | None = 28):
    p = doc_or_cell.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(exact)
    if text:
        run = p.add_run(text)
        fonts(run._r, font, size)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color
    return p


def cell_text(cell, text: str, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    fonts(run._r, BODY, 12)
    run.bold = bold


def repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def bottom_rule(p, color: str = "FF0000") -> None:
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", color)):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def page_number(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("— ", None, " —"):
        if piece is None:
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            p._p.append(field)
        else:
            fonts(p.add_run(piece)._r, "宋体", 14)


def table(doc, headers, widths):
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title, width in zip(t.rows[0].cells, headers, widths):
        cell.width = Cm(width)
        cell_text(cell, title, bold=True)
    repeat_header(t.rows[0])
    return t


def tag_row(t, tag: str) -> None:
    """A row holding only a docxtpl row tag ({%tr ... %}): the row itself is replaced by the tag."""
    cell_text(t.add_row().cells[0], tag)


def build(out: Path = OUT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    fonts(normal.element, BODY, 16)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    fonts(doc.styles["Table Grid"].element, BODY, 12)
    page_number(section)

    paragraph(doc, "{{ title }}", TITLE, 36, WD_ALIGN_PARAGRAPH.CENTER, color=RED, exact=None)
    paragraph(doc, "{%p if number %}", exact=None)
    paragraph(doc, "{{ number_text }}", BODY, 16, WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, "{%p endif %}", exact=None)
    issuer = paragraph(doc, "{{ office }}\t{{ date }}", BODY, 16)
    issuer.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), WD_TAB_ALIGNMENT.RIGHT)
    bottom_rule(issuer)
    paragraph(doc)

    paragraph(doc, "一、总体情况", HEADING, 16)
    summary = paragraph(doc, "{{ fields.deadline }}在{{ start_text }}至{{ end_text }}期间的{{ ledger_name }}事项共 "
                        "{{ totals.total }} 件，已办结 {{ totals.done }} 件，办结率 {{ totals.done_rate }}；其中按期办结 "
                        "{{ totals.on_time }} 件，按期办结率 {{ totals.on_time_rate }}。截至{{ date }}，超期未办结 "
                        "{{ totals.overdue }} 件。", BODY, 16)
    summary.paragraph_format.first_line_indent = Pt(32)

    paragraph(doc, "二、各{{ fields.unit }}办理情况", HEADING, 16)
    paragraph(doc, "{%p if units %}", exact=None)
    t = table(doc, UNIT_COLUMNS, (4.6, 2.0, 2.0, 2.6, 2.2, 2.6))
    tag_row(t, "{%tr for u in units %}")
    for cell, name in zip(t.add_row().cells, UNIT_CELLS):
        cell_text(cell, "{{ %s }}" % name)
    tag_row(t, "{%tr endfor %}")
    for cell, name in zip(t.add_row().cells, UNIT_CELLS):
        cell_text(cell, "合计" if name == "u.unit" else "{{ %s }}" % name.replace("u.", "totals."), bold=True)
    paragraph(doc, "{%p else %}", exact=None)
    paragraph(doc, "本期没有事项。", BODY, 16)
    paragraph(doc, "{%p endif %}", exact=None)

    paragraph(doc, "三、超期未办结事项", HEADING, 16)
    paragraph(doc, "{%p if overdue %}", exact=None)
    t = table(doc, ("序号", "{{ fields.content }}", "{{ fields.unit }}", "{{ fields.leader or '责任领导' }}",
                    "{{ fields.deadline }}", "超期天数"), (1.2, 5.6, 2.8, 2.6, 2.4, 1.4))
    tag_row(t, "{%tr for item in overdue %}")
    row = t.add_row().cells
    for cell, name in zip(row, ("item.no", "item.content", "item.unit", "item.leader", "item.deadline", "item.days")):
        cell_text(cell, "{{ %s }}" % name, align=WD_ALIGN_PARAGRAPH.LEFT if name == "item.content" else
                  WD_ALIGN_PARAGRAPH.CENTER)
    tag_row(t, "{%tr endfor %}")
    paragraph(doc, "{%p if overdue_truncated %}", exact=None)
    paragraph(doc, "仅列出超期最久的 {{ overdue_limit }} 件。", BODY, 12)
    paragraph(doc, "{%p endif %}", exact=None)
    paragraph(doc, "{%p else %}", exact=None)
    paragraph(doc, "本期没有超期未办结事项。", BODY, 16)
    paragraph(doc, "{%p endif %}", exact=None)

    # the rounds work fills `current_round` (core/reports/document.py late_in_current_round)
    paragraph(doc, "{%p if current_round %}", exact=None)
    paragraph(doc, "四、{{ current_round.title }}未按时报送的单位", HEADING, 16)
    late = paragraph(doc, "截至{{ date }}（报送时限{{ current_round.due }}），未按时报送的单位："
                     "{{ current_round.late_units | join('、') or '无' }}。", BODY, 16)
    late.paragraph_format.first_line_indent = Pt(32)
    paragraph(doc, "{%p endif %}", exact=None)

    paragraph(doc)
    paragraph(doc, "说明：统计范围为{{ fields.deadline }}在本期内的事项；办结率＝已办结÷事项数；按期办结率＝"
              "{{ fields.completed }}不晚于{{ fields.deadline }}的已办结事项÷已办结事项；超期指"
              "{{ fields.deadline }}早于今天且尚未办结。", BODY, 12, exact=20)
    doc.core_properties.title = "督查通报"
    doc.core_properties.author = "台帐服务"
    doc.save(str(out))
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
