"""Independent witnesses (sonla.reconcile.witnesses) and the restated status."""

from __future__ import annotations

import pandas as pd
from findings_cases import make_claims, make_source, run

from sonla.fidelity.dependence import copied_passages, dependence_table
from sonla.reconcile.indicators import reconcile_indicators
from sonla.reconcile.registry import find_findings
from sonla.reconcile.witnesses import copied_claims, count_witnesses

PASSAGE = ("Công tác chuyển đổi số được quan tâm chỉ đạo, tỷ lệ văn bản điện tử tích hợp chữ ký số đạt tỷ lệ "
           "99,31%, tỷ lệ doanh nghiệp sử dụng hoá đơn điện tử đạt 100% trên địa bàn toàn thành phố.")


def _copying(copy_text: str):
    """An appendix, a report that copies its passage (``copy_text``) and a news report that does not."""
    appendix = make_source("appendix", "Phụ lục kết quả.\n\n" + PASSAGE, date="2025", kind="report")
    report = make_source("report", "Báo cáo chính trị.\n\n" + copy_text, date="2025-07", kind="report")
    news = make_source("news", "Năm nay, tỷ lệ văn bản có chữ ký số đạt 99,31%.", date="2025-07")
    spec = ("99,31%", 99.31, "percent", "", "e_signature_rate", "2020-2025")
    claims = [make_claims(appendix, [spec]), make_claims(report, [(copy_text[copy_text.index("99"):][:6],
                                                                   *spec[1:])]),
              make_claims(news, [spec])]
    return [appendix, report, news], claims


def test_claims_at_the_same_place_of_a_copied_passage_are_paired():
    sources, claims = _copying(PASSAGE.replace("được quan tâm", "luôn được quan tâm"))
    table = dependence_table(sources, copied_passages(sources))
    pairs = copied_claims(pd.concat(claims, ignore_index=True), table, {s.source_id: s for s in sources})
    a, r = claims[0]["claim_id"].iloc[0], claims[1]["claim_id"].iloc[0]
    assert pairs == {a: {r}, r: {a}}


def test_agreement_of_a_copy_is_restated_and_an_independent_source_confirms():
    sources, claims = _copying(PASSAGE)
    out = run(sources, claims)
    agree = out[out["kind"] == "consistent"].set_index("sources")
    assert agree.loc["appendix;report", "status"] == "restated"
    assert agree.loc["appendix;report", "independent_sources"] == 1
    assert "one witness" in agree.loc["appendix;report", "explanation"]
    # the news agrees with the appendix and with the report's copy of it: one finding, two witnesses
    assert agree.loc["appendix;news;report", "status"] == "consistent"
    assert agree.loc["appendix;news;report", "independent_sources"] == 2


def test_a_copy_that_changes_the_number_is_still_one_witness_of_the_disagreement():
    sources, claims = _copying(PASSAGE.replace("99,31%", "99,3%"))
    claims[1].loc[0, ["text", "value"]] = ["99,3%", 99.3]
    out = run(sources, claims)
    rounding = out[(out["kind"] == "rounding") & (out["sources"] == "appendix;report")]
    assert rounding["status"].tolist() == ["restated"]


def test_count_witnesses():
    docs = {"r1": "report", "r2": "report", "a1": "appendix", "n1": "news"}
    copied = {"r1": {"a1"}, "a1": {"r1"}}
    assert count_witnesses(["r1", "a1"], docs, copied) == 1
    assert count_witnesses(["r2", "a1"], docs, copied) == 2  # r2 is the report's own statement
    assert count_witnesses(["r1", "r2", "a1"], docs, copied) == 1  # ... but one document with r1
    assert count_witnesses(["r2", "n1"], docs, {}) == 2
    assert count_witnesses(["a1", "n1", "r1"], docs, copied) == 2


def test_the_indicator_table_counts_witnesses_and_says_restated():
    sources, claims = _copying(PASSAGE)
    frame = pd.concat(claims[:2], ignore_index=True)
    found = find_findings(frame, sources[:2])
    table = reconcile_indicators(frame, sources[:2], found)
    assert table[["status", "independent_sources"]].values.tolist() == [["restated", 1]]
    everything = pd.concat(claims, ignore_index=True)
    table = reconcile_indicators(everything, sources, find_findings(everything, sources))
    assert table[["status", "independent_sources"]].values.tolist() == [["consistent", 2]]


def test_in_the_published_data_no_agreement_on_one_witness_is_presented_as_confirmation():
    from sonla.chapters import book

    found = book.load_processed("findings.csv")
    claims = book.load_processed("claims.csv").set_index("claim_id")
    from sonla.sources import load_sources

    meta = {s.source_id: s.document_id for s in load_sources()}
    consistent = found[found["status"] == "consistent"]
    for _, row in consistent.iterrows():
        documents = {meta[claims.loc[c, "source_id"]] for c in row["claim_ids"].split(";")}
        assert len(documents) == 1 or row["independent_sources"] >= 2, row["finding_id"]
    assert (found["status"] == "restated").sum() >= 40  # the report copies the appendix
