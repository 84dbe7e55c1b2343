"""The reading of a quantity: frame, base, each year, change; its period and place.

Every case is a sentence written for these tests (not taken from the sources), most of them in
more than one word order, in the style of commune reports and news. A number to check is marked
``[[…]]``; the source is dated ``DATE`` so that "now" and "the future" are defined.
"""

from __future__ import annotations

import re

import pytest

from sonla.extract.claims import extract_claims
from sonla.sources import Source

MARK = re.compile(r"\[\[(.+?)\]\]")
DATE = "2025-07"


def _source(text: str, title: str = "Báo cáo kiểm thử", date: str = DATE, layer: str = "clean") -> Source:
    return Source(
        source_id="test-text",
        file="test-text.txt",
        sha256="0" * 64,
        title_vi=title,
        title_en="A test text",
        kind="report",
        issuer="tests",
        date=date,
        language="vi",
        text_layer=layer,
        document_id="test-text",
        notes="",
        text=text,
    )


def read_marked(marked: str, **source: str) -> list[dict]:
    """The claims.csv row of each marked number, in order (each must be a quantity)."""
    starts, shift = [], 0
    for m in MARK.finditer(marked):
        starts.append(m.start() - shift)
        shift += 4
    text = MARK.sub(r"\1", marked)
    claims = extract_claims(_source(text, **source)).set_index("start")
    rows = []
    for start in starts:
        assert start in claims.index, f"no claim starts at {text[start : start + 12]!r} in {text!r}"
        row = claims.loc[start].to_dict()
        assert row["kind"] == "quantity", f"{row['text']!r} is read as {row['kind']}"
        rows.append(row)
    return rows


