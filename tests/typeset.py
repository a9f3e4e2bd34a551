"""Test documents made here, as published documents are: typeset PDFs (fpdf2), their image-only
copies (pages rendered with pypdfium2), a DOCX with core properties. Deterministic: the same
input gives the same layout; nothing downloaded.

* ``panel_summary_pdf``: the shipped panel summary typeset as a plain A4 PDF: bold 11-pt headings
  with no space after them, 10-pt justified paragraphs, a running header line on every page and
  an "n/N" footer.
* ``un_style_pdf``: an invented UN-style report: document symbol and date on page 1, numbered
  paragraphs, headings, a footnote, a two-column page and a small ruled table.
* ``policy_brief_pdf``: an invented policy brief laid out as briefs are: a full-width title, then a
  wide main column beside a narrower sidebar of bulleted recommendations, side by side, on page 1.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


class _Typeset(FPDF):
    def __init__(self, running: str, footer_style: str = "n/N"):
        super().__init__(format="A4")
        self.running, self.footer_style = running, footer_style
        if (FONT_DIR / "DejaVuSerif.ttf").exists():
            self.add_font("Body", "", str(FONT_DIR / "DejaVuSerif.ttf"))
            self.add_font("Body", "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
            self.family = "Body"
        else:  # the core font: Latin-1 only
            self.family = "Times"
        # A fixed creation date, the document's date as its properties give it: the same file each time.
        self.set_creation_date(datetime(2026, 3, 12, 9, 0, tzinfo=timezone.utc))
        self.set_margins(25, 22, 25)
        self.set_auto_page_break(True, margin=22)

    def text_of(self, text: str) -> str:
        if self.family == "Body":
            return text
        table = {"“": '"', "”": '"', "’": "'", "‘": "'", "–": "-", "—": "-"}
        return "".join(table.get(c, c) for c in text).encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        if self.running and (self.page_no() > 1 or self.footer_style == "n/N"):
            self.set_font(self.family, "", 8)
            self.set_y(10)
            self.cell(0, 4, self.text_of(self.running), align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_y(22)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family, "", 8)
        label = f"{self.page_no()}/{{nb}}" if self.footer_style == "n/N" else f"- {self.page_no()} -"
        self.cell(0, 4, label, align="C", new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str, size: float = 11) -> None:
        self.set_font(self.family, "B", size)
        self.multi_cell(0, 5.5, self.text_of(text), align="L", new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, after: float = 2.5) -> None:
        self.set_font(self.family, "", 10)
        self.multi_cell(0, 4.6, self.text_of(text), align="J", new_x="LMARGIN", new_y="NEXT")
        self.ln(after)


def panel_summary_pdf(text_path: Path, out: Path) -> Path:
    """The shipped summary as a typeset PDF (structure read with the text splitter itself)."""
    from retrieval.ingest.passages import join_lines, split_sections

    front, sections = split_sections(text_path.read_text(encoding="utf-8"))
    pdf = _Typeset("Panel discussion on international migration and development — Summary")
    pdf.alias_nb_pages()
    pdf.add_page()
    for k, line in enumerate(front):
        pdf.set_font(pdf.family, "B", 13 if k < 2 else 11)
        pdf.multi_cell(0, 6, pdf.text_of(line.strip()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for section in sections:
        if section.heading:
            pdf.heading(section.heading.lstrip("# "))
        for block in section.blocks:
            pdf.paragraph(join_lines(block.lines)[0])
    pdf.output(str(out))
    return out


UN_SYMBOL = "A/99/321"
UN_TITLE = "Coastal fisheries and labour migration"
UN_HEADINGS = ["I. Introduction", "II. Labour on the water", "III. Recommendations"]
UN_PARAGRAPHS = {
    "I. Introduction": [
        "The present report is submitted pursuant to resolution 97/12, in which the Assembly requested an "
        "account of labour migration in coastal fisheries. It draws on replies from thirty-one Member States.",
        "Coastal fisheries employ an estimated four million migrant workers, most of them on vessels that "
        "spend weeks at sea and land their catch in ports far from the workers' countries of origin.",
    ],
    "II. Labour on the water": [
        "Crews recruited through agencies often pay recruitment fees that take months of wages to repay, "
        "and a majority of the replying States reported cases of withheld identity documents.",
        "Onshore processing plants rely on seasonal workers whose permits end with the season, which leaves "
        "them without protection when a plant closes early.",
        "Remittances from fishing crews are sent mainly through informal channels because port towns "
        "seldom have banks open at the hours crews come ashore.",
        "Women make up most of the workforce in processing but few of them hold written contracts, and "
        "their wages are often paid through a male relative.",
    ],
    "III. Recommendations": [
        "Member States should ratify the Work in Fishing Convention and inspect vessels in port for the "
        "conditions it sets, including written agreements in a language the fisher understands.",
        "Recruitment fees should be borne by employers, never by workers, and agencies that charge them "
        "should lose their licences.",
    ],
}
UN_FOOTNOTE = "1 See the replies received from Member States, available from the Secretariat on request."
UN_TABLE = [("Region", "Migrant fishers", "Share of crews"),
            ("South-East Asia", "1 900 000", "41 per cent"),
            ("West Africa", "650 000", "28 per cent"),
            ("Pacific Islands", "120 000", "17 per cent")]


def un_style_pdf(out: Path) -> Path:
    """An invented UN-style report with everything the layout reading has to get right."""
    pdf = _Typeset(UN_SYMBOL, footer_style="- n -")
    pdf.set_title(UN_TITLE)
    pdf.set_author("Secretary-General")
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(0, 6, "United Nations", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(25)
    pdf.cell(0, 6, UN_SYMBOL, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    pdf.cell(0, 5, "Distr.: General", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, "12 March 2026", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(pdf.family, "B", 14)
    pdf.multi_cell(0, 7, UN_TITLE, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    pdf.multi_cell(0, 5, "Report of the Secretary-General", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    number = 0
    for heading in UN_HEADINGS:
        if heading == "II. Labour on the water":
            # The footnote at the foot of page 1, then a new page.
            pdf.set_font(pdf.family, "", 8)
            pdf.set_xy(25, 297 - 22 - 10)
            pdf.multi_cell(0, 3.6, UN_FOOTNOTE, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.add_page()
        pdf.heading(heading)
        paragraphs = UN_PARAGRAPHS[heading]
        if heading == "II. Labour on the water":
            # A page set in two columns.
            with pdf.text_columns(ncols=2, gutter=8, text_align="J", line_height=1.15, balance=True) as cols:
                for text in paragraphs:
                    number += 1
                    pdf.set_font(pdf.family, "", 10)
                    cols.write(f"{number}. {text}")
                    cols.ln()
                    cols.ln()
            pdf.ln(4)
            pdf.set_font(pdf.family, "", 10)
            with pdf.table(col_widths=(60, 50, 50), text_align="LEFT", line_height=5) as table:
                for row in UN_TABLE:
                    r = table.row()
                    for cell in row:
                        r.cell(cell)
            pdf.ln(4)
            continue
        for k, text in enumerate(paragraphs):
            number += 1
            if heading == "I. Introduction" and k == 0:
                pdf.set_font(pdf.family, "", 10)
                pdf.write(4.6, f"{number}. {text}")
                pdf.char_vpos = "SUP"  # the footnote mark
                pdf.write(4.6, "1")
                pdf.char_vpos = "LINE"
                pdf.ln(7)
            else:
                pdf.paragraph(f"{number}. {text}")
    pdf.output(str(out))
    return out


def image_only_copy(pdf_path: Path, out: Path, dpi: int = 200) -> Path:
    """A scan of ``pdf_path``: each page rendered at ``dpi`` (pypdfium2) and placed as an image on
    a page of the same size, with no text layer."""
    import pypdfium2

    source = pypdfium2.PdfDocument(str(pdf_path))
    scan = FPDF(unit="pt")
    try:
        for page in source:
            width, height = page.get_size()
            image = page.render(scale=dpi / 72).to_pil().convert("L")
            scan.add_page(format=(width, height))
            scan.image(image, x=0, y=0, w=width, h=height)
    finally:
        source.close()
    scan.output(str(out))
    return out


def long_report_pdf(text_path: Path, out: Path, parts: int = 10) -> Path:
    """A long typeset report (about three pages a part): the panel summary's sections set
    ``parts`` times over, numbered by part, for timing how long a long PDF takes to be searchable."""
    from retrieval.ingest.passages import join_lines, split_sections

    _, sections = split_sections(text_path.read_text(encoding="utf-8"))
    pdf = _Typeset("Compilation of panel summaries")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 14)
    pdf.multi_cell(0, 7, "Compilation of panel summaries", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for part in range(1, parts + 1):
        for section in sections:
            if section.heading:
                pdf.heading(f"Part {part}: {section.heading.lstrip('# ')}")
            for block in section.blocks:
                pdf.paragraph(join_lines(block.lines)[0])
    pdf.output(str(out))
    return out


BRIEF_TITLE = "Education in emergencies: keeping displaced children learning"
BRIEF_MAIN = [
    "Some 224 million school-aged children are affected by crises, of which 72 million are out of school "
    "altogether. Most of them live in protracted displacement, where a temporary classroom often becomes "
    "the only school a child attends for years.",
    "Funding for education remains the smallest share of humanitarian appeals. Where it arrives, it "
    "arrives late in the school year and for one year at a time, so teachers are hired on short contracts "
    "and leave before the pupils finish a single grade.",
    "Host communities carry most of the cost. Schools that take in displaced pupils run double shifts, "
    "and their own pupils lose hours of teaching each week unless the host Government is supported.",
]
BRIEF_SIDEBAR = [
    "Integrate education-in-emergencies data into national education management systems.",
    "Fund teachers' salaries for at least three years at a time.",
    "Support host schools that run double shifts.",
]


def policy_brief_pdf(out: Path) -> Path:
    """A policy brief: its title across the page, a main column (two thirds) and a sidebar (one
    third) of recommendations, each set line by line beside the other."""
    pdf = _Typeset("", footer_style="- n -")
    pdf.set_title(BRIEF_TITLE)
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 16)
    pdf.multi_cell(0, 8, pdf.text_of(BRIEF_TITLE), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    top = pdf.get_y()
    pdf.set_left_margin(25)
    for text in BRIEF_MAIN:
        pdf.set_font(pdf.family, "", 10)
        pdf.set_x(25)
        pdf.multi_cell(105, 4.8, pdf.text_of(text), align="J", new_x="LEFT", new_y="NEXT")
        pdf.ln(3)
    pdf.set_xy(140, top)
    pdf.set_font(pdf.family, "B", 10)
    pdf.multi_cell(45, 5, "Recommendations", align="L", new_x="LEFT", new_y="NEXT")
    pdf.ln(2)
    for text in BRIEF_SIDEBAR:
        pdf.set_font(pdf.family, "", 9)
        pdf.set_x(140)
        pdf.multi_cell(45, 4.4, pdf.text_of("\u2022 " + text), align="L", new_x="LEFT", new_y="NEXT")
        pdf.ln(2)
    pdf.output(str(out))
    return out


def treaty_pdf(text_path: Path, out: Path) -> Path:
    """An invented treaty (``tests/data/coastal_fishers_convention.txt``) set as treaties are: each
    "Article 3" centred in bold, its title centred on the next line in regular type, then the
    article's numbered paragraphs."""
    from retrieval.ingest.passages import read_blocks

    blocks = read_blocks(text_path.read_text(encoding="utf-8"), True)
    pdf = _Typeset("Convention on the Protection of Coastal Fishers")
    pdf.alias_nb_pages()
    pdf.add_page()
    for k, block in enumerate(blocks):
        first = block.lines[0]
        if k < 2:  # the title and the place and date
            pdf.set_font(pdf.family, "B", 13 if k == 0 else 10)
            pdf.multi_cell(0, 6, pdf.text_of(first), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif first.startswith(("Article", "Part")) or len(block.lines) == 1 and first == "Preamble":
            pdf.ln(2)
            pdf.set_font(pdf.family, "B", 10)
            pdf.multi_cell(0, 5, pdf.text_of(first), align="C", new_x="LMARGIN", new_y="NEXT")
            for line in block.lines[1:]:
                pdf.set_font(pdf.family, "", 10)
                pdf.multi_cell(0, 5, pdf.text_of(line), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        else:
            pdf.paragraph(" ".join(block.lines))
    pdf.output(str(out))
    return out
