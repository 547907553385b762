"""The session engine (``SESSION_ENGINE = "accounts.sessions"``): Django's database sessions,
each row knowing its user, so that deactivating someone deletes all their sessions in one query.

Loading a session reads its user's row in the same query (one round trip, SQL built once per
process instead of twice per request by the ORM): ``accounts.middleware.AuthenticationMiddleware``
takes the user from there instead of asking the database again, and ``accounts.scoping`` whether
the user is in the program office's group and their institution staff membership. All are read on
every request, as before, so a deleted session, a deactivated person, a changed password (the
session hash) or a changed role take effect on the very next request: no row is cached across
requests.

What a process does remember is which stored texts it has already checked: the signature of the
session's text (an HMAC, base64 and zlib) is verified once per text; the same text read again (the
session is saved only when it changes) is taken as verified, and its JSON parsed afresh. A text is
remembered only once its signature held under the current keys (forgotten when a test changes
them; a new key in production comes with a restart).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core import signing
from django.core.exceptions import SuspiciousOperation
from django.core.signals import setting_changed
from django.db import connections, router
from django.dispatch import receiver
from django.utils import timezone

from core.raw_rows import ModelColumns, model_columns

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from .models import User


class _LoadQuery(NamedTuple):
    sql: str
    user: ModelColumns
    membership: ModelColumns  # the user's institution staff membership (NULLs without one)
    institution: ModelColumns  # and its institution


_QUERY_ATTRIBUTE = "_accounts_session_load_query"


def _load_query(connection: BaseDatabaseWrapper) -> _LoadQuery:
    """The session's data, its user's row (NULLs without one), whether the user is in the program
    office's group (``accounts.scoping.is_program_office``) and their institution staff membership
    with its institution (``accounts.scoping.institution_of``): built once per connection."""
    query = getattr(connection, _QUERY_ATTRIBUTE, None)
    if query is not None:
        return query
    from .models import Institution, StaffMembership, User, UserSession

    quote = connection.ops.quote_name
    user = model_columns(connection, User, "u")
    membership = model_columns(connection, StaffMembership, "sm")
    institution = model_columns(connection, Institution, "i")
    memberships = User.groups.through._meta
    group = Group._meta
    in_office = (
        f"EXISTS (SELECT 1 FROM {quote(memberships.db_table)} m INNER JOIN {quote(group.db_table)} g "
        f"ON g.{quote(group.pk.column)} = m.{quote('group_id')} "
        f"WHERE m.{quote('user_id')} = u.{quote(User._meta.pk.column)} AND g.{quote('name')} = %s)"
    )
    sql = (
        f"SELECT s.{quote('session_data')}, {in_office}, {user.select}, {membership.select}, {institution.select} "
        f"FROM {quote(UserSession._meta.db_table)} s "
        f"LEFT JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = s.{quote('user_id')} "
        f"LEFT JOIN {quote(StaffMembership._meta.db_table)} sm "
        f"ON sm.{quote('user_id')} = u.{quote(User._meta.pk.column)} "
        f"LEFT JOIN {quote(Institution._meta.db_table)} i "
        f"ON i.{quote(Institution._meta.pk.column)} = sm.{quote('institution_id')} "
        f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
    )
    query = _LoadQuery(sql, user, membership, institution)
    setattr(connection, _QUERY_ATTRIBUTE, query)
    return query


# Stored session texts whose signature held → their (decompressed) serialized data. Bounded: the
# oldest is forgotten first, and a forgotten text is simply verified again.
VERIFIED_LIMIT = 4096
_verified: dict[str, bytes] = {}


class _Unparsed:
    """A "serializer" for ``signing.loads`` that hands back the verified bytes as they are."""

    def loads(self, data: bytes) -> bytes:
        return data


@receiver(setting_changed)
def _forget_verified(*, setting: str, **kwargs: object) -> None:
    if setting in {"SECRET_KEY", "SECRET_KEY_FALLBACKS", "SESSION_SERIALIZER"}:
        _verified.clear()


_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(DBStore):
    # The user row read with the session (None: no session, or a session without a user).
    loaded_user: User | None = None

    @classmethod
    def get_model_class(cls):
        from .models import UserSession

        return UserSession

    def _validate_session_key(self, key: str | None) -> bool:
        """Django's rule (eight characters at least), and only the characters and length Django makes keys of:
        a cookie's NUL or a longer text never reaches the database (PostgreSQL refuses a NUL: a 500)."""
        return bool(key) and 8 <= len(key) <= 40 and _KEY_CHARS.issuperset(key)  # type: ignore[arg-type]

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        try:
            instance.user_id = int(user_id) if user_id is not None else None
        except (TypeError, ValueError):
            instance.user_id = None
        return instance

    def decode(self, session_data: str) -> dict[str, Any]:
        """Django's ``decode``: an empty session for a text whose signature fails or that does not parse."""
        data = _verified.get(session_data)
        if data is None:
            try:
                data = signing.loads(session_data, salt=self.key_salt, serializer=_Unparsed)
            except signing.BadSignature:
                logging.getLogger("django.security.SuspiciousSession").warning("Session data corrupted")
                return {}
            except Exception:  # as Django: a malformed text is an empty session
                return {}
            if len(_verified) >= VERIFIED_LIMIT:
                with suppress(KeyError, RuntimeError, StopIteration):  # another thread got there first
                    del _verified[next(iter(_verified))]
            _verified[session_data] = data
        try:
            return self.serializer().loads(data)
        except Exception:
            return {}

    def load(self) -> dict[str, Any]:
        """Django's ``load`` (a live, unexpired row or an empty session), the user row alongside."""
        from .scoping import PROGRAM_OFFICE_GROUP

        self.loaded_user = None
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        query = _load_query(connection)
        try:
            with connection.cursor() as cursor:
                cursor.execute(query.sql, [PROGRAM_OFFICE_GROUP, self.session_key, timezone.now()])
                row = cursor.fetchone()
        except SuspiciousOperation as exc:  # as Django's _get_session_from_db
            logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
            row = None
        if row is None:
            self._session_key = None
            return {}
        if row[2] is not None:
            self.loaded_user = self._user_of(query, alias, connection, row)
        return self.decode(row[0])

    @staticmethod
    def _user_of(query: _LoadQuery, alias: str, connection: BaseDatabaseWrapper, row: Sequence[Any]) -> User:
        """The user of a loaded row, with what ``accounts.scoping`` reads kept where it looks."""
        from .models import StaffMembership

        start = 2
        user = query.user.instance(alias, connection, row[start : start + len(query.user.attnames)])
        start += len(query.user.attnames)
        user._is_program_office = bool(row[1])  # read by accounts.scoping.is_program_office
        membership = None
        if row[start] is not None:
            membership = query.membership.instance(
                alias, connection, row[start : start + len(query.membership.attnames)]
            )
            start += len(query.membership.attnames)
            institution = query.institution.instance(alias, connection, row[start:])
            StaffMembership._meta.get_field("institution").set_cached_value(membership, institution)
            StaffMembership._meta.get_field("user").set_cached_value(membership, user)
        # As Django's accessor keeps it: user.staff_membership asks nothing more (None: DoesNotExist).
        StaffMembership._meta.get_field("user").remote_field.set_cached_value(user, membership)
        return user
