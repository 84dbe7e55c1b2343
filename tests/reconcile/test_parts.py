"""Parts against their total, and shares against their counts, anywhere in a passage
(sonla.reconcile.parts). Every arithmetic is written in several word orders and sentence splits;
no claim carries an indicator, and the findings must not need one."""

from __future__ import annotations

import pytest
from findings_cases import make_claims, make_source, run

from sonla.reconcile.parts import passage_starts

P = "project"
PARTS_CASES = [
    # (id, text, claims in text order as (snippet, value, unit, qualifier), status or None for no finding)
    ("total-first-trong-do-one-sentence",
     "Năm 2024 triển khai 75 dự án, trong đó 23 dự án chuyển tiếp và 52 dự án khởi công mới.",
     [("75 dự án", 75, P), ("23 dự án", 23, P), ("52 dự án", 52, P)], "consistent"),
    ("total-first-trong-do-opens-the-next-sentence",
     "Năm 2024 triển khai 75 dự án. Trong đó, 23 dự án chuyển tiếp và 52 dự án khởi công mới.",
     [("75 dự án", 75, P), ("23 dự án", 23, P), ("52 dự án", 52, P)], "consistent"),
    ("total-first-with-another-unit-between",
     "Triển khai 75 dự án với tổng mức đầu tư 1.385 tỷ đồng, trong đó 23 dự án chuyển tiếp, 50 dự án mới.",
     [("75 dự án", 75, P), ("1.385 tỷ đồng", 1385, "bn_vnd"), ("23 dự án", 23, P), ("50 dự án", 50, P)],
     "unresolved"),
    ("among-total-first",
     "Trong số 75 dự án, có 23 dự án chuyển tiếp và 52 dự án khởi công mới.",
     [("75 dự án", 75, P), ("23 dự án", 23, P), ("52 dự án", 52, P)], "consistent"),
    ("parts-first-closing-total",
     "Có 23 dự án chuyển tiếp và 52 dự án khởi công mới, tổng cộng 75 dự án.",
     [("23 dự án", 23, P), ("52 dự án", 52, P), ("75 dự án", 75, P)], "consistent"),
    ("parts-first-total-in-the-next-sentence",
     "Có 23 dự án chuyển tiếp và 55 dự án khởi công mới. Tổng số 75 dự án.",
     [("23 dự án", 23, P), ("55 dự án", 55, P), ("75 dự án", 75, P)], "contradiction"),
    ("status-partition-after-a-colon",
     "Tổng số 30 công trình: 20 công trình đã hoàn thành, 7 công trình đang thi công, "
     "3 công trình chưa khởi công.",
     [("30 công trình", 30, "work"), ("20 công trình", 20, "work"), ("7 công trình", 7, "work"),
      ("3 công trình", 3, "work")], "consistent"),
    ("status-partition-short-names-a-remainder",
     "Trong 30 công trình: 20 công trình đã hoàn thành, 5 công trình đang thi công, "
     "3 công trình chưa khởi công.",
     [("30 công trình", 30, "work"), ("20 công trình", 20, "work"), ("5 công trình", 5, "work"),
      ("3 công trình", 3, "work")], "contradiction"),
    ("status-partition-in-semicolon-list",
     "Thành phố có 30 công trình, trong đó: 20 công trình đã hoàn thành; 7 công trình đang thi công; "
     "3 công trình chưa khởi công.",
     [("30 công trình", 30, "work"), ("20 công trình", 20, "work"), ("7 công trình", 7, "work"),
      ("3 công trình", 3, "work")], "consistent"),
    ("list-over-lines",
     "Thành phố có 104 tổ chức đảng, gồm:\n- 2 đảng bộ cơ sở;\n- 22 chi bộ cơ sở;\n- 80 chi bộ trực thuộc.",
     [("104 tổ chức đảng", 104, "party_org"), ("2", 2, ""), ("22", 22, ""), ("80", 80, "")], "consistent"),
    ("categories-in-brackets-with-a-semicolon",
     "Có 104 tổ chức đảng (gồm 2 Đảng bộ cơ sở, 22 chi bộ cơ sở; 72 chi bộ trực thuộc và 8 chi bộ).",
     [("104", 104, ""), ("2", 2, ""), ("22", 22, ""), ("72", 72, ""), ("8", 8, "")], "consistent"),
    ("parts-exceed-the-total",
     "Tổng cộng 300 công trình, trong đó: 210 công trình hoàn thành, 120 công trình đang làm.",
     [("300 công trình", 300, "work"), ("210 công trình", 210, "work"), ("120 công trình", 120, "work")],
     "contradiction"),
    ("sources-of-a-sum-total-first",
     "Tổng vốn huy động 220 tỷ đồng, gồm ngân sách tỉnh 100 tỷ đồng, ngân sách thành phố 80 tỷ đồng và "
     "nhân dân đóng góp 40 tỷ đồng.",
     [("220 tỷ đồng", 220, "bn_vnd"), ("100 tỷ đồng", 100, "bn_vnd"), ("80 tỷ đồng", 80, "bn_vnd"),
      ("40 tỷ đồng", 40, "bn_vnd")], "consistent"),
    ("sources-of-a-sum-parts-first",
     "Ngân sách tỉnh 100 tỷ đồng, ngân sách thành phố 80 tỷ đồng, nhân dân đóng góp 45 tỷ đồng; "
     "tổng cộng 220 tỷ đồng.",
     [("100 tỷ đồng", 100, "bn_vnd"), ("80 tỷ đồng", 80, "bn_vnd"), ("45 tỷ đồng", 45, "bn_vnd"),
      ("220 tỷ đồng", 220, "bn_vnd")], "contradiction"),
    ("examples-after-trong-do-fall-short",
     "Giải quyết 635 hồ sơ, trong đó có 249 hồ sơ chuyển nhượng, 77 hồ sơ tặng cho; tiếp nhận 300 hồ sơ mới.",
     [("635 hồ sơ", 635, "dossier"), ("249 hồ sơ", 249, "dossier"), ("77 hồ sơ", 77, "dossier"),
      ("300 hồ sơ", 300, "dossier")], "unresolved"),
    ("parts-go-on-in-the-next-sentence",
     "Giá trị sản xuất đạt 16.380 tỷ đồng, trong đó nông nghiệp 5.350 tỷ đồng, công nghiệp 6.120 tỷ đồng. "
     "Dịch vụ với 120 lao động đạt 4.910 tỷ đồng.",
     [("16.380 tỷ đồng", 16380, "bn_vnd"), ("5.350 tỷ đồng", 5350, "bn_vnd"),
      ("6.120 tỷ đồng", 6120, "bn_vnd"), ("120 lao động", 120, "person"), ("4.910 tỷ đồng", 4910, "bn_vnd")],
     "consistent"),
    ("a-next-sentence-that-would-overshoot-is-left-out",
     "Giá trị sản xuất đạt 11.470 tỷ đồng, trong đó nông nghiệp 5.350 tỷ đồng, công nghiệp 6.120 tỷ đồng. "
     "Năm 2020 đạt 9.000 tỷ đồng.",
     [("11.470 tỷ đồng", 11470, "bn_vnd"), ("5.350 tỷ đồng", 5350, "bn_vnd"),
      ("6.120 tỷ đồng", 6120, "bn_vnd"), ("9.000 tỷ đồng", 9000, "bn_vnd")], "consistent"),
    # Not a total and its parts:
    ("a-running-total-is-not-a-partition",
     "Năm 2024 thành lập mới 5 hợp tác xã, giải thể 2 hợp tác xã, nâng tổng số lên 40 hợp tác xã.",
     [("5 hợp tác xã", 5, "coop"), ("2 hợp tác xã", 2, "coop"), ("40 hợp tác xã", 40, "coop")], None),
    ("counts-of-different-years",
     "Năm 2023 có 10 dự án. Năm 2024 có 12 dự án và 5 công trình.",
     [("10 dự án", 10, P), ("12 dự án", 12, P), ("5 công trình", 5, "work")], None),
    ("parts-before-a-total-that-fall-short-are-additions",
     "Hoàn thành 5 dự án, khởi công 3 dự án; tổng cộng 40 dự án đầu tư công.",
     [("5 dự án", 5, P), ("3 dự án", 3, P), ("40 dự án", 40, P)], None),
    ("another-paragraph-is-another-passage",
     "Năm 2024 triển khai 75 dự án.\nTrong đó, thành phố có 23 dự án chuyển tiếp và 50 dự án khởi công mới.",
     [("75 dự án", 75, P), ("23 dự án", 23, P), ("50 dự án", 50, P)], None),
]


