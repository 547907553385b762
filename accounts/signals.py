"""What the accounts app announces to the apps above it (they connect receivers in their ``ready()``)."""

from django.dispatch import Signal

# A person's consent (accounts.employees.do_accept_employment) puts their account in the place of
# a stand-in on an employer's profile. Sent INSIDE that transaction, before the stand-in account is
# deleted, with ``stand_in`` and ``person`` (users): a receiver moves its app's rows of the stand-in
# to the person, and if it raises nothing of the acceptance is kept. It is the one signal sent
# inside a transaction on purpose: its receivers are part of the change, not told about it.
stand_in_replaced = Signal()
