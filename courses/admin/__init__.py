"""The courses admin, one module per concern; importing a module registers its admins.

- ``catalog``: tiers, tracks, courses and curricula (the program office's catalogue);
- ``syllabus``: the unified syllabus and textbook of each course, in versions (the program office's);
- ``cohorts``: cohorts and their open/close/start/finish actions;
- ``enrolments``: enrolments, their decisions and the trainee import;
- ``training_sessions``, ``remote_modules``, ``self_study``, ``prior_learning``: the training
  records that count hours.

Every institution-owned admin inherits ``accounts.scoping.InstitutionScopedAdmin``.
"""

from . import (  # noqa: F401 (imported for their @admin.register)
    catalog,
    cohorts,
    enrolments,
    prior_learning,
    remote_modules,
    self_study,
    syllabus,
    training_sessions,
)
