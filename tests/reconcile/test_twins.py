"""Copies of one document are one document: their claims matched, differences are OCR variants."""

from __future__ import annotations

from findings_cases import make_claims, make_source, run


def test_copies_are_one_document_and_differences_are_ocr_variants():
    pdf = make_source("pdf",
        "Đạt 94%; số hóa đạt 99,59%; đạt 85,26%.", document_id="doc", text_layer="pdf-text")
    ocr = make_source("ocr", "Dat 94%; s6 hoa dat 99,69%; dat 85,26%.", document_id="doc", text_layer="ocr")
    news = make_source("news", "Số hóa đạt 99,59%.")
    spec = [("94%", 94, "percent", "", "online_services_rate", "2025"),
            ("{}", None, "percent", "", "digitised_records_rate", "2025"),
            ("85,26%", 85.26, "percent", "", "fibre_households_rate", "2025")]
    cp = make_claims(pdf, [spec[0], ("99,59%", 99.59) + spec[1][2:], spec[2]])
    co = make_claims(ocr, [spec[0], ("99,69%", 99.69) + spec[1][2:], spec[2]])
    cn = make_claims(news, [("99,59%", 99.59, "percent", "", "digitised_records_rate", "2025")])
    out = run([pdf, ocr, news], [cp, co, cn])
    variant = out[out["kind"] == "ocr_variant"]
    assert len(variant) == 1 and variant["status"].iloc[0] == "explained"
    assert variant["claim_ids"].iloc[0] == ";".join(sorted([cp.claim_id[1], co.claim_id[1]]))
    # The news agrees with the document once (its PDF twin), citing the OCR twin too.
    agree = out[(out["kind"] == "consistent")]
    assert len(agree) == 1
    assert set(agree["claim_ids"].iloc[0].split(";")) == {cp.claim_id[1], co.claim_id[1], cn.claim_id[0]}
    assert "consistent" not in set(out[out["sources"] == "ocr;pdf"]["kind"])