# (id, marked text, expected frame, base, each_year, is_change) — one marked number per case.
CASES_FRAMES = [
    # levels achieved or observed
    ("dat-level", "Năm 2023, tỷ lệ hộ nghèo của xã đạt [[4,5%]].", "actual", "", False, False),
    ("count-first", "Có [[12 bản]] đạt chuẩn nông thôn mới.", "actual", "", False, False),
    ("count-after", "Số bản đạt chuẩn nông thôn mới là [[12 bản]].", "actual", "", False, False),
    ("giam-con", "Tỷ lệ hộ nghèo giảm còn [[5%]].", "actual", "", False, False),
    ("xuong-con", "Số hộ nghèo xuống còn [[63 hộ]].", "actual", "", False, False),
    ("tang-len", "Tỷ lệ che phủ rừng tăng lên [[48%]].", "actual", "", False, False),
    ("nang-len", "Nâng tỷ lệ trường đạt chuẩn quốc gia lên [[80%]].", "actual", "", False, False),
    (
        "tu-xuong-con-from",
        "Số hộ nghèo giảm từ [[145 hộ]] (2021) xuống còn 63 hộ (2024).",
        "actual",
        "",
        False,
        False,
    ),
    (
        "tu-xuong-con-to",
        "Số hộ nghèo giảm từ 145 hộ (2021) xuống còn [[63 hộ]] (2024).",
        "actual",
        "",
        False,
        False,
    ),
    (
        "past-phan-dau",
        "Đảng bộ đã nỗ lực, phấn đấu hoàn thành [[20/20 chỉ tiêu]] nghị quyết.",
        "actual",
        "",
        False,
        False,
    ),
    (
        "vuot-muc-is-a-count",
        "Hoàn thành và hoàn thành vượt mức [[18/18 chỉ tiêu]] đề ra.",
        "actual",
        "",
        False,
        False,
    ),
    ("ratio-to-plan", "Thu ngân sách đạt [[105%]] kế hoạch.", "actual", "plan", False, False),
    (
        "ratio-to-estimate-so-voi",
        "Thu ngân sách đạt [[112%]] so với dự toán tỉnh giao.",
        "actual",
        "estimate",
        False,
        False,
    ),
    ("award-not-rise", "Xã được Ủy ban nhân dân tỉnh tặng [[02]] Cờ thi đua.", "actual", "", False, False),
    # estimates
    ("uoc-dat", "Tổng thu ngân sách năm 2025 ước đạt [[320 tỷ đồng]].", "estimate", "", False, False),
    (
        "uoc-tinh-lead",
        "Ước tính cả năm, giá trị sản xuất đạt [[1.250 tỷ đồng]].",
        "estimate",
        "",
        False,
        False,
    ),
    ("uoc-ratio", "Vốn giải ngân ước thực hiện [[95%]] kế hoạch.", "estimate", "plan", False, False),
    (
        "estimate-not-next-clause",
        "Thu ngân sách dự kiến năm 2025 đạt 800 tỷ đồng; tỷ lệ lao động qua đào tạo đạt [[72,5%]].",
        "actual",
        "",
        False,
        False,
    ),
    (
        "continuing-sentence",
        "Tổng thu ngân sách ước thực hiện cả năm 41 tỷ đồng. Trong đó: thu tiền sử dụng đất [[22 tỷ đồng]].",
        "estimate",
        "",
        False,
        False,
    ),
    # targets
    ("phan-dau-first", "Phấn đấu đến năm 2030, tỷ lệ đô thị hóa đạt [[75%]].", "target", "", False, False),
    (
        "phan-dau-last",
        "Tỷ lệ đô thị hóa đạt [[75%]] vào năm 2030 là mục tiêu phấn đấu của nhiệm kỳ.",
        "target",
        "",
        False,
        False,
    ),
    (
        "muc-tieu",
        "Mục tiêu đến năm 2030 có [[100%]] bản đạt chuẩn nông thôn mới.",
        "target",
        "",
        False,
        False,
    ),
    (
        "lead-in-colon",
        "Phấn đấu đến năm 2030: thu nhập đạt 70 triệu đồng; tỷ lệ hộ nghèo dưới [[3%]].",
        "target",
        "",
        False,
        False,
    ),
    (
        "yardstick-named",
        "Tỷ lệ hộ gia đình văn hóa đạt 92%, vượt chỉ tiêu đề ra là [[90%]].",
        "target",
        "",
        False,
        False,
    ),
    (
        "yardstick-result",
        "Tỷ lệ hộ gia đình văn hóa đạt [[92%]], vượt chỉ tiêu đề ra là 90%.",
        "actual",
        "",
        False,
        False,
    ),
    ("allocation-assigned", "Kế hoạch vốn giao năm 2024 là [[85 tỷ đồng]].", "target", "", False, False),
    (
        "allocation-given",
        "Tổng vốn đầu tư công năm 2024 được giao [[742 tỷ đồng]].",
        "target",
        "",
        False,
        False,
    ),
    (
        "yardstick-in-brackets",
        "Thu ngân sách đạt 3 tỷ đồng, bằng 26% dự toán năm ([[7 tỷ đồng]]).",
        "target",
        "",
        False,
        False,
    ),
    (
        "allocation-result",
        "Kế hoạch vốn giao 1.573 tỷ đồng, đã giải ngân 1.372 tỷ đồng (đạt [[87,7%]]).",
        "actual",
        "",
        False,
        False,
    ),
    ("target-change", "Phấn đấu giảm tỷ lệ hộ nghèo bình quân [[1,5%/năm]].", "target", "", False, True),
    ("target-each-year-first", "Hằng năm phấn đấu kết nạp [[20 đảng viên]] mới.", "target", "", True, False),
    ("target-each-year-last", "Phấn đấu kết nạp [[20 đảng viên]] mới mỗi năm.", "target", "", True, False),
    (
        "congress-adopts",
        "Đại hội thống nhất [[20 chỉ tiêu]] chủ yếu cho nhiệm kỳ mới.",
        "target",
        "",
        False,
        False,
    ),
    (
        "national-programme-is-no-target",
        "Vốn các chương trình mục tiêu quốc gia [[31 tỷ đồng]] đã được giải ngân.",
        "actual",
        "",
        False,
        False,
    ),
    # changes
    ("rise-base-after", "Tổng mức bán lẻ tăng [[12%]] so với năm 2022.", "change", "2022", False, True),
    ("rise-base-first", "So với năm 2020, tổng mức bán lẻ tăng [[35%]].", "change", "2020", False, True),
    ("same-period", "Thu ngân sách tăng [[8,5%]] so với cùng kỳ.", "change", "previous_year", False, True),
    (
        "fall-previous-year",
        "Số vụ vi phạm giảm [[15 vụ]] so với năm trước.",
        "change",
        "previous_year",
        False,
        True,
    ),
    ("fall-no-base", "Tỷ lệ hộ nghèo giảm [[2,1%]].", "change", "", False, True),
    ("excess-plan", "Thu ngân sách vượt [[5%]] kế hoạch.", "change", "plan", False, True),
    ("excess-plan-before", "Thu ngân sách đạt 105%, vượt kế hoạch [[5%]].", "change", "plan", False, True),
    (
        "multiple-term-start",
        "Thu nhập bình quân đầu người gấp [[1,5 lần]] so với đầu nhiệm kỳ.",
        "change",
        "term_start",
        False,
        True,
    ),
    ("multiple-year", "Giá trị xuất khẩu tăng [[2 lần]] so với năm 2020.", "change", "2020", False, True),
    ("growth-rate-reached", "Kinh tế tăng trưởng bình quân đạt [[8%/năm]].", "change", "", False, True),
    # each year against an average
    ("each-year-first", "Hằng năm, xã giải quyết [[100%]] hồ sơ đúng hạn.", "actual", "", True, False),
    ("each-year-last", "Xã giải quyết [[100%]] hồ sơ đúng hạn hằng năm.", "actual", "", True, False),
    ("average-each-year", "Thu ngân sách tăng bình quân hằng năm [[10%]].", "change", "", False, True),
]


