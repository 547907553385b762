"""XLSX columns are as wide as their text shows (a tester's report: in Chinese exports the columns were too narrow,
their width set by the count of characters while a Chinese character takes two digits' width).

Each width below is worked out by hand: a wide or full-width character counts 2, any other 1, a combining mark 0;
then 2 of margin, at least 8, at most 60.
"""

import datetime
import io

import pytest
import tablib
from openpyxl import load_workbook

from accounts import spreadsheets


def widths(headers, *rows):
    sheet = load_workbook(io.BytesIO(spreadsheets.write_xlsx(tablib.Dataset(*rows, headers=headers)))).active
    return [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]


def test_chinese_text_counts_two_for_each_character():
    headers = ["機構", "應考學員數", "授權迄日", "課程"]
    row = ("臺灣金融研訓院", 12, "2027年3月31日", "營運持續管理實務與危機溝通進階課程")
    # 機構: 臺灣金融研訓院 7 × 2 = 14 (+2); 應考學員數 5 × 2 = 10 (+2); 2027年3月31日: 7 digits + 3 × 2 = 13 (+2);
    # the course: 17 × 2 = 34 (+2).
    assert widths(headers, row) == [16, 12, 15, 36]


def test_english_text_counts_one_for_each_character():
    headers = ["Institution", "Trainees who sat", "Authorized until", "Course"]
    row = ("Taiwan Academy of Banking and Finance", 12, datetime.date(2027, 3, 31), "Business Continuity Management")
    # 37 (+2); the header's 16 (+2), the date's 10 being fewer; the header's 16 (+2); 30 (+2).
    assert widths(headers, row) == [39, 18, 18, 32]


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("BCM 101 營運持續管理", 22),  # 8 + 6 × 2 = 20
        ("ＢＣＭ－１０１", 16),  # full-width forms (East Asian width F): 7 × 2 = 14
        ("ｶﾀｶﾅ", 8),  # half-width katakana (H) count one: 4, the least width is 8
        ("Cafe\u0301 ok", 9),  # the combining accent takes no room of its own: 7
        ("銀" * 29, 60),  # 58 + 2: still within the bound
        ("銀" * 40, 60),  # 80 + 2, cut to the bound
        ("a" * 100, 60),
        ("", 8),
    ],
)
def test_the_width_of_one_cell(text, width):
    assert widths(["x"], (text,)) == [width]
    assert spreadsheets.column_width(["x", text]) == width


def test_an_empty_column_has_the_least_width():
    assert widths(["", ""], (None, None)) == [8, 8]
