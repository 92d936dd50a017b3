"""The SDG report as a PDF (reportlab), from the same data as the page."""

import io

from django.utils.translation import gettext as _


def render_report_pdf(cycle, data: dict) -> bytes:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=f"SDG report — {cycle.name}")
    story = [Paragraph(_("SDG report: %(name)s") % {"name": cycle.name}, styles["Title"]),
             Paragraph(_("%(total)s initiatives from %(cities)s cities in %(countries)s countries.")
                       % {"total": data["total"], "cities": data["cities"], "countries": data["countries"]},
                       styles["Normal"]), Spacer(1, 12)]
    chart = Drawing(460, 300)
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = 60, 10, 380, 280
    bars.data = [[row["count"] for row in reversed(data["by_sdg"])]]
    bars.categoryAxis.categoryNames = [f"SDG {row['number']}" for row in reversed(data["by_sdg"])]
    bars.categoryAxis.labels.fontSize = 7
    for i, row in enumerate(reversed(data["by_sdg"])):
        bars.bars[(0, i)].fillColor = colors.HexColor(row["colour"])
    chart.add(bars)
    story += [Paragraph(_("Submissions by SDG"), styles["Heading2"]), chart]
    for heading, rows, key in ((_("By region"), data["by_region"], "label"),
                               (_("By country"), data["by_country"], "label"),
                               (_("By theme"), data["by_theme"], "label")):
        story += [Paragraph(heading, styles["Heading2"]),
                  Table([[str(r[key]), str(r["count"])] for r in rows] or [["—", "0"]])]
    story.append(Paragraph(_("Finalists and winners"), styles["Heading2"]))
    story.append(Table([[s.title, s.city, s.get_status_display()] for s in data["finalists"]] or [["—", "", ""]]))
    doc.build(story)
    return out.getvalue()
