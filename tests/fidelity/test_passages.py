"""Footnotes and repeated passages of one copy (sonla.fidelity.passages)."""

from __future__ import annotations

from fidelity_cases import BODY_A, BODY_B, DUPLICATED, FOOTNOTE, LONG, TITLE_REF

from sonla.fidelity.passages import find_footnotes, find_repeated_passages


def test_duplicated_passage_is_found():
    text = f"Mở đầu. {DUPLICATED} những vướng mắc kéo dài nhiều năm {DUPLICATED} những vướng mắc."
    passages = find_repeated_passages(text)
    assert len(passages) == 1
    first, second = passages[0]["first_start"], passages[0]["second_start"]
    assert text[first:].startswith("Đã thực hiện 300") and text[second:].startswith("Đã thực hiện 300")


def test_duplicated_passage_with_ocr_noise_is_one_passage():
    noisy = DUPLICATED.replace("với", "vaéi", 1)
    text = f"Mở đầu {DUPLICATED} những vướng mắc kéo dài nhiều năm {noisy} vướng mắc"
    passages = find_repeated_passages(text)
    assert len(passages) == 1 and passages[0]["tokens"] >= 20


def test_no_repeat_in_distinct_text():
    assert find_repeated_passages(TITLE_REF + " " + BODY_A + " " + BODY_B) == []


def test_footnotes_markers_and_lines():
    text = (f"{BODY_A} tuyến đường tránh QL6 thành phố và đạt nhiều thành tích2.\n"
            f"{FOOTNOTE}\n2 Tổ chức 02 cuộc sát hạch năng lực.\nTiếp theo")
    notes = find_footnotes(text)
    assert [(n["number"], n["marker_text"]) for n in notes] == [(1, "phố1;"), (2, "tích2.")]
    assert notes[0]["body_text"] == FOOTNOTE
    assert notes[1]["body_text"] == "2 Tổ chức 02 cuộc sát hạch năng lực."


def test_footnote_continuation_needs_footnote_sized_lines():
    text = (f"bàn thành phố1; và nhà2.\n1 Các tuyến {LONG}\n2 Dự án đường {LONG}.\n"
            f"hiệu “Đơn vị {LONG} học tập”.\nthân\n")
    assert find_footnotes(text)[0]["body_text"].endswith("học tập”.")
    # a short line in lower case after a footnote is the body going on, not a continuation
    text_body = text.replace(f"hiệu “Đơn vị {LONG} học tập”.", "nhà trí tuệ và thư viện")
    assert find_footnotes(text_body)[0]["continued_start"] == -1
