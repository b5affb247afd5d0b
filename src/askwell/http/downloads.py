"""A JSON document sent as a file to save, shared by the settings page and the API."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.responses import Response


def personal_data_response(data: dict[str, Any], *, now: datetime) -> Response:
    """The person's own data as an attachment; never cached, since it is private to one person."""
    filename = f"askwell-my-data-{now.strftime('%Y-%m-%d')}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
