"""What kind of number a digit group is (sonla.extract.classify): what the grammar cannot read.

Issue 17, case 6: "10^6 người" became 10 and 6 persons, Arabic-Indic digits gave a value read
under the wrong conventions, "½" was dropped, and the numbers inside a web address
(``?tang=87,7%&von=4.051 tỷ đồng``) became quantity claims. Each now gets a kind that says so and
no value. The five sources hold none of these (their claims are unchanged).
"""

from __future__ import annotations

import pandas as pd
import pytest

from sonla.extract.claims import extract_claims
from sonla.extract.classify import address_spans
from sonla.schema import CLAIM_KINDS
from sonla.sources import Source


def _claims(text: str) -> pd.DataFrame:
    source = Source("t", "t.txt", "0", "t", "t", "news", "tests", "2025", "vi", "clean", "t", "", text)
    return extract_claims(source)


# (id, text, the claim as written, its kind)
CASES_BUGS_CAUGHT = [
    ("caret-exponent", "Dân số 10^6 người.", "10^6", "unreadable_exponent"),
    ("negative-caret-exponent", "sai số 10^-3 mét", "10^-3", "unreadable_exponent"),
    ("superscript-exponent", "khoảng 10⁶ lượt khách", "10⁶", "unreadable_exponent"),
    ("mantissa-times-ten", "Dân số 1,5×10^6 người.", "1,5×10^6", "unreadable_exponent"),
    ("mantissa-x-ten-spaced", "khoảng 2 x 10⁹ đồng", "2 x 10⁹", "unreadable_exponent"),
    ("arabic-indic-digits", "Dân số ١٢٣ người.", "١٢٣", "unreadable_script"),
    ("arabic-indic-decimal", "tỷ lệ ١٢,٥%", "١٢,٥", "unreadable_script"),
    ("devanagari-digits", "कुल ४५ लोग", "४५", "unreadable_script"),
    ("lone-vulgar-fraction", "Tăng ½ so với kế hoạch.", "½", "unreadable_fraction"),
    ("mixed-vulgar-fraction", "tăng 1½ lần", "1½", "unreadable_fraction"),
    ("fraction-slash", "đạt 1⁄2 kế hoạch", "1⁄2", "unreadable_fraction"),
    ("number-in-a-url", "Xem https://example.vn/a?tang=87,7%&von=4.051 tỷ đồng tại đây.", "87,7", "url_part"),
    ("second-number-in-a-url", "Xem https://example.vn/a?tang=87,7%&von=4.051 tỷ đồng tại đây.", "4.051",
     "url_part"),
    ("number-in-a-www-address", "tại www.sonla2025.gov.vn/tin/12 nhé", "2025", "url_part"),
    ("number-in-an-e-mail-address", "Liên hệ abc123@sonla.gov.vn để biết.", "123", "url_part"),
    ("magnitude", "Vốn 99999999999999999999 tỷ đồng.", "99999999999999999999 tỷ đồng",
     "unreadable_magnitude"),
]
GRAMMAR_KINDS = {c[3] for c in CASES_BUGS_CAUGHT}


@pytest.mark.parametrize(("text", "written", "kind"), [c[1:] for c in CASES_BUGS_CAUGHT],
                         ids=[c[0] for c in CASES_BUGS_CAUGHT])
def test_what_the_grammar_cannot_read_gets_a_kind_and_no_value(text, written, kind):
    claims = _claims(text)
    rows = claims[claims.text == written]
    assert len(rows) == 1, claims[["text", "kind"]].to_string()
    row = rows.iloc[0]
    assert row.kind == kind and pd.isna(row.value) and row.unit == ""
    assert text[row.start:row.end] == written
    assert not (claims.kind == "quantity").any(), claims[["text", "kind", "value"]].to_string()


def test_the_text_around_an_address_is_still_read():
    claims = _claims("Xem www.sonla.gov.vn/12; tổng vốn đạt 4.051 tỷ đồng.")
    assert claims[["text", "kind"]].values.tolist() == [["12", "url_part"], ["4.051 tỷ đồng", "quantity"]]


def test_an_at_sign_in_ocr_noise_is_not_an_e_mail_address():
    assert address_spans("té 1an th@r Sau vé ca 12 người") == []


def test_every_new_kind_is_in_the_schema():
    assert GRAMMAR_KINDS <= set(CLAIM_KINDS)
    assert GRAMMAR_KINDS == {"url_part", "unreadable_script", "unreadable_exponent", "unreadable_fraction",
                             "unreadable_magnitude"}
