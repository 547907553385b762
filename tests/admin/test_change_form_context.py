"""What admin mixins add to a change page's context goes through one ``render_change_form`` in Django's signature
(core.admin_change_form.ChangeFormContext): each mixin's ``change_form_context`` runs once, in the order of the
admin's bases, for the calls Django's ``changeform_view`` makes (some arguments by name), and every argument reaches
Django's own. An override written shorter once broke the chain for the admins mixed after it. On the site, an
enrolment's page (the row actions' buttons, courses.admin.actions.ActionFormPages) keeps the site's permitted links
(config.admin.PermittedLinksAdmin, an override of ``render_change_form`` of its own) too."""

from typing import Any

import pytest
from django.test import RequestFactory

from core.admin_change_form import ChangeFormContext
from courses import services
from courses.admin.actions import ActionFormPages
from tests.conftest import logged_in
from tests.factories import CohortFactory, UserFactory


class DjangosOwn:
    """Stands for ``ModelAdmin.render_change_form``: answers with what it was handed."""

    def render_change_form(
        self,
        request: Any,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> tuple:
        return context, add, change, form_url, obj


def adds(name: str) -> type[ChangeFormContext]:
    class Adds(ChangeFormContext):
        def change_form_context(self, request: Any, context: dict[str, Any], *, add: bool, obj: Any) -> None:
            context.setdefault("added", []).append((name, add, obj))
            super().change_form_context(request, context, add=add, obj=obj)

    return Adds


class TwoMixins(adds("first"), adds("second"), DjangosOwn):
    pass


class RowActionsThenAnother(ActionFormPages, adds("after the row actions"), DjangosOwn):
    pass


def test_each_mixin_adds_once_in_the_order_of_the_bases_on_the_add_page():
    request = RequestFactory().get("/")
    answer = TwoMixins().render_change_form(request, {}, add=True, form_url="/here/")  # as changeform_view calls
    assert answer == ({"added": [("first", True, None), ("second", True, None)]}, True, False, "/here/", None)


def test_each_mixin_adds_once_and_every_argument_reaches_djangos_on_a_rows_page():
    request, row = RequestFactory().get("/"), object()
    answer = TwoMixins().render_change_form(request, {}, add=False, change=True, obj=row, form_url="")
    assert answer == ({"added": [("first", False, row), ("second", False, row)]}, False, True, "", row)
    # positionally too, as an override of render_change_form before the mixin hands it on
    assert TwoMixins().render_change_form(request, {}, False, True, "/x/", row)[1:] == (False, True, "/x/", row)


def test_the_row_actions_hand_the_page_on_to_the_mixins_after_them():
    answer = RowActionsThenAnother().render_change_form(RequestFactory().get("/"), {}, add=True)
    assert answer[0] == {"added": [("after the row actions", True, None)]}


@pytest.mark.django_db
def test_an_enrolments_page_has_its_row_buttons_and_the_sites_permitted_links(institution_admin, institution):
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory(institution=institution))
    page = logged_in(institution_admin).get(f"/en/admin/courses/enrolment/{enrolment.pk}/change/")
    assert page.status_code == 200
    assert [button.name for button in page.context["row_buttons"]] == ["approve", "reject"]
    assert type(page.context["adminform"]).__name__ == "_PermittedLinks"  # config.admin.PermittedLinksAdmin's
    assert all(type(f).__name__ == "_PermittedLinks" for f in page.context["inline_admin_formsets"])
