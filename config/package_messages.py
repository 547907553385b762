"""Messages of packages we ship whose Traditional-Chinese wording we supply or correct.

django-import-export ships Simplified Chinese only; two of Django's admin messages are Simplified in its
zh_Hant catalog; others end in an ASCII period or use ASCII punctuation inside Chinese text. Listed here,
makemessages (``--no-obsolete`` keeps only msgids found in our source) keeps them in our catalog
(locale/zh_Hant), which Django reads before any package's; nothing imports this module.
tests/test_admin_zh_hant.py checks that each is still a message of its package and that the admin shows it
in Traditional Chinese; tests/imports/test_django_wording.py checks the punctuation and the date message.

``ADMIN_PUNCTUATION``: "Save and continue editing" showed "…已成功新增。 您可以在下面再次編輯它." — Django
joins two messages, the second ends in ".". Ours end in 。 and use ，：？ and 「」.

``PASSWORD_RULES``: Django's password rules, with 您 (its catalog says 你).

``DATE_INPUT``: Django's "Enter a valid date." (a form's date field, an admin date or date-and-time field)
says nothing of the form a date is written in. Our catalogues say it in each language: the first of the
language's ``DATE_INPUT_FORMATS`` (what the admin's calendar writes), then the others that are numbers —
zh-Hant YYYY/MM/DD or YYYY-MM-DD, English YYYY-MM-DD (Django's English input formats also read 10/25/2006;
a Taiwanese reader would take 04/12/2026 for 4 December, so the message names only YYYY-MM-DD).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_ADMIN = (
    gettext_noop("Deletion"),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
)

ADMIN_PUNCTUATION = (
    # Success messages (django/contrib/admin/options.py).
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    # A row's history (LogEntry.get_change_message and __str__).
    gettext_noop("Added “%(object)s”."),
    gettext_noop("Changed “%(object)s” — %(changes)s"),
    gettext_noop("Deleted “%(object)s.”"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("Change history: %s"),
    # Deleting, one row or the selected ones.
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, but your "
        "account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following protected related "
        "objects:"
    ),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following related '
        "items will be deleted:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your account doesn't "
        "have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their "
        "related items will be deleted:"
    ),
    gettext_noop("Deleted:"),
    # Labels and help.
    gettext_noop("Action:"),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    # Log-in and password pages.
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Please enter your new password twice so we can verify you typed it in correctly."),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we’ll email instructions for setting a new one."
    ),
)

DATE_INPUT = (gettext_noop("Enter a valid date."),)

# Django's password rules (django/contrib/auth/password_validation.py, forms.py), which its zh_Hant catalog
# words with 你 where the portal speaks to people with 您, and its one too-short message it leaves in English.
PASSWORD_RULES = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("Enter the same password as before, for verification."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %(min_length)d character.",
        "This password is too short. It must contain at least %(min_length)d characters.",
        "min_length",
    ),
)


IMPORT_EXPORT = (
    gettext_noop("%s through import_export"),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."
    ),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    gettext_noop("Export"),
    gettext_noop("Export selected %(verbose_name_plural)s"),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop("Resource"),
    gettext_noop("Format"),
    gettext_noop("File to import"),
    gettext_noop("Form is not validated, call `is_valid` first"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop(
        "The following fields are declared in 'import_id_fields' but are not present in the resource fields: %s"
    ),
    gettext_noop("The following fields are declared in 'import_id_fields' but are not present in the file headers: %s"),
    gettext_noop("call to force_str() on instance failed: %s"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Select all"),
    gettext_noop("Submit"),
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the results, click 'Confirm import'"
    ),
    gettext_noop("Confirm import"),
    gettext_noop("Errors"),
    gettext_noop("Line number"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop("Please correct these errors in your data where possible, then reupload it using the form above."),
    gettext_noop("Row"),
    gettext_noop("Non field specific"),
    gettext_noop("Preview"),
    gettext_noop("New"),
    gettext_noop("Skipped"),
    gettext_noop("Update"),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("Value could not be parsed."),
    gettext_noop("use_natural_foreign_keys and key_is_id cannot both be True"),
)

# The one plural message (its singular is what the test looks up in the package's catalog).
IMPORT_EXPORT_SELECTED = ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "len")
