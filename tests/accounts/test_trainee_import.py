"""Bulk import of trainees in admin: preview first, all rows or none, the same file twice changes
nothing, refused files say why; imports by an institution stamp it as the registering one."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import TraineeProfile, User
from tests.conftest import in_english
from tests.factories import TraineeProfileFactory

pytestmark = pytest.mark.django_db

HEADER = "email,display_name,preferred_language,employer,employee_number,branch,manager_class,phone\n"
IMPORT_URL = reverse("admin:accounts_traineeprofile_import")
CONFIRM_URL = reverse("admin:accounts_traineeprofile_process_import")
CSV, XLSX = "0", "1"  # positions in TraineeProfileAdmin.import_formats


@pytest.fixture
def admin_client(client: Client, institution_admin) -> Client:
    """inst-a's admin, in English: the row errors are in the importing person's language."""
    client.force_login(in_english(institution_admin))
    return client


def csv_file(rows: str, name="trainees.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + rows).encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[str]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("trainees.xlsx", buffer.getvalue())


def preview(client: Client, upload, language="en", file_format=CSV):
    return client.post(
        f"/{language}/admin/accounts/traineeprofile/import/",
        {"import_file": upload, "format": file_format, "resource": "0"},
    )


def import_file(client: Client, upload, file_format=CSV):
    """Preview, then confirm with the form the preview offered; returns the confirm response."""
    response = preview(client, upload, file_format=file_format)
    assert response.status_code == 200
    assert "confirm_form" in response.context, response.content.decode()[:3000]
    return client.post(CONFIRM_URL, response.context["confirm_form"].initial)


TWO_ROWS = "ann@example.test,陳安,zh-hant,bank-a,E-1,臺北分行,personal,0912-000-001\nben@example.test,Ben Lee,en,,,,,\n"


def test_the_preview_shows_the_rows_and_saves_nothing(admin_client: Client, employer):
    response = preview(admin_client, csv_file(TWO_ROWS))
    assert response.status_code == 200
    assert "confirm_form" in response.context
    assert "ann@example.test" in response.content.decode()
    assert not User.objects.filter(email__in=["ann@example.test", "ben@example.test"]).exists()


def test_confirming_imports_every_row_stamped_with_the_importing_institution(
    admin_client: Client, employer, institution
):
    response = import_file(admin_client, csv_file(TWO_ROWS))
    assert response.status_code == 302
    ann = TraineeProfile.objects.select_related("user").get(user__email="ann@example.test")
    assert (ann.employer, ann.employee_number, ann.branch, ann.manager_class, ann.phone) == (
        employer,
        "E-1",
        "臺北分行",
        "personal",
        "0912 000 001",
    )
    assert ann.user.display_name == "陳安" and ann.user.preferred_language == "zh-hant"
    assert not ann.user.has_usable_password()
    assert ann.user.groups.filter(name="trainee").exists()
    ben = TraineeProfile.objects.get(user__email="ben@example.test")
    assert ben.employer is None and ben.user.preferred_language == "en"
    assert {ann.registered_by, ben.registered_by} == {institution}


def test_importing_the_same_file_twice_creates_no_duplicates(admin_client: Client, employer):
    import_file(admin_client, csv_file(TWO_ROWS))
    before = (User.objects.count(), TraineeProfile.objects.count())
    response = import_file(admin_client, csv_file(TWO_ROWS))
    assert response.status_code == 302
    assert (User.objects.count(), TraineeProfile.objects.count()) == before


def test_a_row_matches_by_employer_and_employee_number_before_e_mail(admin_client: Client, employer, institution):
    existing = TraineeProfileFactory(
        employer=employer, employee_number="E-9", registered_by=institution, user__email="old@example.test"
    )
    rows = "old@example.test,New Name,en,bank-a,E-9,新分行,corporate,\n"
    import_file(admin_client, csv_file(rows))
    existing.refresh_from_db()
    existing.user.refresh_from_db()
    assert TraineeProfile.objects.filter(employer=employer, employee_number="E-9").count() == 1
    assert (existing.user.display_name, existing.branch, existing.manager_class) == ("New Name", "新分行", "corporate")


def test_an_employee_number_of_someone_else_at_that_employer_is_refused(admin_client: Client, employer, institution):
    TraineeProfileFactory(employer=employer, employee_number="E-9", registered_by=institution)
    response = preview(admin_client, csv_file("new@example.test,New,en,bank-a,E-9,,,\n"))
    assert "confirm_form" not in response.context
    assert "belongs to another person" in response.content.decode()
    assert not User.objects.filter(email="new@example.test").exists()


def test_one_bad_row_imports_nothing_and_names_the_row_and_field(admin_client: Client, employer):
    rows = TWO_ROWS + "carl@example.test,Carl,en,no-such-bank,E-3,,,\n" + "dora@example.test,,en,,,,,\n"
    response = preview(admin_client, csv_file(rows))
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    html = response.content.decode()
    assert "There is no employer no-such-bank." in html
    assert "Every row needs a name." in html
    result = response.context["result"]
    assert sorted(row.number for row in result.invalid_rows) == [4, 5]  # the spreadsheet's rows (header: row 1)
    assert not User.objects.filter(email__endswith="@example.test").exclude(staff_membership__isnull=False).exists()


def test_the_same_address_twice_in_one_file_is_refused(admin_client: Client, employer):
    rows = "ann@example.test,Ann,en,,,,,\nANN@example.test,Ann again,en,,,,,\n"
    response = preview(admin_client, csv_file(rows))
    assert "confirm_form" not in response.context
    assert "Row 2 has the same value." in response.content.decode()  # the spreadsheet's numbering: the header is row 1


def test_a_file_with_a_bad_row_is_refused_whole_even_at_the_confirm_step(admin_client: Client, employer):
    """The confirm step re-reads the file: a row that became bad since the preview stops it all."""
    response = preview(admin_client, csv_file(TWO_ROWS + "carl@example.test,Carl,en,bank-a,E-3,,,\n"))
    initial = response.context["confirm_form"].initial
    employer.code = "renamed"
    employer.save(update_fields=["code"])
    admin_client.post(CONFIRM_URL, initial)
    assert not User.objects.filter(email__in=["ann@example.test", "ben@example.test", "carl@example.test"]).exists()


def test_an_xlsx_file_imports_too(admin_client: Client, employer):
    upload = xlsx_file([["xl@example.test", "Excel Person", "en", "bank-a", "E-77", "", "", ""]])
    response = import_file(admin_client, upload, file_format=XLSX)
    assert response.status_code == 302
    assert TraineeProfile.objects.filter(user__email="xl@example.test", employee_number="E-77").exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("trainees.txt", b"email,display_name\na@example.test,A\n"), "Only CSV and XLSX files"),
        (SimpleUploadedFile("trainees.csv", b"x" * (5 * 1024 * 1024 + 1)), "larger than 5 MB"),
        (SimpleUploadedFile("trainees.csv", b"email,phone\na@example.test,1\n"), "display_name"),
    ],
    ids=["not-csv-or-xlsx", "over-5-mb", "missing-column"],
)
def test_a_refused_file_says_why_and_saves_nothing(admin_client: Client, upload, message):
    response = preview(admin_client, upload)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert message in response.content.decode()
    assert not User.objects.filter(email="a@example.test").exists()


def test_an_institution_cannot_take_over_a_trainee_registered_by_another(admin_client: Client, other_trainee):
    other = other_trainee.trainee_profile
    response = preview(admin_client, csv_file(f"{other_trainee.email},Changed,en,,,B,,\n"))
    assert "confirm_form" not in response.context
    other.refresh_from_db()
    assert other.branch == "臺北分行"


def test_a_staff_address_cannot_be_imported_as_a_trainee(admin_client: Client, institution_grader):
    colleague = institution_grader
    response = preview(admin_client, csv_file(f"{colleague.email},Colleague,en,,,,,\n"))
    assert "confirm_form" not in response.context
    assert not TraineeProfile.objects.filter(user=colleague).exists()


def test_the_program_office_import_registers_no_institution(client: Client, employer, program_office):
    client.force_login(program_office)
    import_file(client, csv_file(TWO_ROWS))
    assert set(TraineeProfile.objects.values_list("registered_by", flat=True)) == {None}


def test_the_import_page_lists_the_columns(admin_client: Client):
    response = admin_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert "employee_number" in response.content.decode()


def test_a_value_too_long_for_its_column_is_a_row_error_not_a_crash(admin_client: Client):
    response = preview(admin_client, csv_file(f"long@example.test,{'名' * 151},en,,,,,\n"))
    assert "confirm_form" not in response.context
    assert "At most 150 characters." in response.content.decode()
    assert response.context["result"].invalid_rows[0].number == 2


def test_the_rules_refuse_a_row_without_admin_around_it(employer):
    """The service is the one place for the rules; the resource only walks the file."""
    from accounts.services import AccountError, check_trainee_row

    with pytest.raises(AccountError) as refused:
        check_trainee_row(values={"email": "x@example.test", "display_name": "X", "employer": "nope"}, institution=None)
    assert (refused.value.code, refused.value.field) == ("unknown_employer", "employer")
    row = check_trainee_row(
        values={"email": " X@Example.test ", "display_name": "X", "employer": "bank-a"}, institution=None
    )
    assert (row.email, row.employer, row.profile, row.unchanged) == ("x@example.test", employer, None, False)


def test_row_errors_are_in_the_importing_persons_language(client: Client, institution_admin, employer):
    assert institution_admin.preferred_language == "zh-hant"
    client.force_login(institution_admin)
    response = preview(client, csv_file("carl@example.test,Carl,en,no-such-bank,,,,\n"), language="zh-hant")
    assert "沒有代碼為 no-such-bank 的雇主。" in response.content.decode()
    response = preview(client, SimpleUploadedFile("t.txt", b"email,display_name\n"), language="zh-hant")
    assert "只能匯入 CSV 或 XLSX 檔案。" in response.content.decode()


def test_an_institution_whose_authorization_lapsed_cannot_import(admin_client: Client, institution):
    institution.status = institution.Status.SUSPENDED
    institution.save(update_fields=["status"])
    response = preview(admin_client, csv_file(TWO_ROWS))
    assert "confirm_form" not in response.context
    assert "is not authorized today" in response.content.decode()
    assert not User.objects.filter(email="ann@example.test").exists()


def test_the_lapsed_authorization_message_is_in_the_importers_language(client: Client, institution, institution_admin):
    institution.status = institution.Status.WITHDRAWN
    institution.save(update_fields=["status"])
    assert institution_admin.preferred_language == "zh-hant"
    client.force_login(institution_admin)
    response = preview(client, csv_file(TWO_ROWS), language="zh-hant")
    assert "今天不在授權期間內" in response.content.decode()


def test_columns_the_file_lacks_keep_what_is_stored(admin_client, institution, employer):
    """A file of names only (the enrolment import's layout without details) clears nobody's details."""
    profile = TraineeProfileFactory(registered_by=institution, employer=employer, employee_number="A-77",
                                    branch="信義分行", manager_class="personal", phone="0912 345 678",
                                    user__preferred_language="en")  # fmt: skip
    upload = SimpleUploadedFile("names.csv", f"email,display_name\n{profile.user.email},新名字\n".encode(), "text/csv")
    response = import_file(admin_client, upload)
    assert response.status_code == 302
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert profile.user.display_name == "新名字"
    assert (profile.employer, profile.employee_number, profile.branch, profile.manager_class, profile.phone) == (
        employer,
        "A-77",
        "信義分行",
        "personal",
        "0912 345 678",
    )
    assert profile.user.preferred_language == "en"


def test_blank_rows_at_the_end_of_a_spreadsheet_are_no_rows(admin_client):
    upload = xlsx_file([["new@bank.example", "新學員", "", "", "", "", "", ""], [""] * 8, [None] * 8])
    response = import_file(admin_client, upload, file_format=XLSX)
    assert response.status_code == 302
    assert User.objects.filter(email="new@bank.example").exists()
