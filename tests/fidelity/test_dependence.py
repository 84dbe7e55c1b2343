"""Source dependence (sonla.fidelity.dependence): copied passages between documents.

The texts are written here in the style of the sources: a base passage and documents that copy
it verbatim, with a word changed, with words dropped or inserted, with a number changed, in
another order, or only share a set phrase of the genre.
"""

from __future__ import annotations

import pytest
from findings_cases import make_source

from sonla.fidelity.dependence import (
    DependenceParams,
    candidate_pairs,
    copied_passages,
    date_order,
    dependence_table,
    dependence_tasks,
    pair_passages,
    words_of,
)
from sonla.schema import DEPENDENCE

BASE = ("Trong nhiệm kỳ, thành phố đã tập trung huy động các nguồn lực đầu tư xây dựng kết cấu hạ tầng "
        "kinh tế xã hội đồng bộ, hoàn thành 290 công trình, đang triển khai 20 công trình, tổng số vốn giải "
        "ngân là 1.372 tỷ đồng trên kế hoạch vốn giao, đạt tỷ lệ cao so với bình quân chung của tỉnh.")
OTHER = ("Công tác cải cách hành chính được đẩy mạnh, mức độ hài lòng của người dân và doanh nghiệp đối với "
         "sự phục vụ của cơ quan hành chính nhà nước ngày càng được nâng lên rõ rệt qua từng năm.")
UNRELATED = ("Phong trào thể dục thể thao quần chúng phát triển rộng khắp, nhiều giải đấu cấp phường được tổ "
             "chức thường xuyên thu hút đông đảo hội viên các câu lạc bộ tham gia nhiệt tình.")

EDITS = [
    # (id, the copy's text, should a passage be found)
    ("verbatim", "Mở đầu bài viết. " + BASE, True),
    ("a-word-changed", BASE.replace("đồng bộ", "toàn diện"), True),
    ("words-dropped", BASE.replace("kinh tế xã hội ", ""), True),
    ("words-inserted", BASE.replace("hoàn thành 290", "trong đó đã hoàn thành được 290"), True),
    ("a-number-changed", BASE.replace("1.372", "1.400"), True),
    ("diacritics-and-case-only", BASE.upper().replace("Đ", "D"), True),
    ("reworded", "Thành phố hoàn thành gần ba trăm công trình và giải ngân hơn một nghìn tỷ đồng vốn.",
     False),
    ("a-short-set-phrase-only", "Kết cấu hạ tầng kinh tế xã hội đồng bộ là mục tiêu.", False),
]


@pytest.mark.parametrize("copy_text, found", [c[1:] for c in EDITS], ids=[c[0] for c in EDITS])
def test_a_copied_passage_is_found_through_small_edits(copy_text, found):
    a = make_source("a", OTHER + "\n\n" + BASE, date="2024-12", kind="report")
    b = make_source("b", UNRELATED + "\n\n" + copy_text, date="2025-07")
    passages = copied_passages([a, b])
    assert bool(passages) == found
    for p in passages:
        # offsets are raw offsets: the passage lies in the base in a, and in the copy in b
        assert a.text.index(BASE) <= p.a_start < p.a_end <= len(a.text)
        assert b.text[p.b_start:p.b_end] in copy_text
        assert p.similarity >= DependenceParams().min_similarity


def test_two_passages_in_another_order_are_two_passages():
    a = make_source("a", BASE + "\n\n" + OTHER, kind="report")
    b = make_source("b", OTHER + "\n\n" + UNRELATED + "\n\n" + BASE)
    found = sorted((p.a_start, p.b_start) for p in copied_passages([a, b]))
    assert len(found) == 2
    assert found[0][1] > found[1][1]  # the first passage of a is the last of b


def test_copies_of_one_document_are_not_compared():
    pdf = make_source("pdf", BASE, document_id="doc", text_layer="pdf-text")
    ocr = make_source("ocr", BASE, document_id="doc", text_layer="ocr")
    assert copied_passages([pdf, ocr]) == []
    news = make_source("news", "Tin: " + BASE)
    found = copied_passages([pdf, ocr, news])
    assert {(p.a, p.b) for p in found} == {("pdf", "news")}  # the reference copy only


def test_a_phrase_every_document_shares_is_boilerplate():
    docs = [make_source(f"d{n}", f"Văn bản số {n}. " + BASE) for n in range(4)]
    assert len({(p.a, p.b) for p in copied_passages(docs)}) == 6
    assert copied_passages(docs, DependenceParams(max_documents=3)) == []


def test_the_table_gives_shares_and_the_earlier_document():
    a = make_source("a", BASE, date="2024-12", kind="report")
    b = make_source("b", OTHER + "\n\n" + BASE + "\n\n" + UNRELATED, date="2025")
    table = dependence_table([a, b], copied_passages([a, b]))
    assert list(table.columns) == DEPENDENCE.columns
    row = table.iloc[0]
    assert (row["source_a"], row["source_b"], row["earlier"]) == ("a", "b", "a")
    assert row["share_a"] == 1.0 and 0.2 < row["share_b"] < 0.6
    assert b.text[row["b_start"]:row["b_end"]].startswith("Trong nhiệm kỳ")


def test_dates_are_compared_as_intervals():
    assert date_order("2024-12", "2025") == -1
    assert date_order("2025", "2025-07") == 0  # "2025" may be July 2025
    assert date_order("2025-07-09", "2025-07") == 0
    assert date_order("2025-08", "2025-07-31") == 1
    assert date_order("", "2025") is None


def test_pairs_are_independent_tasks_and_the_table_does_not_depend_on_their_order():
    a = make_source("a", BASE + "\n\n" + OTHER, kind="report")
    b = make_source("b", "Bài báo. " + BASE)
    c = make_source("c", OTHER + "\n\n" + UNRELATED)
    sources = [a, b, c]
    tasks = dependence_tasks(sources)
    assert [(t.a, t.b) for t in tasks] == [("a", "b"), ("a", "c")]  # b and c share nothing
    texts = {s.source_id: s.text for s in sources}
    forward = [p for t in tasks for p in pair_passages(t, texts)]
    backward = [p for t in reversed(tasks) for p in pair_passages(t, texts)]
    assert dependence_table(sources, forward).equals(dependence_table(sources, backward))


def test_candidate_pairs_come_from_shared_shingles_only():
    texts = [("x", "x", words_of(BASE)[0]), ("y", "y", words_of(UNRELATED)[0]),
             ("z", "z", words_of(BASE)[0][5:])]
    pairs = candidate_pairs(texts)
    assert [(t.a, t.b) for t in pairs] == [("x", "z")]
    assert all(j == i - 5 for i, j in pairs[0].seeds)


def test_the_real_report_copies_most_of_the_appendix():
    from sonla.chapters import book

    table = book.load_processed("dependence.csv")
    pair = table[(table["source_a"] == "report") & (table["source_b"] == "appendix-pdf")]
    assert len(pair) >= 10 and pair["share_b"].iloc[0] > 0.8
    assert set(table["document_a"] != table["document_b"]) == {True}