@pytest.mark.parametrize(
    ("marked", "frame", "base", "each_year", "is_change"),
    [c[1:] for c in CASES_FRAMES],
    ids=[c[0] for c in CASES_FRAMES],
)
def test_frames_written(marked, frame, base, each_year, is_change):
    (row,) = read_marked(marked)
    assert (row["frame"], row["base"], bool(row["each_year"]), bool(row["is_change"])) == (
        frame,
        base,
        each_year,
        is_change,
    )


def test_headings_announcing_targets_frame_what_is_under_them():
    text = (
        "PHƯƠNG HƯỚNG, MỤC TIÊU NHIỆM KỲ 2025 – 2030\n\nCác chỉ tiêu chủ yếu\n"
        "(1) Tốc độ tăng giá trị sản xuất bình quân 8%/năm.\n(2) Tỷ lệ che phủ rừng đạt [[48%]].\n"
    )
    (row,) = read_marked(text)
    assert row["frame"] == "target" and row["period"] == "2025-2030"


def test_a_results_heading_is_no_target_heading():
    text = "1. Kết quả thực hiện kế hoạch năm 2024\n\nTỷ lệ che phủ rừng đạt [[46%]].\n"
    (row,) = read_marked(text)
    assert row["frame"] == "actual" and row["period"] == "2024"


def test_an_ocr_copy_is_read_with_the_same_rules():
    (row,) = read_marked("Tong muc ban le tang [[12%]] so voi nam 2022.", layer="ocr")
    assert (row["frame"], row["base"], row["is_change"]) == ("change", "2022", True)


