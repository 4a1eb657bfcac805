"""Cleaning: HTML to structured plain text, unicode repair, redaction, boilerplate spans."""

from __future__ import annotations

from jdclassify.clean import boilerplate_spans, clean_posting, html_to_text, normalise_text
from jdclassify.records import Posting

PAGE = """<html><head><title>Jobs</title><style>p { color: red }</style></head><body>
<nav><a href="/">Home</a> | <a href="/jobs">Jobs</a></nav>
<h1>Senior Data Engineer</h1>
<p>We build &amp; ship <b>data</b>
   platforms.&nbsp;Join&#160;us!</p>
<h2>Responsibilities</h2>
<ul>
  <li>Build pipelines</li>
  <li><p>Own the SQL models</p></li>
</ul>
<script>var x = "<p>not text</p>";</script>
<footer>&copy; Acme</footer>
</body></html>"""


def test_html_keeps_paragraphs_and_list_items_and_drops_chrome():
    assert html_to_text(PAGE) == (
        "Senior Data Engineer\n\nWe build & ship data platforms. Join us!\n\nResponsibilities\n\n"
        "- Build pipelines\n- Own the SQL models"
    )


def test_line_breaks_and_table_cells():
    assert html_to_text("<p>5+ years<br>Python<br/>SQL</p><table><tr><td>Pay</td><td>$90k</td></tr></table>") == (
        "5+ years\nPython\nSQL\n\nPay $90k"
    )


def test_entity_escaped_html_is_converted():
    assert html_to_text("&lt;p&gt;Build things&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Go&lt;/li&gt;&lt;/ul&gt;") == "Build things\n\n- Go"


def test_plain_text_passes_through_normalised():
    text = "Line one  with   spaces\r\n\r\n\r\n\r\n• first\n• second\n"
    assert html_to_text(text) == "Line one with spaces\n\n- first\n- second"


def test_salary_with_angle_brackets_is_not_markup():
    assert html_to_text("Pay < $50k or > $40k") == "Pay < $50k or > $40k"


def test_mojibake_zero_width_bidi_and_width_are_repaired():
    assert normalise_text("CafÃ© â€” naÃ¯ve") == "Café — naïve"
    assert normalise_text("Data\u200b Engi\u00adneer\u202e") == "Data Engineer"
    assert normalise_text("ＰＹＴＨＯＮ ﬁles “quoted” what you’ll do") == "PYTHON files \"quoted\" what you'll do"


def test_deeply_nested_html_does_not_recurse():
    html = "<div>" * 20_000 + "deep" + "</div>" * 20_000
    assert html_to_text(html) == "deep"


def test_clean_posting_redacts_and_counts():
    posting = Posting(id="1", title="<b>Data  Engineer</b>\u200b", description="<p>Mail jordan@example.com or call (555) 123-4567</p>")
    cleaned, counts = clean_posting(posting)
    assert cleaned.title == "Data Engineer"
    assert cleaned.description == "Mail [EMAIL] or call [PHONE]"
    assert counts == {"email": 1, "phone": 1}
    assert posting.title.startswith("<b>")  # the input record is not changed


DESCRIPTION = """About Acme
Acme has built rockets since 1990.

The role
You will design data pipelines.

Requirements:
- 5+ years of Python
- SQL

Benefits:
- Health insurance
- 401(k) match
- 25 days paid time off

Acme is an equal opportunity employer. We consider all applicants without regard to race or gender identity."""


def _marked(text: str, spans) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_boilerplate_marks_company_blurb_benefits_and_eeo_but_not_the_job():
    marked = " ".join(_marked(DESCRIPTION, boilerplate_spans(DESCRIPTION, "Acme")))
    assert "Acme has built rockets" in marked
    assert "Health insurance" in marked and "25 days paid time off" in marked
    assert "equal opportunity employer" in marked
    assert "design data pipelines" not in marked
    assert "5+ years of Python" not in marked


def test_unheaded_benefit_list_is_boilerplate_and_spans_index_the_cleaned_text():
    description = "Build models.\n\n- Dental insurance\n- Paid parental leave\n- Stock options\n\nPython required."
    posting, _ = clean_posting(Posting(id="1", title="ML Engineer", description=description))
    (span,) = posting.boilerplate
    assert posting.description[span[0] : span[1]] == "- Dental insurance\n- Paid parental leave\n- Stock options"


def test_about_the_role_is_not_boilerplate():
    text = "About the role\nYou will lead the data platform team.\n\nAbout us\nWe sell shoes."
    assert _marked(text, boilerplate_spans(text)) == ["About us\nWe sell shoes."]
