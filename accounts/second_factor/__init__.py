"""A second factor for staff (issue 15, item 7): TOTP with recovery codes, on django-otp.

Who needs it: :func:`services.needs_second_factor` (staff status, superusers, the staff groups,
institution staff). :class:`middleware.SecondFactorMiddleware` lets such a person, logged in
with a password only, reach nothing but these pages, log-out and static files, so every current
and later staff page (Django admin included) is behind it. Wrong codes count toward the same
django-axes lock-out as wrong passwords.
"""
