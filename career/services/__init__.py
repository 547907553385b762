"""Every write of the career register, one module per concern; admin, the HR API, tasks, receivers and the
demo call them.

* :mod:`~career.services.register` — grades (``check_set_grade`` / ``do_set_grade``), the certificate rule
  (``do_set_rule``), compliance with it (``do_settle_compliance``, the receivers' ``do_recheck_compliance``,
  the beat sweep ``do_sweep_compliance``) and the daily digest to the bank's HR staff;
* :mod:`~career.services.evaluations` — the banks' evaluation schemes, periods and evaluations, and the
  moves they propose (``do_save_scheme``, ``do_define_period``, ``do_record_evaluation``, ``do_confirm_move``).

Each refusal raises :class:`CareerError` with a stable ``code`` (the HR API maps it) and a translatable message.
"""

from __future__ import annotations

from core.errors import DomainError


class CareerError(DomainError):
    """A refusal of the career register; ``code`` is stable (the HR API maps it)."""
