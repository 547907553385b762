"""Bulk imports of spreadsheets in admin (CSV or XLSX): all rows or none, every refusal of every row at once.

One module a concern; import from the module, this package re-exports nothing.

* :mod:`.reader` reads every import's file (the trainee, enrolment and question imports): CSV in UTF-8 or Big5,
  XLSX; blank rows skipped, every other row keeping the number the spreadsheet shows at its left.
* :mod:`.results` is what a refused file shows: each refused row as a :class:`~.results.RowProblem` (its number,
  its cells, every message by column) for ``admin/import_export/row_errors.html``, which the three imports share.
* :mod:`.templates` is what an import page says of its file: each column described
  (:class:`~.templates.ColumnGuide`, ``admin/import_export/column_guide.html``) and the header row to download as
  a CSV or XLSX template.
* :mod:`.confirm` makes django-import-export's two-step import safe: the confirm step imports only the upload its
  preview gave the same person, once, and the uploads of previews never confirmed are deleted when their
  signature expires (``accounts.tasks.delete_stale_import_uploads``).
* :mod:`.resources` is the trainee import (``courses.imports`` extends it with a cohort column).
"""
