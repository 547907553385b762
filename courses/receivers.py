"""Reactions to what accounts announces; connected in ``CoursesConfig.ready()``."""

from __future__ import annotations

from typing import Any


def on_stand_in_replaced(sender: Any, stand_in: Any, person: Any, **kwargs: Any) -> None:
    from .services import do_move_enrolments

    do_move_enrolments(from_trainee=stand_in, to_trainee=person)


def connect() -> None:
    from accounts.signals import stand_in_replaced

    stand_in_replaced.connect(on_stand_in_replaced, dispatch_uid="courses_stand_in_enrolments")