@pytest.mark.parametrize("text, specs, status", [c[1:] for c in PARTS_CASES], ids=[c[0] for c in PARTS_CASES])
def test_parts_and_totals_in_any_order(text, specs, status):
    s = make_source("s", text)
    out = run([s], [make_claims(s, specs)])
    found = out[out["kind"] == "sum_mismatch"]
    if status is None:
        assert found.empty, found["explanation"].tolist()
        return
    assert found["status"].tolist() == [status], found["explanation"].tolist()


def test_the_same_parts_in_a_pdf_layer_where_lines_wrap():
    text = ("Năm 2024 triển khai 75 dự án, trong\n\nđó 23 dự án chuyển tiếp và 52 dự án khởi công\n\nmới. "
            "Tổng kinh phí lớn.\n\nHai là, ...")
    s = make_source("s", text, text_layer="pdf-text")
    out = run([s], [make_claims(s, [("75 dự án", 75, P), ("23 dự án", 23, P), ("52 dự án", 52, P)])])
    assert out[out["kind"] == "sum_mismatch"]["status"].tolist() == ["consistent"]


def test_passages_of_clean_text_and_of_a_wrapped_text_layer():
    from findings_cases import make_source as ms
    clean = ms("c", "Đoạn một.\nĐoạn hai có danh sách:\n- mục một;\n- mục hai.\nĐoạn ba.")
    assert len(passage_starts(clean, r"^\s*[-+]")) == 3
    wrapped = ms("w", "Một câu dài bị\n\nngắt dòng ở giữa.\n\nCâu mới.", text_layer="pdf-text")
    assert passage_starts(wrapped, r"^\s*[-+]") == [0, 35]


