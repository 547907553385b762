"""What the accounts app announces to the apps above it (they connect receivers in their ``ready()``)."""

from django.dispatch import Signal

# A person's consent (accounts.employees.do_accept_employment) puts their account in the place of
# a stand-in on an employer's profile. Sent INSIDE that transaction, before the stand-in account is
# deleted, with ``stand_in`` and ``person`` (users) and ``former_id``: the pk of the profile the person
# leaves behind at their former employer (kept, on a deactivated stand-in of its own), or None when they
# had none or it was self-funded and merged away (as it is after an employer let them go:
# do_deactivate_employee leaves the person a self-funded profile). A receiver moves its app's rows of the
# stand-in to the person (or ends what the left-behind profile held), and if it raises nothing of the
# acceptance is kept.
# It is the one signal sent inside a transaction on purpose: its receivers are part of the change, not
# told about it.
stand_in_replaced = Signal()

# An account went from active to inactive (whoever saved it so: admin, the HR API's deactivation of a
# placeholder, a command), with ``user``; also sent when an employer's deactivation moves its employee's row
# onto a new inactive stand-in (accounts.employees.do_deactivate_employee: the person keeps their own,
# active account), with ``user`` that stand-in, so the row's employer-side state ends (career: its grade) as
# for any deactivated employee. Sent robustly after the deactivation commits (core.signals rules 1 and 2),
# once per change: saving an account that was inactive already sends nothing. A receiver reads the stored
# row, since the account may have been reactivated (or the row's person come back) since.
user_deactivated = Signal()
