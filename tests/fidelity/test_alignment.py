"""Aligning a copy with its reference, span by span, and repairing it (sonla.fidelity.alignment)."""

from __future__ import annotations

from fidelity_cases import BODY_A, BODY_B, FOOTNOTE, TITLE_OCR, TITLE_REF

from sonla.fidelity.alignment import align_texts, repair_text


def _pairs(al):
    return [(al.ref_raw(s), al.ocr_raw(s)) for s in al.spans]


def test_tone_loss_aligns_word_by_word():
    al = align_texts("đạt 87,7%; tỷ lệ giải ngân", "dat 87,7%; ty 1¢ giai ngan")
    assert _pairs(al) == [("đạt", "dat"), ("87,7%;", "87,7%;"), ("tỷ", "ty"), ("lệ", "1¢"),
                          ("giải", "giai"), ("ngân", "ngan")]


def test_merged_words_are_one_span():
    al = align_texts("kết quả thành phố Sơn La", "ket qua thanhpho Son La")
    assert ("thành phố", "thanhpho") in _pairs(al)


def test_split_word_is_one_span():
    al = align_texts("23/23 trường tiểu học, TH&THCS, THCS;", "23/23 truong tiéu hoc, TH& THCS, THCS;")
    assert ("TH&THCS,", "TH& THCS,") in _pairs(al)


def test_title_block_only_the_copy_has():
    al = align_texts(TITLE_REF, TITLE_OCR)
    title = [s for s in al.spans if s.region == "title"]
    assert len(title) == 1
    assert al.ocr_raw(title[0]).startswith("' PHY LUC") and al.ocr_raw(title[0]).endswith("-2025")
    assert al.ref_raw(title[0]) == ""
    # the body's first words are aligned with the body, not with "NHIEM KY" of the title
    assert ("Trong", "Trong") in _pairs(al) and ("nhiệm", "nhi€ém") in _pairs(al)


def test_no_title_block_when_both_copies_start_alike():
    al = align_texts(TITLE_REF, TITLE_REF.replace("ề", "é"))
    assert all(s.region == "body" for s in al.spans)


def test_moved_footnote_is_aligned_where_it_is():
    ref = f"{BODY_A}\n{FOOTNOTE}\n{BODY_B}"
    ocr = f"{BODY_A}\n{BODY_B}\n{FOOTNOTE}".replace("số", "s6").replace("ố", "o")
    al = align_texts(ref, ocr)
    moved = [s for s in al.spans if s.moved]
    assert moved and all(al.ref_raw(s) and al.ocr_raw(s) for s in moved)
    # whichever block the alignment keeps in place, the other is moved and aligned whole
    moved_ref = " ".join(al.ref_raw(s) for s in moved)
    assert moved_ref in (FOOTNOTE, BODY_B)
    assert not any(s.ref[0] == s.ref[1] or s.ocr[0] == s.ocr[1] for s in al.spans)


def test_every_token_is_in_exactly_one_span(real_pair):
    al = align_texts(real_pair[0].text, real_pair[1].text)
    ref_seen = sorted(k for s in al.spans for k in range(*s.ref))
    ocr_seen = sorted(k for s in al.spans for k in range(*s.ocr))
    assert ref_seen == list(range(len(al.ref_tokens)))
    assert ocr_seen == list(range(len(al.ocr_tokens)))


def test_repair_restores_marks_and_keeps_misread_letters():
    al = align_texts("Đảng bộ thành phố đã thực hiện số 3", "Pang bo thanh phd d3 thuc hién s6 3")
    # character by character: the a of "Pang" agrees with ả, the P does not agree with Đ
    assert repair_text(al) == "Pảng bộ thành phd đ3 thực hiện s6 3"
