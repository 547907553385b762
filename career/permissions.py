"""Career register permissions of the role groups, granted after every migrate (only ever added).

Employer HR staff keep their bank's register (grades through ``career.services``; the authority table);
the program office sets the certificate rule and reads counts per bank, never a bank's rows (the admins
are ``EmployerScopedAdmin`` with ``office_sees_rows`` off). Institution staff get nothing here.
"""

from accounts.scoping import EMPLOYER_HR_GROUP, PROGRAM_OFFICE_GROUP
from core.permissions import Grants

EMPLOYER_HR = [
    "view_managergrade", "add_managergrade", "change_managergrade",
    "view_gradechange", "view_complianceevent",
    "view_authoritytable", "add_authoritytable", "change_authoritytable",
    "view_certificaterule",
    "view_evaluationscheme", "add_evaluationscheme", "change_evaluationscheme",
    "view_schemedimension", "view_evaluationperiod", "add_evaluationperiod",
    "view_evaluation", "add_evaluation", "change_evaluation", "view_evaluationscore",
]  # fmt: skip
PROGRAM_OFFICE = [
    "view_certificaterule", "change_certificaterule",
    "view_registercompliance",
]  # fmt: skip

GROUP_PERMISSIONS: Grants = {PROGRAM_OFFICE_GROUP: PROGRAM_OFFICE, EMPLOYER_HR_GROUP: EMPLOYER_HR}
