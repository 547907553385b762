"""Date and time formats per language (settings.FORMAT_MODULE_PATH), over Django's own."""

from django.utils.translation import gettext_noop

# The "A" of TIME_FORMAT reads Django's "AM"/"PM", which Django's own zh-Hant catalogue leaves in
# Latin letters; listed here so that ours carries 上午/下午 (and makemessages keeps them).
MERIDIEM = (gettext_noop("AM"), gettext_noop("PM"))
