"""django-import-export's two-step import, made safe: the confirm step imports only the upload its preview gave the
same person, once, and says so when it imported nothing.

Every admin with import-export's import adds :class:`ConfirmOwnPreviewMixin` (before ImportMixin or
ImportExportMixin in its bases). A preview keeps its upload in :func:`upload_folder` for its confirm step; an
upload never confirmed is deleted once its signature has expired (:func:`delete_stale_uploads`, run hourly by
``accounts.tasks.delete_stale_import_uploads``).
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from import_export.forms import ConfirmImportForm
from import_export.results import Result
from import_export.tmp_storages import TempFolderStorage

from .. import services
from .reader import IMPORT_FORMATS
from .templates import ImportGuideMixin

#: Why a confirm step was refused (ConfirmOwnPreviewMixin).
CONFIRM_NOT_ISSUED = gettext_lazy(
    "This import cannot be confirmed: it is not a file you previewed here. Upload the file again."
)
CONFIRM_GONE = gettext_lazy("This import was already confirmed or has expired; upload the file again.")
#: Said when a confirmed import failed a check its preview had passed (ConfirmOwnPreviewMixin.process_result).
CONFIRM_REFUSED = gettext_lazy(
    "Nothing was imported: since the preview, something these rows depend on has changed (a cohort may have "
    "filled up, say). See the rows below, fix the file and upload it again."
)

#: Seconds a preview may be confirmed in; its upload is deleted after that (delete_stale_uploads).
CONFIRM_MAX_AGE = 24 * 3600

#: The folder in the system's temp folder that holds the previews' uploads and nothing else, so that the sweep
#: deletes only those. Each new preview sweeps it (the web machine's own folder, wherever the worker runs); the
#: beat job sweeps it too where the worker shares the machine, for the weeks no one imports.
UPLOAD_FOLDER = "portal-import-uploads"


def upload_folder() -> str:
    """The folder of the previews' uploads (made on first use, for the portal's own user only)."""
    folder = os.path.join(tempfile.gettempdir(), UPLOAD_FOLDER)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def delete_stale_uploads(*, max_age: float = CONFIRM_MAX_AGE, now: float | None = None) -> int:
    """Delete the uploads in :func:`upload_folder` last changed more than ``max_age`` seconds before ``now``
    (default: the clock) and return how many: previews never confirmed (a preview with refused rows is never
    confirmed) and confirms a killed process left. Safe to run twice, or beside a confirm: a file gone
    meanwhile is passed over.

    A preview's confirm is refused once its signature is ``max_age`` old, and the upload was written before the
    preview was signed; a confirm that took its upload touched it (:class:`ConfirmOnceStorage`).
    """
    cutoff = (time.time() if now is None else now) - max_age
    deleted = 0
    with os.scandir(upload_folder()) as entries:
        for entry in entries:
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.remove(entry.path)
                    deleted += 1
            except FileNotFoundError:  # confirmed (taken) or deleted by another sweep meanwhile
                continue
    return deleted


class UploadGone(Exception):
    """The upload a confirm step names is not there (any more): confirmed already, or at the same moment."""


class ConfirmOnceStorage(TempFolderStorage):  # type: ignore[misc]
    """import-export's temp folder (ours: :func:`upload_folder`), from which a confirm step takes its upload before
    reading it.

    A storage made without a name is the preview's: it saves the upload and reads it back. One made with a name is a
    confirm step's: its first read renames the file to a name of its own (atomic: of two confirms of one preview, a
    double click or a second tab, one gets the file and the other :class:`UploadGone`), and ``remove`` removes that.
    """

    name: str | None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._to_take = self.name  # None: the preview's

    def get_full_path(self) -> str:
        return os.path.join(upload_folder(), self.name or "")

    def _open(self, mode: str = "r") -> Any:
        if self.name:
            return super()._open(mode)
        delete_stale_uploads()
        preview = tempfile.NamedTemporaryFile(delete=False, dir=upload_folder(), prefix="preview-")  # noqa: SIM115
        self.name = os.path.basename(preview.name)
        return preview

    def read(self) -> Any:
        if self._to_take is not None:
            named, self._to_take = self._to_take, None
            taken = f"{os.path.basename(named)}.{uuid.uuid4().hex}.confirming"
            try:
                os.rename(self.get_full_path(), os.path.join(upload_folder(), taken))
            except FileNotFoundError:
                raise UploadGone(named) from None
            self.name = taken
            # Now being imported: the sweep of stale uploads must not delete it before remove() does.
            os.utime(self.get_full_path())
        return super().read()


class OwnPreviewConfirmForm(ConfirmImportForm):  # type: ignore[misc]
    """import-export's confirm form, whose hidden ``import_file_name`` is what the preview signed (see
    :class:`ConfirmOwnPreviewMixin`): the temp file, the upload's name, its format and resource. It is valid only
    when signed for the same person and import (``salt``) within ``max_age`` seconds, and the other hidden fields
    are taken from what was signed, whatever was posted."""

    def __init__(self, *args: Any, salt: str, max_age: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.salt, self.max_age = salt, max_age
        self.issued: dict[str, str] = {}

    def clean_import_file_name(self) -> str:
        try:
            self.issued = signing.loads(self.cleaned_data["import_file_name"], salt=self.salt, max_age=self.max_age)
        except signing.SignatureExpired:
            raise ValidationError(CONFIRM_GONE, code="expired") from None
        except signing.BadSignature:
            raise ValidationError(CONFIRM_NOT_ISSUED, code="not_issued") from None
        return os.path.basename(self.issued["file"])  # a name in the upload folder, as import-export's form keeps it

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if self.issued:
            cleaned |= {key: self.issued[key] for key in ("original_file_name", "format", "resource")}
        return cleaned


class ConfirmOwnPreviewMixin(ImportGuideMixin):
    """For every admin with django-import-export's import (before ImportMixin or ImportExportMixin in its bases).

    import-export's confirm step imported whatever temp file its hidden ``import_file_name`` named, and then
    removed it: staff of one institution confirmed another's pending upload (registering its people as theirs),
    whose own confirm then failed. Here the preview signs the name (with the upload's name, format and resource)
    for the person and the admin (:meth:`import_confirm_salt`); the confirm step refuses any other name, a name
    older than ``import_confirm_max_age``, and a preview confirmed already (:class:`ConfirmOnceStorage`), with a
    message and the import page again, nothing written.
    """

    import_formats = IMPORT_FORMATS
    confirm_form_class = OwnPreviewConfirmForm
    tmp_storage_class = ConfirmOnceStorage
    #: Seconds a preview may be confirmed in: at most CONFIRM_MAX_AGE, after which the sweep deletes its upload.
    import_confirm_max_age = CONFIRM_MAX_AGE

    def import_confirm_salt(self, request: HttpRequest) -> str:
        # Written out (not from __name__): a preview signed before a module moves stays confirmable.
        return f"accounts.imports.confirm:{self.opts.label_lower}:{request.user.pk}"

    def get_confirm_form_initial(self, request: HttpRequest, import_form: Any) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            issued = {
                "file": os.path.basename(str(initial["import_file_name"])),
                "original_file_name": str(initial["original_file_name"]),
                "format": str(initial["format"]),
                "resource": str(initial.get("resource") or ""),
            }
            initial["import_file_name"] = signing.dumps(issued, salt=self.import_confirm_salt(request))
        return initial

    def get_confirm_form_kwargs(self, request: HttpRequest, import_form: Any = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_confirm_form_kwargs(request, import_form)
        return kwargs | {"salt": self.import_confirm_salt(request), "max_age": self.import_confirm_max_age}

    def add_data_read_fail_error_to_form(self, form: forms.Form, e: Exception) -> None:
        if isinstance(e, ValidationError):  # read_spreadsheet's own words (a CSV in neither encoding)
            form.add_error("import_file", e)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            gone = confirm_form.has_error("import_file_name", "expired")
            return self.refuse_confirm(request, CONFIRM_GONE if gone else CONFIRM_NOT_ISSUED)
        try:
            response: HttpResponse = super().process_import(request, **kwargs)
        except UploadGone:  # read before any row is written
            return self.refuse_confirm(request, CONFIRM_GONE)
        return response

    def say_who_was_mailed(self, result: Result, request: HttpRequest) -> None:
        """After the import's summary: how the people it created get in (accounts.imports.resources mails them)."""
        welcomed = getattr(result, "welcomed", 0)
        if welcomed:
            message = ngettext(
                "The new trainee is e-mailed a link to choose their password and log in.",
                "The %(count)d new trainees are e-mailed a link to choose their password and log in.",
                welcomed,
            ) % {"count": welcomed}
            message += " " + _(
                "The link works for %(lifetime)s; “Forgot your password?” on the log-in page e-mails a new one."
            ) % {"lifetime": services.password_link_lifetime()}
            self.message_user(request, message, messages.SUCCESS)

    def refuse_confirm(self, request: HttpRequest, message: str | Promise) -> HttpResponse:
        """The import page again, saying why the confirm was refused."""
        self.message_user(request, message, messages.ERROR)
        app_label, model_name = self.get_model_info()
        return redirect(f"admin:{app_label}_{model_name}_import")

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        """After the confirm step's import: import-export said "Import finished" whatever happened. A file that
        passed its preview may fail now (a cohort filled up in between): nothing was written (all rows or none),
        and the import page says so and shows the rows, as a preview would."""
        if not (result.has_errors() or result.has_validation_errors()):
            response: HttpResponse = super().process_result(result, request)
            self.say_who_was_mailed(result, request)
            return response
        self.message_user(request, CONFIRM_REFUSED, messages.ERROR)
        form = self.get_import_form_class(request)(self.get_import_formats(), self.get_import_resource_classes(request))
        resource = self.import_resource(request)
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            **self.import_guide_context(request, resource),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "fields_list": [(resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])],
            "import_error_display": self.import_error_display,
        }
        return TemplateResponse(request, [self.import_template_name], context)
