"""Every domain's tables, imported in one place for Alembic and for `create_all` in tests."""

from askwell.accounts import models as accounts_models
from askwell.asks import models as asks_models
from askwell.calendars import models as calendars_models
from askwell.core import jobs as core_jobs
from askwell.core.db import Base
from askwell.huddles import models as huddles_models
from askwell.insights import models as insights_models
from askwell.ledger import models as ledger_models
from askwell.matching import models as matching_models
from askwell.network import models as network_models
from askwell.notifications import models as notifications_models
from askwell.people import models as people_models
from askwell.rings import models as rings_models
from askwell.routing import models as routing_models
from askwell.slack import models as slack_models
from askwell.sso import models as sso_models
from askwell.standups import models as standups_models
from askwell.webhooks import models as webhooks_models

__all__ = [
    "Base",
    "accounts_models",
    "asks_models",
    "calendars_models",
    "core_jobs",
    "huddles_models",
    "insights_models",
    "ledger_models",
    "matching_models",
    "network_models",
    "notifications_models",
    "people_models",
    "rings_models",
    "routing_models",
    "slack_models",
    "sso_models",
    "standups_models",
    "webhooks_models",
]
