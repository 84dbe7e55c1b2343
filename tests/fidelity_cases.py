"""Texts of the fidelity tests: passages of the real appendix in both copies, and a source maker."""

from __future__ import annotations

from sonla.sources import Source


def copy_source(source_id: str, text: str, text_layer: str, document_id: str = "doc") -> Source:
    return Source(source_id=source_id, file=f"{source_id}.txt", sha256="", title_vi="", title_en="",
                  kind="news", issuer="", date="2025", language="vi", text_layer=text_layer,
                  document_id=document_id, notes="", text=text)


TITLE_REF = "Trong nhiệm kỳ vừa qua, mặc dù chịu nhiều ảnh hưởng bởi tình hình dịch bệnh"
TITLE_OCR = ("' PHY LUC ,\nKHAI QUAT KET QUA THU'C HIEN NGHI QUYET PAI HOI\n"
             "PANG BQ THANH PHO SON LA NHIEM KY 2020 -2025\n\n"
             "Trong nhi€ém ky vira qua, mac du chiu nhiéu anh hudng boi tinh hinh dich bénh")

FOOTNOTE = ("1 Các tuyến đường 2a, số 3, số 6 thuộc dự án Quảng trường Tây Bắc; kè lô số 3a, 3b; "
            "4b, 4c dự án kè suối Nặm La; nút giao thông khu dân cư tổ 12 chợ trung tâm thành phố.")
BODY_A = "kéo dài nhiều năm trên địa bàn thành phố1; đến tháng 05/2025, đã hoàn thành 290 công trình"
BODY_B = "đang triển khai 20 công trình, tổng số vốn giải ngân là 1.372 tỷ đồng kế hoạch vốn giao"

DUPLICATED = ("Đã thực hiện 300 công trình, dự án theo kế hoạch đầu tư công với tổng mức đầu tư hơn "
              "4.051 tỷ đồng. Chỉ đạo tháo gỡ kịp thời")

LONG = "x" * 100

PDF_TEXT = f"{BODY_A}\n\n{FOOTNOTE}\n\n{BODY_B}\n"
OCR_TEXT = ("PHU LUC\nKHAI QUAT KET QUA\n\n"
            "kéo dai nhiéu nam trén dia ban thanh phd'; dén thang 05/2025, d3 hoan thanh 290 cong trinh\n"
            "' Cac tuyén duong 2a, s6 3, s6 6 thudc du an Quang truong Tay Bac; ké 16 s6 3a, 3b; "
            "4b, 4c du an ké sudi Nam La; nut giao thong khu dan cu t6 12 cho trung tam thanh phd.\n"
            "dang trién khai 20 cong trinh, tong s6 von giai ngan 1a 1.372 ty déng ké hoach vén giao\n")
