from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_BODY_CHARS, MAX_REASON_CHARS


class PostForm(forms.Form):
    # No max_length here: the service refuses a long post with its own code and message (``too_long``).
    body = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_BODY_CHARS}),
        help_text=_("Plain text or simple Markdown: **bold**, *italic*, lists, `code`, links."),
        strip=False,
        required=False,
    )


class AnswerForm(PostForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Your answer")
        self.fields["body"].widget.attrs["rows"] = 3


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.TextInput(attrs={"maxlength": MAX_REASON_CHARS})
    )