# (id, marked text, expected period) — the source is dated July 2025.
CASES_PERIODS = [
    ("deadline-first", "Đến năm 2030, tỷ lệ đô thị hóa đạt [[75%]].", "2030"),
    ("deadline-last", "Tỷ lệ đô thị hóa đạt [[75%]] vào năm 2030.", "2030"),
    ("term-span", "Giai đoạn 2026 – 2030, tổng vốn đầu tư đạt [[900 tỷ đồng]].", "2026-2030"),
    ("estimate-year", "Năm 2024, thu ngân sách ước đạt [[320 tỷ đồng]].", "2024"),
    ("year-after-level", "Tỷ lệ hộ nghèo giảm từ 28,6% năm 2020 xuống còn [[9,4%]] cuối năm 2024.", "2024"),
    ("year-after-from", "Tỷ lệ hộ nghèo giảm từ [[28,6%]] năm 2020 xuống còn 9,4% cuối năm 2024.", "2020"),
    ("year-in-brackets", "Số hộ nghèo giảm từ 145 hộ (2021) xuống còn [[63 hộ]] (2024).", "2024"),
    ("from-to", "Từ năm 2021 đến năm 2024, toàn xã trồng mới [[600 ha]] rừng.", "2021-2024"),
    ("now", "Đến nay, toàn xã có [[12 bản]] đạt chuẩn nông thôn mới.", "2025"),
    ("now-after", "Toàn xã hiện có [[17 bản]] với 2.386 hộ.", "2025"),
    (
        "base-year-is-no-period",
        "Giá trị sản xuất gấp 1,6 lần năm 2020. Toàn xã huy động [[186 tỷ đồng]].",
        "",
    ),
    (
        "lead-in-carries",
        "Năm 2023, thu ngân sách đạt 40 tỷ đồng. Thu nhập bình quân đạt [[45 triệu đồng]].",
        "2023",
    ),
    (
        "mid-sentence-year-does-not-carry",
        "Tuyến đường được đầu tư mới năm 2023. Toàn xã có [[38,5 km]] đường bê tông.",
        "",
    ),
]


@pytest.mark.parametrize(
    ("marked", "period"), [c[1:] for c in CASES_PERIODS], ids=[c[0] for c in CASES_PERIODS]
)
def test_periods_written(marked, period):
    (row,) = read_marked(marked)
    assert row["period"] == period


def test_a_future_term_in_a_heading_dates_targets_not_facts():
    text = (
        "I- Bối cảnh Đại hội nhiệm kỳ 2025 – 2030\n\nĐảng bộ phường có [[5.000 đảng viên]].\n\n"
        "II- Mục tiêu nhiệm kỳ 2025 – 2030\n\nPhấn đấu kết nạp [[150 đảng viên]] mới.\n"
    )
    fact, target = read_marked(text)
    assert (fact["frame"], fact["period"]) == ("actual", "2025")
    assert (target["frame"], target["period"]) == ("target", "2025-2030")


# (id, marked text, expected geography, level)
CASES_PLACES = [
    (
        "commune-subject",
        "Xã Mường Lạn có [[12 bản]] đạt chuẩn nông thôn mới.",
        "muong-lan-commune",
        "commune",
    ),
    ("commune-after-year", "Năm 2024, xã Mường Lạn có [[12 bản]] đạt chuẩn.", "muong-lan-commune", "commune"),
    ("ward", "Phường Chiềng An thu ngân sách đạt [[41 tỷ đồng]].", "chieng-an-ward", "commune"),
    ("district", "Huyện Mai Sơn đón [[320.000 lượt khách]] du lịch.", "mai-son-district", "district"),
    ("village", "Bản Hụn có [[36 hộ]] tham gia hợp tác xã.", "hun-village", "village"),
    (
        "commune-level",
        "Tỷ lệ hồ sơ đúng hạn cấp thành phố đạt 100%, cấp xã đạt [[99,5%]].",
        "commune-level",
        "commune",
    ),
    (
        "a-place-in-the-object-is-not-the-subject",
        "Xã Mường Lạn hỗ trợ bản Hụn [[30 triệu đồng]] làm nhà văn hóa.",
        "muong-lan-commune",
        "commune",
    ),
    ("listed-wins", "Phường Tô Hiệu có [[4.200 hộ]].", "to-hieu-ward", "commune"),
]


@pytest.mark.parametrize(
    ("marked", "geography", "level"), [c[1:] for c in CASES_PLACES], ids=[c[0] for c in CASES_PLACES]
)
def test_places_by_pattern(marked, geography, level):
    (row,) = read_marked(marked)
    assert (row["geography"], row["level"]) == (geography, level)
    if row["concept"]:
        assert row["indicator"] == f"{row['concept']}@{level}"


def test_the_document_is_about_its_title_place():
    (row,) = read_marked("Thu ngân sách đạt [[41 tỷ đồng]].", title="Báo cáo của Ủy ban nhân dân xã Nậm Lầu")
    assert row["geography"] == "nam-lau-commune"


