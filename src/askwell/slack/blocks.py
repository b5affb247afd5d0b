"""What Askwell shows in Slack, as Block Kit JSON: the ask modal, its result, the outreach DM and the
answer that replaces its buttons. Pure: plain values in, dicts out (no session, no I/O).

Slack's limits are kept here: a modal title at most 24 characters, plain-text inputs at most 3,000,
section text at most 3,000, a button's value at most 2,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ASK_CALLBACK = "askwell_ask"
CLAIM = "route_claim"
CANT = "route_cant"
SUGGEST = "route_suggest"
OFFER = "ask_offer"
#: The block and action ids of the modal's inputs (Slack returns values under both).
TITLE_BLOCK, BODY_BLOCK, DUE_BLOCK, VALUE = "title", "body", "due", "value"
COACHING_BLOCK = "coaching"
TITLE_MAX = 140
BODY_MAX = 3000  # Slack's plain_text_input limit (the asks body allows more; the web form has it)
SECTION_MAX = 2900


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75], "emoji": True}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": escape(text)[:SECTION_MAX] or " "}}


def escape(text: str) -> str:
    """Slack's mrkdwn needs only these three escaped; people's words are never read as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def prefill(text: str) -> tuple[str, str]:
    """``/ask`` text → (title, body): the first line, cut at a word to fit, and the rest (or all of it
    when the title had to be cut)."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    first = first.strip()
    if len(first) <= TITLE_MAX:
        return first, rest.strip()[:BODY_MAX]
    cut = first[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(" ,;:") or first[:TITLE_MAX]
    return cut, text[:BODY_MAX]


def ask_modal(text: str) -> dict[str, Any]:
    """The ``/ask`` modal, pre-filled from the command's text."""
    title, body = prefill(text)
    return coached_modal(title=title, body=body, due=None, score=None, coaching=[])