SHARE_CASES = [
    ("ratio-then-share-in-the-next-sentence",
     "Có 40/43 trường đạt chuẩn quốc gia. Tỷ lệ trường đạt chuẩn là 93,02%.",
     [("40/43 trường", 40, "school", 43), ("93,02%", 93.02, "percent")], "consistent"),
    ("ratio-then-wrong-share-in-the-next-sentence",
     "Có 40/43 trường đạt chuẩn quốc gia. Tỷ lệ trường đạt chuẩn là 95,02%.",
     [("40/43 trường", 40, "school", 43), ("95,02%", 95.02, "percent")], "contradiction"),
    ("share-then-ratio-in-brackets",
     "Tỷ lệ trường đạt chuẩn quốc gia đạt 93,02% (40/43 trường).",
     [("93,02%", 93.02, "percent"), ("40/43 trường", 40, "school", 43)], "consistent"),
    ("count-share-of-a-total-in-an-earlier-sentence",
     "Tổng vốn giải ngân là 1.372 tỷ đồng. Trong đó vốn giải phóng mặt bằng là 484 tỷ đồng, chiếm 35,3%.",
     [("1.372 tỷ đồng", 1372, "bn_vnd"), ("484 tỷ đồng", 484, "bn_vnd"), ("35,3%", 35.3, "percent")],
     "consistent"),
    ("count-share-wrong-against-the-total-it-is-listed-under",
     "Tổng vốn giải ngân là 1.372 tỷ đồng, trong đó vốn giải phóng mặt bằng là 484 tỷ đồng, chiếm 38,3%.",
     [("1.372 tỷ đồng", 1372, "bn_vnd"), ("484 tỷ đồng", 484, "bn_vnd"), ("38,3%", 38.3, "percent")],
     "contradiction"),
    # Not a share of these counts:
    ("a-share-of-another-thing",
     "Có 40/43 trường đạt chuẩn quốc gia. Tỷ lệ hộ nghèo giảm còn 2,1%.",
     [("40/43 trường", 40, "school", 43), ("2,1%", 2.1, "percent")], None),
    ("a-ratio-to-a-plan-not-stated",
     "Tổng thu ngân sách 1.154 tỷ đồng. Trong đó thu trên địa bàn 568 tỷ đồng, bằng 105,9% dự toán.",
     [("1.154 tỷ đồng", 1154, "bn_vnd"), ("568 tỷ đồng", 568, "bn_vnd"), ("105,9%", 105.9, "percent")], None),
]


@pytest.mark.parametrize("text, specs, status", [c[1:] for c in SHARE_CASES], ids=[c[0] for c in SHARE_CASES])
def test_a_percentage_against_its_counts_anywhere_in_the_passage(text, specs, status):
    s = make_source("s", text)
    specs = [(sn, v, u, "", "", "", rest[0] if rest else None) for sn, v, u, *rest in specs]
    out = run([s], [make_claims(s, specs)])
    found = out[out["rule"].isin(["passage:grim", "passage:share", "within:grim"])]
    if status is None:
        assert found.empty, found["explanation"].tolist()
        return
    assert found["status"].tolist() == [status], found["explanation"].tolist()