def test_a_board_is_no_village_in_an_ocr_copy():
    (row,) = read_marked(
        "Duoc Ban Thuong vu tang co thi dua hoan thanh nhiem vu [[5 nam]] lien.",
        layer="ocr",
        title="Bao cao cua thanh pho Son La",
    )
    assert not row["geography"].endswith("-village")


# Periods that depend on what a term span names, on averages and on footnotes (source dated
# July 2025). Each case in more than one word order.
RESULTS_HEADING = "I. Kết quả thực hiện nhiệm kỳ 2020 - 2025\n\n"

CASES_PERIOD_RULES = [
    # a year attached to another number dates that number, not the one after it
    ("attached-year-other-number", RESULTS_HEADING + "Tỷ lệ hộ nghèo từ 34,7% năm 2020 giảm còn [[12,5%]].",
     "2020-2025"),
    ("attached-year-other-number-reversed",
     RESULTS_HEADING + "Tỷ lệ hộ nghèo giảm còn [[12,5%]], từ 34,7% năm 2020.", "2020-2025"),
    # a year followed by another value ("(năm 2020 là 42,5%)") dates that value
    ("bracket-other-value", RESULTS_HEADING + "Tỷ lệ che phủ rừng nâng lên [[46,8%]] (năm 2020 là 42,5%).",
     "2020-2025"),
    ("bracket-other-value-colon", RESULTS_HEADING + "Độ che phủ rừng đạt [[46,8%]] (năm 2020: 42,5%).",
     "2020-2025"),
    ("bracket-own-year", RESULTS_HEADING + "Độ che phủ rừng đạt [[46,8%]] (năm 2024).", "2024"),
    # an anniversary spans the dates written after it, with or without brackets
    ("anniversary-dates", "Kỷ niệm [[70 năm]] Chiến thắng Điện Biên Phủ 7/5/1954-7/5/2024.", "1954-2024"),
    ("anniversary-dates-bracketed", "Kỷ niệm [[94 năm]] Ngày thành lập Đảng (3/2/1930 – 3/2/2024).",
     "1930-2024"),
    # an average per year covers the span its part of the sentence states, on either side
    ("average-after-span",
     RESULTS_HEADING + "Tỷ lệ hộ nghèo giảm từ 28,6% năm 2020 xuống còn 9,4% năm 2024, bình quân mỗi năm "
     "giảm [[4,8%]].", "2020-2024"),
    ("average-before-span",
     RESULTS_HEADING + "Bình quân mỗi năm tỷ lệ hộ nghèo giảm [[4,8%]], từ 28,6% năm 2020 xuống còn 9,4% "
     "năm 2024.", "2020-2024"),
    # ... and, dated only by "now", the span of its section
    ("average-now", RESULTS_HEADING + "Tổng đàn gia súc hiện đạt 14.200 con, tăng bình quân [[3,5%/năm]].",
     "2020-2025"),
    ("every-year-now", RESULTS_HEADING + "Đến nay có 7/9 trường đạt chuẩn. Hằng năm, tỷ lệ tham gia bảo hiểm "
     "y tế đạt trên [[95%]].", "2020-2025"),
    ("level-now", RESULTS_HEADING + "Tổng đàn gia súc hiện đạt [[14.200 con]], tăng bình quân 3,5%/năm.",
     "2025"),
    # a year opening a later part of the sentence dates the parts after it
    ("part-lead-in", "Giáo dục được quan tâm; năm học 2023-2024 có 197 học sinh đạt giải; [[10/10 dự án]] "
     "thi KHKT đạt giải.", "2023-2024"),
    ("part-lead-in-comma", "Giáo dục được quan tâm; năm học 2023-2024, 197 học sinh đạt giải; "
     "[[10/10 dự án]] thi KHKT đạt giải.", "2023-2024"),
    ("part-mid-year-does-not-carry", "Giáo dục được quan tâm; 197 học sinh đạt giải trong năm học 2023-2024; "
     "[[10/10 dự án]] thi KHKT đạt giải.", ""),
    # a per-head average is a level, not an average over years
    ("per-head-now", RESULTS_HEADING + "Thu nhập bình quân đầu người hiện đạt [[45 triệu đồng]]/người/năm.",
     "2025"),
]


