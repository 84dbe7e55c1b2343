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


def test_a_number_the_reference_reads_as_a_name_is_not_an_ocr_variant():
    """The PDF reads "nhánh 2" as the name of a road branch; the OCR copy ("nhénh 2", the marks
    lost) as a quantity. Both copies read 2: no variant, no number missing from a copy."""
    import pandas as pd

    pdf = make_source("pdf", "Hoàn thành tuyến đường Chu Văn An nhánh 2; tuyến đường 25m.",
                      document_id="doc", text_layer="pdf-text")
    ocr = make_source("ocr", "Hoan thanh tuyén duong Chu Vin An nhénh 2; tuyén duong 25m.",
                      document_id="doc", text_layer="ocr")
    cp = make_claims(pdf, [("25m", 25, "m")])
    name = make_claims(pdf, [("2", 2, "")]).assign(kind="name_number", value=float("nan"), unit="")
    co = make_claims(ocr, [("2", 2, ""), ("25m", 25, "m")])
    out = run([pdf, ocr], [pd.concat([name, cp], ignore_index=True), co])
    assert out[out["kind"] == "ocr_variant"].empty, out["explanation"].tolist()
    # ... while a number the reference does not have at that place still is one
    other = make_claims(ocr, [("2", 7, ""), ("25m", 25, "m")])
    other.loc[0, "text"] = "7"
    ocr7 = make_source("ocr", ocr.text.replace("nhénh 2", "nhénh 7"), document_id="doc", text_layer="ocr")
    other = make_claims(ocr7, [("7", 7, ""), ("25m", 25, "m")])
    out = run([pdf, ocr7], [pd.concat([name, cp], ignore_index=True), other])
    assert out[out["kind"] == "ocr_variant"]["status"].tolist() == ["explained"]


def test_no_published_ocr_variant_rests_on_a_number_both_copies_read_alike():
    """A copy's claim that lies on a number the alignment found identical in both copies
    (ocr_numbers.csv) is never, alone, an OCR variant (the false positive of issue 14)."""
    from sonla.chapters import book

    found = book.load_processed("findings.csv")
    claims = book.load_processed("claims.csv").set_index("claim_id")
    numbers = book.load_processed("ocr_numbers.csv")
    identical = numbers[numbers["status"] == "identical"]
    spans = {(r.ocr_source_id, int(r.ocr_start), int(r.ocr_end)) for r in identical.itertuples()}
    for ids in found.loc[found["kind"] == "ocr_variant", "claim_ids"]:
        cited = ids.split(";")
        if len(cited) != 1:
            continue
        claim = claims.loc[cited[0]]
        assert not any(sid == claim["source_id"] and start <= int(claim["start"]) < end
                       for sid, start, end in spans), ids
