"""Every domain's tables, imported in one place for Alembic and for `create_all` in tests."""

from askwell.accounts import models as accounts_models
from askwell.core import jobs as core_jobs
from askwell.core.db import Base
from askwell.people import models as people_models

__all__ = ["Base", "accounts_models", "core_jobs", "people_models"]
