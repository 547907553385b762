"""Nobody outside the cohort and its institution sees anything of its exchange (404); a former member
reads only what they wrote and posts nothing."""

import pytest

from exchange.models import Post
from tests.conftest import logged_in, make_hr_staff

pytestmark = pytest.mark.django_db


def urls(scene) -> list[str]:
    c, course, q = scene.cohort.code, scene.course.code, scene.question.pk
    return [
        f"/en/exchange/{c}/",
        f"/en/exchange/{c}/{course}/",
        f"/en/exchange/posts/{q}/report/",
        f"/en/exchange/posts/{q}/hide/",
    ]


def test_the_cohort_s_people_read_the_discussion(scene, institution_admin):
    for person in (scene.asker, scene.peer, scene.teacher, institution_admin):
        page = logged_in(person).get(f"/en/exchange/{scene.cohort.code}/{scene.course.code}/")
        assert page.status_code == 200, person
        html = page.content.decode()
        assert "存款保險的保額上限是多少" in html
        assert "<strong>新臺幣三百萬元</strong>" in html


@pytest.mark.parametrize("who", ["pending", "next_trainee", "other_trainee", "other_teacher"])
def test_outsiders_get_404_everywhere(scene, who):
    client = logged_in(getattr(scene, who))
    for url in urls(scene):
        assert client.get(url).status_code == 404, url
    for url in (f"/en/exchange/posts/{scene.question.pk}/answer/", f"/en/exchange/posts/{scene.answer.pk}/accept/"):
        assert client.post(url, {"body": "hello"}).status_code == 404, url
    assert client.post(f"/en/exchange/{scene.cohort.code}/{scene.course.code}/", {"body": "x"}).status_code == 404
    assert Post.objects.count() == 3


def test_another_institution_s_staff_grader_hr_and_office_web_pages(
    scene, other_institution_admin, institution_grader, employer, program_office
):
    hr = make_hr_staff(employer, email="hr@bank-a.example.test")
    for person in (other_institution_admin, institution_grader, hr, program_office):
        client = logged_in(person)
        for url in urls(scene):
            assert client.get(url).status_code == 404, (person, url)


def test_anonymous_is_sent_to_log_in(scene, client):
    page = client.get(f"/en/exchange/{scene.cohort.code}/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_a_former_member_reads_only_what_they_wrote_and_cannot_post(scene):
    client = logged_in(scene.former)
    page = client.get(f"/en/exchange/{scene.cohort.code}/{scene.course.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "KYC 要多久更新一次" in html
    assert "存款保險" not in html and "三百萬元" not in html
    assert 'id="ask-form"' not in html
    assert client.get(f"/en/exchange/posts/{scene.question.pk}/report/").status_code == 404
    refused = client.post(f"/en/exchange/{scene.cohort.code}/{scene.course.code}/", {"body": "I am back?"})
    assert refused.status_code == 400
    assert "You have left this cohort" in refused.content.decode()
    assert Post.objects.filter(author=scene.former).count() == 1


def test_the_list_pages_query_count_does_not_grow_with_posts(scene, django_assert_max_num_queries):
    from exchange import services

    for i in range(15):
        q = services.do_post(by=scene.asker, cohort=scene.cohort, course=scene.course, body=f"問題 {i}")
        services.do_post(by=scene.peer, cohort=scene.cohort, course=scene.course, body=f"Answer {i}", parent=q)
    client = logged_in(scene.teacher)
    with django_assert_max_num_queries(20):
        assert client.get(f"/en/exchange/{scene.cohort.code}/{scene.course.code}/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(f"/en/exchange/{scene.cohort.code}/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/en/exchange/").status_code == 200


def test_the_index_and_cohort_page_link_the_discussion(scene):
    client = logged_in(scene.asker)
    assert f"/zh-hant/exchange/{scene.cohort.code}/" in client.get("/zh-hant/exchange/").content.decode()
    cohort_page = client.get(f"/zh-hant/cohorts/{scene.cohort.code}/").content.decode()
    assert f"/zh-hant/exchange/{scene.cohort.code}/" in cohort_page
    outsider_page = logged_in(scene.next_trainee).get(f"/zh-hant/cohorts/{scene.cohort.code}/").content.decode()
    assert f"/exchange/{scene.cohort.code}/" not in outsider_page


def test_an_admitted_trainee_s_dashboard_card_links_the_discussion(scene):
    link = f'<a class="discussion-link" href="/en/exchange/{scene.cohort.code}/">'
    assert link in logged_in(scene.asker).get("/en/dashboard/").content.decode()
    pending_dashboard = logged_in(scene.pending).get("/en/dashboard/").content.decode()
    assert f"/exchange/{scene.cohort.code}/" not in pending_dashboard