@pytest.mark.parametrize(
    ("marked", "period"), [c[1:] for c in CASES_PERIOD_RULES], ids=[c[0] for c in CASES_PERIOD_RULES]
)
def test_period_rules(marked, period):
    (row,) = read_marked(marked)
    assert row["period"] == period


@pytest.mark.parametrize("marked", [
    "Cơ cấu Ban Chấp hành Đảng bộ xã nhiệm kỳ 2025 - 2030 được xây dựng hợp lý. Tổng số cấp ủy viên là "
    "[[15 đồng chí]]; tỷ lệ nữ chiếm [[33,3%]].",
    "Ban Chấp hành Đảng bộ xã nhiệm kỳ 2025 - 2030 gồm [[15 đồng chí]], tỷ lệ nữ chiếm [[33,3%]].",
    "Tổng số cấp ủy viên là [[15 đồng chí]], trong đó nữ chiếm [[33,3%]]: đó là cơ cấu Ban Chấp hành Đảng "
    "bộ xã nhiệm kỳ 2025 - 2030.",
], ids=["body-in-sentence-before", "body-first", "body-last"])
def test_the_make_up_of_a_body_formed_for_a_term_refers_to_the_term(marked):
    for row in read_marked(marked):
        assert (row["frame"], row["period"]) == ("actual", "2025-2030")


@pytest.mark.parametrize("marked", [
    "Đại hội đại biểu Đảng bộ xã lần thứ I, nhiệm kỳ 2025 – 2030 diễn ra ngày 9/7 với [[150 đại biểu]] "
    "chính thức, đại diện cho trên [[5.000 đảng viên]].",
    "Với [[150 đại biểu]] chính thức, đại diện cho trên [[5.000 đảng viên]], Đại hội đại biểu Đảng bộ xã "
    "lần thứ I, nhiệm kỳ 2025 – 2030 đã thành công.",
], ids=["congress-first", "congress-last"])
def test_a_congress_held_now_is_no_deadline(marked):
    for row in read_marked(marked):
        assert (row["frame"], row["period"]) == ("actual", "2025")


def test_a_past_term_named_by_its_congress_keeps_its_span():
    text = ("Năm 2025 là năm cuối thực hiện Nghị quyết Đại hội Đảng bộ lần thứ XIX, nhiệm kỳ 2020 - 2025; "
            "toàn xã có [[12 bản]] đạt chuẩn.")
    (row,) = read_marked(text, date="2024-12")
    assert row["period"] == "2020-2025"


@pytest.mark.parametrize("second_line", [
    "danh hiệu “Gia đình học tập” (chiếm [[95,9%]]); [[12/12 xã]] đạt chuẩn,",
    "(chiếm [[95,9%]]) gia đình đạt danh hiệu; [[12/12 xã]] đạt chuẩn,",
])
def test_a_footnote_printed_over_two_lines_is_one_body(second_line):
    # The body stands inside a sentence the page break cut ("xây dựng 162 “Ngôi … nhà trí tuệ”").
    text = ("1. Kết quả giai đoạn 2020 - 2025\n\nXây dựng xã hội học tập, gia đình học tập4; xây dựng "
            "162 “Ngôi\n\n4 Đến nay, toàn xã có 2.442 công dân đạt danh hiệu; 1.074 gia đình đạt\n"
            + second_line + "\n\nnhà trí tuệ” trong toàn xã.")
    for row in read_marked(text, layer="pdf"):
        assert row["period"] == "2025"


def test_an_ocr_copy_reads_a_capital_d_misread_as_p():
    text = ("1. Kết quả giai đoạn 2020 - 2025\n\nXay dung gia dinh hoc tap4; xay dung 162 nha\n\n"
            "4 Pén nay, toan xa c6 [[2.442 cong dan]] dat danh hieu; 1.074 gia dinh dat\n\ntri tue.")
    (row,) = read_marked(text, layer="ocr")
    assert row["period"] == "2025"
