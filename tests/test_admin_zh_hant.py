"""The admin speaks Traditional Chinese, all of it (issue 17).

The program office opens every page of every registered admin in zh-Hant — list, add, change and
delete of one row, history, and the import and export screens where an admin has them — and no
text on it may be an English message of ours or of a package we ship (a msgid left untranslated,
or a field that has no verbose name), nor hold a character that exists only in Simplified Chinese
(a package that ships zh_Hans only, or a fallback to it).
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

import hr_api.demo
from tests.conftest import make_program_office
from tests.isolation import build_world

pytestmark = pytest.mark.django_db

# Characters that exist only in Simplified Chinese: common ones (记录 删 历 选择 这 个 们 …), each of which Big5,
# the Traditional Chinese encoding, cannot write (test_the_simplified_set_is_simplified_only checks it).
SIMPLIFIED_ONLY = set(
    "记录删历选择这个们为应该时间户设导数项错误请认对发现无关开证书学员课报试题编辑创"
    "过滤显条页码结当进执检输标签说类统计务让给还没从会来经问资讯订阅邮账号钥级别线络"
    "连断启动运转换贴载传终区华语简东车马鸟鱼门见贝风飞龙龟齐业丛丝两严丧临丽举义乐乔"
    "习乡买乱争亏亚产亲亿仅仓仪众伤伦伪侠侣偿储兑兰兴养兽冲决况冻净凉减凑凤击凿刘则刚"
    "剧劝办励劲劳势勋单卖卢卫却厅压厌县参双变叙叶叹吗吴呜呗咏响哑唤啰啸喷团园围国图圆"
    "场块坚坛坝坞坟垄垒垦处备够头夹夺奋奖妆妇妈娱婴孙宝实宠审宪宫宽宾寝寻寿将尔尘尝层"
    "属岁岂岗岛峡币帅师帐带帮广庆庐库庙废弃张弥弯归彻径忆忧态总恋恳恶恼悦悬惧惨惩惯愤"
    "戏战扩扫扬抚抛抢护担拟拢拥拦拨挡挣挤挥捞损掷搀摄摆摇撑携敌敛斋旧旷昼晋晓晕暂术杀"
    "杂权杨枪栏树样档桥桦梦楼横欢欧残毁毕汇汉汤沟沪泪泼浅浆测济浏浑浓涛涝润涨渊渐渔温"
    "湾湿满滚滞滥滨潜澜灭灯灵灾灿炉点炼烁烂烛烟烦烧热焕爱爷牵状犹狭狮独狱猎猪献猫环玛"
    "珐琐琼瑶画"
)


class _Text(HTMLParser):
    """The text a person reads on a page: text nodes, and the titles, placeholders and button labels."""

    # Not words of the page: scripts, and a code column or field (identifiers such as "corporate").
    SKIPPED = ("script", "style", "template", "textarea")
    VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, skipped) of each open element

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in self.VOID:
            classes = (values.get("class") or "").split()
            # Codes, and the English half of a bilingual field ("name_en"), are data, English by design.
            data = any(c == "field-code" or (c.startswith("field-") and c.endswith("_en")) for c in classes)
            self._open.append((tag, tag in self.SKIPPED or data))
        if self._skipping():
            return
        for name in ("title", "placeholder", "aria-label", "alt"):
            # Django's yes/no/unknown icons carry alt="True"/"False"/"None", written in Python, not translatable.
            if name == "alt" and "/admin/img/icon-" in (values.get("src") or ""):
                continue
            if values.get(name):
                self.pieces.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button", "reset") and values.get("value"):
            self.pieces.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element (HTML lets some end tags be left out).
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.pieces.append(data)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(piece.split()) for piece in parser.pieces]


def _catalogs() -> list[Path]:
    """The .po files whose msgids the admin may show: ours, Django's, and the packages that speak in the admin."""
    django_root = Path(django.__file__).parent
    site = django_root.parent
    ours = [Path(settings.BASE_DIR) / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"]
    theirs = [django_root / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"]
    for app in ("admin", "auth", "contenttypes", "sessions"):
        theirs.append(django_root / "contrib" / app / "locale" / "en" / "LC_MESSAGES" / "django.po")
    # Packages without an English catalog: the msgids of any language they ship are theirs.
    for package in ("import_export", "django_celery_beat", "django_otp", "django_otp_webauthn", "axes"):
        found = sorted((site / package / "locale").glob("*/LC_MESSAGES/django.po"))
        theirs += found[:1]
    return ours + theirs


def _label(text: str) -> str:
    return text.strip().rstrip(":：").strip().casefold()


@functools.cache
def english_messages() -> frozenset[str]:
    """Every English message the admin could show, as a label reads it (case and a trailing colon aside).

    Messages that read the same in Chinese (a file format, a product name) are left out; so is anything
    without a letter or of one short word a page may show as data.
    """
    found: set[str] = set()
    for path in _catalogs():
        assert path.exists(), path
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural or "%" in entry.msgid or "{" in entry.msgid:
                continue
            found.add(_label(entry.msgid))
    # A field without a verbose name (or an untranslated one) shows its name ("Created at"): English of ours too.
    with translation.override("zh-hant"):
        found |= _field_names_shown_as_they_are()
    return frozenset(m for m in found if re.search(r"[a-z]{2}", m) and m not in SAME_IN_CHINESE)


def _field_names_shown_as_they_are() -> set[str]:
    found = set()
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or "/.venv/" in config.path:
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                name = field.name.replace("_", " ")
                if not field.auto_created and str(getattr(field, "verbose_name", "")) == name:
                    found.add(_label(name))
    return found


# Words a zh-Hant page shows as they are: formats, product and protocol names, the language switcher.
SAME_IN_CHINESE = {
    "english", "csv", "xlsx", "xls", "json", "yaml", "tsv", "ods", "html", "url", "id", "ip", "api",
    "webhook", "oauth", "totp", "pdf", "ok", "email", "e-mail",
}  # fmt: skip


def _english_on(html: str) -> list[str]:
    messages = english_messages()
    return sorted({text for text in visible_text(html) if _label(text) in messages})


def _simplified_on(html: str) -> list[str]:
    return sorted({text for text in visible_text(html) if set(text) & SIMPLIFIED_ONLY})


def _url(model, view: str, *args) -> str | None:
    with translation.override("zh-hant"):
        try:
            return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
        except NoReverseMatch:
            return None


def admin_pages(client: Client, request) -> list[tuple[str, str]]:
    """(name, url) of every page of every registered admin the program office may open."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if not model_admin.has_view_or_change_permission(request):
            continue
        pages.append((f"{label} list", _url(model, "changelist")))
        if model_admin.has_add_permission(request):
            pages.append((f"{label} add", _url(model, "add")))
        row = model_admin.get_queryset(request).order_by("pk").first()
        if row is not None:
            pages.append((f"{label} change", _url(model, "change", row.pk)))
            pages.append((f"{label} history", _url(model, "history", row.pk)))
            if model_admin.has_delete_permission(request, row):
                pages.append((f"{label} delete", _url(model, "delete", row.pk)))
        for view in ("import", "export"):
            url = _url(model, view)
            if url is not None:
                pages.append((f"{label} {view}", url))
    return [(name, url) for name, url in pages if url]


@pytest.fixture
def office_client(rf) -> tuple[Client, object]:
    build_world()
    hr_api.demo.load()
    office = make_program_office(preferred_language="zh-hant")
    client = Client()
    client.force_login(office)
    request = rf.get("/")
    request.user = office
    return client, request


def test_every_admin_page_is_in_traditional_chinese(office_client) -> None:
    client, request = office_client
    _sweep(client, request, least=50)


def test_every_admin_page_of_an_institution_admin_is_in_traditional_chinese(rf) -> None:
    world = build_world()
    client = Client()
    client.force_login(world.admin_a)
    request = rf.get("/")
    request.user = world.admin_a
    _sweep(client, request, least=30)


def _sweep(client: Client, request, *, least: int) -> None:
    pages = admin_pages(client, request)
    assert len(pages) > least, "the sweep finds too few admin pages to prove anything"
    problems = []
    for name, url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant")
        assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
        html = response.content.decode()
        if english := _english_on(html):
            problems.append(f"{name} ({url}) shows English: {english}")
        if simplified := _simplified_on(html):
            problems.append(f"{name} ({url}) shows Simplified Chinese: {simplified}")
    assert not problems, "\n".join(problems)


def test_the_sweep_sees_english_and_simplified_text() -> None:
    assert _english_on("<p>History</p><label>Created at:</label>") == ["Created at:", "History"]
    assert _english_on("<p>歷史</p><p>English</p><p>inst-a</p>") == []
    assert _simplified_on("<p>删除记录</p><p>刪除紀錄</p>") == ["删除记录"]
    skipped = '<td class="field-code">corporate</td><div class="form-row field-code"><div>corporate</div></div>'
    assert _english_on(skipped + "<p>Search<img src='x.svg'></p><p>corporate</p>") == ["Search", "corporate"]


def test_the_simplified_set_is_simplified_only() -> None:
    assert len(SIMPLIFIED_ONLY) >= 100
    for character in SIMPLIFIED_ONLY:
        with pytest.raises(UnicodeEncodeError):
            character.encode("cp950")  # Big5 as Windows writes it, a superset of Big5


def _page(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_admin_names_the_program_not_django(office_client) -> None:
    client, _request = office_client
    with translation.override("zh-hant"):
        html = _page(client, reverse("admin:index"))
    assert "銀行客戶經理專業資格認證管理後台" in html
    assert "<title>認證計畫管理 | 銀行客戶經理認證管理後台</title>" in html
    assert "Django" not in " ".join(visible_text(html))
    with translation.override("en"):
        english = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bank Customer Manager Certification administration" in english


def test_djangos_history_button_is_history_not_our_exam_record(office_client) -> None:
    client, _request = office_client
    from courses.models import Cohort

    cohort = Cohort.objects.first()
    html = _page(client, _url(Cohort, "change", cohort.pk))
    assert ">歷史</a>" in html
    assert "應試紀錄" not in html
    # Our own "History" (the trainee's exam attempts) keeps its wording, by its context.
    with translation.override("zh-hant"):
        assert translation.pgettext("exam attempts", "History") == "應試紀錄"
        django_history = translation.gettext  # not a msgid of ours: makemessages must not collect it
        assert django_history("History") == "歷史"


def test_a_deletion_is_confirmed_in_traditional_chinese(office_client) -> None:
    client, _request = office_client
    from tests.factories import EmployerFactory

    employer = EmployerFactory(name_zh="刪除測試銀行")
    response = client.post(_url(type(employer), "delete", employer.pk), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "刪除" in messages[0], messages
    assert not set(messages[0]) & SIMPLIFIED_ONLY, messages


def test_the_export_page_names_columns_in_chinese_and_by_their_header(office_client) -> None:
    client, _request = office_client
    from accounts.models import TraineeProfile

    html = _page(client, _url(TraineeProfile, "export"))
    text = visible_text(html)
    assert "員工編號 (employee_number)" in text
    assert "Employee Number" not in text


def test_every_admin_action_answers_in_traditional_chinese(office_client) -> None:
    """Each action on one row: the page it shows (delete's confirmation, a rejection's reason) or the message
    it leaves on the list. Actions that answer a file (exports, zips) are only checked to answer."""
    client, request = office_client
    problems, pages = [], 0
    for model, model_admin in list(admin.site._registry.items()):
        if not model_admin.has_view_or_change_permission(request):
            continue
        row = model_admin.get_queryset(request).order_by("pk").first()
        if row is None:
            continue
        for action in model_admin.get_actions(request):
            data = {"action": action, "_selected_action": [row.pk], "index": 0, "select_across": 0}
            response = client.post(_url(model, "changelist"), data, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hant")
            name = f"{model._meta.label} action {action}"
            assert response.status_code == 200, f"{name} answered {response.status_code}"
            if not response["Content-Type"].startswith("text/html"):
                continue
            pages += 1
            html = response.content.decode()
            if english := _english_on(html):
                problems.append(f"{name} shows English: {english}")
            if simplified := _simplified_on(html):
                problems.append(f"{name} shows Simplified Chinese: {simplified}")
    assert pages > 10, "the sweep ran too few actions to prove anything"
    assert not problems, "\n".join(problems)


def test_a_certificates_history_names_actions_and_statuses(office_client) -> None:
    client, _request = office_client
    from certification.models import Certificate

    certificate = Certificate.objects.filter(history__isnull=False).first()
    html = _page(client, _url(Certificate, "change", certificate.pk))
    cells = visible_text(html)
    assert "核發" in cells  # the action "issue"
    assert "issue" not in cells and "active" not in cells


def test_an_imports_preview_errors_and_result_are_in_traditional_chinese(office_client) -> None:
    """The import screens past the first: the preview of good rows, the errors of bad ones, the result."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import TraineeProfile

    client, _request = office_client
    header = "email,display_name,preferred_language,employer,employee_number,branch,manager_class,phone\n"

    def upload(rows: str) -> str:
        file = SimpleUploadedFile("trainees.csv", (header + rows).encode(), content_type="text/csv")
        response = client.post(_url(TraineeProfile, "import"), {"import_file": file, "format": "0", "resource": "0"})
        assert response.status_code == 200
        return response

    good = upload("new.person@example.test,陳新人,zh-hant,,,,,\n")
    assert "confirm_form" in good.context
    bad = upload("not-an-address,陳錯誤,zh-hant,,,,,\n")
    confirmed = client.post(_url(TraineeProfile, "process_import"), good.context["confirm_form"].initial, follow=True)
    for name, response in (("preview", good), ("errors", bad), ("result", confirmed)):
        html = response.content.decode()
        assert not _english_on(html), f"{name}: {_english_on(html)}"
        assert not _simplified_on(html), f"{name}: {_simplified_on(html)}"
    assert "確認匯入" in good.content.decode()
    assert "員工編號 (employee_number)" in visible_text(good.content.decode())


def test_every_add_form_refuses_an_empty_form_in_traditional_chinese(office_client) -> None:
    client, request = office_client
    problems, forms = [], 0
    for model, model_admin in list(admin.site._registry.items()):
        if not model_admin.has_add_permission(request):
            continue
        url = _url(model, "add")
        response = client.post(url, {}, HTTP_ACCEPT_LANGUAGE="zh-hant")
        name = f"{model._meta.label} add"
        assert response.status_code == 200, f"{name}: an empty form answered {response.status_code}"
        forms += 1
        html = response.content.decode()
        if english := _english_on(html):
            problems.append(f"{name} shows English: {english}")
        if simplified := _simplified_on(html):
            problems.append(f"{name} shows Simplified Chinese: {simplified}")
    assert forms > 10
    assert not problems, "\n".join(problems)


def test_a_sitting_without_place_nor_online_is_refused_in_words_in_admin(office_client) -> None:
    client, _request = office_client
    from django.utils import timezone

    from exams.models import Sitting

    sitting = Sitting.objects.first()
    opens, closes = (timezone.localtime(sitting.opens_at), timezone.localtime(sitting.closes_at))
    data = {
        "paper": sitting.paper_id,
        "cohort": sitting.cohort_id,
        "opens_at_0": opens.strftime("%Y-%m-%d"),
        "opens_at_1": opens.strftime("%H:%M:%S"),
        "closes_at_0": closes.strftime("%Y-%m-%d"),
        "closes_at_1": closes.strftime("%H:%M:%S"),
        "place": "",
    }  # is_online left out: off
    response = client.post(_url(Sitting, "change", sitting.pk), data, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 200  # the form again, with its error
    html = response.content.decode()
    assert "sitting_place_or_online" not in html and "約束條件" not in html
    errors = " ".join(str(e) for e in response.context["adminform"].form.non_field_errors())
    assert "地點" in errors, errors
    sitting.refresh_from_db()
    assert sitting.is_online


def test_the_package_messages_we_translate_are_still_messages_of_their_packages() -> None:
    """config/package_messages.py keeps these in our catalog; a package that renames one would leave
    ours translating nothing and its screen in English."""
    from pathlib import Path

    import django
    import import_export
    import polib

    from config import package_messages

    def msgids(package, relative: str) -> set[str]:
        return {entry.msgid for entry in polib.pofile(str(Path(package.__file__).parent / relative))}

    django_admin = msgids(django, "contrib/admin/locale/zh_Hant/LC_MESSAGES/django.po")
    import_export_ids = msgids(import_export, "locale/zh_Hans/LC_MESSAGES/django.po")
    ours = polib.pofile(str(Path(__file__).resolve().parent.parent / "locale/zh_Hant/LC_MESSAGES/django.po"))
    translated = {entry.msgid for entry in ours if entry.translated()}
    import_export_listed = {*package_messages.IMPORT_EXPORT, "Export %(len)s selected item."}
    assert set(package_messages.DJANGO_ADMIN) <= django_admin
    assert import_export_listed <= import_export_ids
    assert {*package_messages.DJANGO_ADMIN, *import_export_listed} <= translated
