"""Durable coding projects: every coding decision stored as it is made, with undo per coder.

- :mod:`~qualkit.project.store`: :class:`Project` (``Project.create``, ``open_project``,
  ``add_coding``, ``remove_coding``, ``change_coding``, ``set_status``, ``add_codings``,
  ``undo``/``redo``, ``codings``, ``history``);
- :mod:`~qualkit.project.history`: the append-only change log and undo/redo;
- :mod:`~qualkit.project.rows`: corpus and codebook to rows and back;
- :mod:`~qualkit.project.schema`: tables, engines (SQLite, PostgreSQL) and migrations.

>>> import qualkit
>>> project = qualkit.open_project("study.qkproj")          # doctest: +SKIP
"""

from qualkit.project.history import ProjectConflictError
from qualkit.project.store import HISTORY_COLUMNS, PROJECT_COLUMNS, Project, ProjectError, open_project

__all__ = ["Project", "open_project", "ProjectError", "ProjectConflictError", "PROJECT_COLUMNS",
           "HISTORY_COLUMNS"]
