"""The link a sign-up mails to verify the address, read without acting on it.

Mail scanners and link previews fetch the links in a mail, so opening the link (a GET) only shows a page with a
button (:func:`accounts.services.check_verification_link`); the button's POST activates the account
(:func:`accounts.services.do_verify_email`). The page says whose account it is by a masked address
(:func:`masked_email`): a link forwarded or left in a shared mailbox does not show the whole address to whoever
opens it.
"""

from __future__ import annotations


def masked_email(email: str) -> str:
    """``mei.chen@example.test`` as ``m•••@example.test``: the first character before the ``@`` (three dots for the
    rest, whatever its length), and the domain: enough for the person to know which of their mailboxes it is."""
    name, at, domain = email.partition("@")
    return f"{name[:1]}•••{at}{domain}"