def coached_modal(
    *, title: str, body: str, due: str | None, score: int | None, coaching: list[CoachingLine]
) -> dict[str, Any]:
    """The ask modal with what the person has typed so far and, once there is something to read, its
    SMART coaching under the fields. The title and body dispatch an action as the person types
    (``dispatch_action``), which brings this view back updated (``views.update``)."""
    typing = {"trigger_actions_on": ["on_character_entered"]}
    title_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "max_length": TITLE_MAX,
        "dispatch_action_config": typing,
    }
    if title:
        title_input["initial_value"] = title[:TITLE_MAX]
    body_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "multiline": True,
        "max_length": BODY_MAX,
        "dispatch_action_config": typing,
    }
    if body:
        body_input["initial_value"] = body[:BODY_MAX]
    due_input: dict[str, Any] = {"type": "datepicker", "action_id": VALUE}
    if due:
        due_input["initial_date"] = due
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": TITLE_BLOCK,
            "dispatch_action": True,
            "label": _plain("What do you need?"),
            "element": title_input,
            "hint": _plain("One line: the help you want, and by when."),
        },
        {
            "type": "input",
            "block_id": BODY_BLOCK,
            "optional": True,
            "dispatch_action": True,
            "label": _plain("Why it matters, and what you tried"),
            "element": body_input,
        },
        {
            "type": "input",
            "block_id": DUE_BLOCK,
            "optional": True,
            "label": _plain("Needed by"),
            "element": due_input,
        },
    ]
    if score is not None:
        blocks.append(
            {
                "type": "context",
                "block_id": COACHING_BLOCK,
                "elements": [{"type": "mrkdwn", "text": _coaching_text(score, coaching)}],
            }
        )
    return {
        "type": "modal",
        "callback_id": ASK_CALLBACK,
        "title": _plain("Ask for help"),
        "submit": _plain("Post ask"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def _coaching_text(score: int, coaching: list[CoachingLine]) -> str:
    lines = [f"SMART coaching score {score}/100"]
    lines += [f"{STATUS_MARK.get(c.status, '•')} *{c.criterion}*: {escape(c.advice)}" for c in coaching]
    return "\n".join(lines)[:SECTION_MAX]


@dataclass(frozen=True)
class Submitted:
    title: str
    body: str
    due: str | None  # YYYY-MM-DD


def submitted(view: dict[str, Any]) -> Submitted:
    """The modal's values as Slack sends them back (missing or malformed parts read as empty)."""
    values = view.get("state", {}).get("values", {}) if isinstance(view, dict) else {}

    def read(block: str, key: str) -> str:
        element = values.get(block, {}).get(VALUE, {}) if isinstance(values, dict) else {}
        found = element.get(key) if isinstance(element, dict) else None
        return found if isinstance(found, str) else ""

    return Submitted(
        title=read(TITLE_BLOCK, "value").strip(),
        body=read(BODY_BLOCK, "value").strip(),
        due=read(DUE_BLOCK, "selected_date") or None,
    )


@dataclass(frozen=True)
class CoachingLine:
    criterion: str  # "Specific", "Meaningful", ...
    status: str  # "met", "weak", "missing"
    advice: str  # the rewrite when there is one, else the reason


STATUS_MARK = {"met": "✅", "weak": "🟡", "missing": "⭕"}


def ask_posted(*, title: str, url: str, score: int, coaching: list[CoachingLine]) -> dict[str, Any]:
    """The modal after "Post ask": the ask is up, with its SMART coaching for next time or an edit."""
    blocks = [
        _section(f"Your ask is posted: {title}"),
        _section(f"Edit it on Askwell to act on the coaching: {url}"),
        {"type": "section", "text": {"type": "mrkdwn", "text": _coaching_text(score, coaching)}},
    ]
    return {"type": "modal", "title": _plain("Ask posted"), "close": _plain("Done"), "blocks": blocks}


def outreach(*, route_id: int, author: str, title: str, url: str, suggested_by: str | None) -> dict[str, Any]:
    """The who-can-help DM: someone's ask, with Claim, Can't and Suggest someone (a Slack user picker;
    the route is named by the block id). chat.postMessage arguments less the channel."""
    why = f"{suggested_by} suggested you." if suggested_by else "Askwell thinks you could help."
    text = f"{author} could use a hand: {title}"
    return {
        "text": text[:SECTION_MAX],
        "blocks": [
            _section(f"{text}\n{why}"),
            _section(f"Details: {url}"),
            {
                "type": "actions",
                "block_id": f"route:{route_id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": CLAIM,
                        "style": "primary",
                        "text": _plain("Claim"),
                        "value": str(route_id),
                    },
                    {"type": "button", "action_id": CANT, "text": _plain("Can't"), "value": str(route_id)},
                    {
                        "type": "users_select",
                        "action_id": SUGGEST,
                        "placeholder": _plain("Suggest someone"),
                    },
                ],
            },
        ],
    }


def asked_directly(*, ask_id: int, author: str, title: str, url: str) -> dict[str, Any]:
    """The DM for someone the author asked directly (from "Who can help"): the ask, with an "I can
    help" button (an offer on the ask). chat.postMessage arguments less the channel."""
    text = f"{author} asked you directly for help: {title}"
    return {
        "text": text[:SECTION_MAX],
        "blocks": [
            _section(text),
            _section(f"Details: {url}"),
            {
                "type": "actions",
                "block_id": f"ask:{ask_id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": OFFER,
                        "style": "primary",
                        "text": _plain("I can help"),
                        "value": str(ask_id),
                    }
                ],
            },
        ],
    }


def answered(text: str) -> dict[str, Any]:
    """A message's new content once its buttons were used (chat.update arguments less channel/ts)."""
    return {"text": text[:SECTION_MAX], "blocks": [_section(text)]}


@dataclass(frozen=True)
class HomeItem:
    text: str
    url: str


def home(*, asks: list[HomeItem], offers: list[HomeItem], balance_url: str) -> dict[str, Any]:
    """App Home: my open asks, my open offers, and the link to my give/ask balance (views.publish)."""

    def listing(head: str, items: list[HomeItem], empty: str) -> list[dict[str, Any]]:
        lines = [f"• <{item.url}|{escape(item.text)}>" for item in items] or [empty]
        return [
            {"type": "header", "text": _plain(head)},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:SECTION_MAX]}},
        ]

    return {
        "type": "home",
        "blocks": [
            *listing("My open asks", asks, "No open asks. Type /ask to ask for help."),
            *listing("My offers", offers, "No open offers."),
            _section(f"My give/ask balance (only you see it): {balance_url}"),
        ],
    }
