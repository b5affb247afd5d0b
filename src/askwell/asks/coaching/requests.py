"""Finding the request in a sentence: the detectors are tried in a fixed order and the first that matches wins."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from askwell.asks import lexicon as lx
from askwell.asks.coaching.text import _I, _WORD, _edit

_OFFER = re.compile(r"^\W*(?:happy to|glad to|i can|i'll|i will|i'm happy|i am happy|i'd be happy)\b", _I)
_IDIOM = re.compile(r"\bdrop (?:what (?:they|you|he|she)(?:'re| are|'s| is) doing|everything)\s+and\s+", _I)
_BE_WILLING = re.compile(
    r"\bbe (?:up for|willing to|able to|free to|around to|available to|open to|down to|keen to|"
    r"(?:kind|nice|generous) enough to|so kind as to)\s+",
    _I,
)
_MODAL = re.compile(
    r"\b(?:can|could|would|will|cld|wud)\s+(?:you|u|ya|y'all|we|someone|somebody|anyone|anybody|one|each|the|"
    r"any|some|every(?:one|body)|an?)\b"  # "could an SRE look at ...": a request addressed to a role
    rf"|\b(?:can|could|would|will)\s+(?:{lx.DEPARTMENTS})\b",
    _I,
)
# "I was wondering whether someone in Permits could ...", "it would help if the PTA could ...".
_IF_SOMEONE = re.compile(
    r"\b(?:if|whether|any chance(?: that)?)\s+(?:(?:some(?:one|body)|any(?:one|body))(?:\s+(?:in|from|on|at|with)\s+"
    r"[^,.?!]{1,40}?)?|you|u|whoever\b[^,.?!]{0,40}?|the\s+[\w&\s-]{1,30}?|"
    rf"(?:{lx.DEPARTMENTS}))\s+(?:could|can|would)\b",
    _I,
)
_FREE_TO = re.compile(
    r"\b(?:any(?:one|body)|any [\w\s-]{1,30}?|(?:are|is) (?:you|any(?:one|body)|some(?:one|body)))\s+"
    r"(?:free|available|around|up for|willing|able|keen|down)\s+(?:to\s+|for\s+)?",
    _I,
)
_DEPARTMENT = re.compile(rf"(?:{lx.DEPARTMENTS})", _I)
# Bullets and list numbers before an item ("- send", "2. restart", "b) check").
_LIST_MARK = re.compile(r"^[\s\-–•*>]*(?:(?:\d{1,2}|[a-h])[.)]\s+)?")
_PLEASE = re.compile(r"\b(?:please|pls|plz|kindly)\b", _I)
# "please have maintenance replace the belt": the action is the causee's verb.
_CAUSATIVE = re.compile(
    r"\b(?:please|pls|plz|can you|could you)\s+(?:have|get|ask)\s+(?:the\s+|our\s+)?[\w&-]+(?:\s+team)?\s+"
    r"(?:to\s+)?([a-z][\w-]+)",
    _I,
)
_NEED_SOMEONE = re.compile(
    r"(?:\b(?:I|[Ww]e)(?:\s+(?:really\s+|just\s+)?(?:need|want|would like)|'d (?:really\s+)?like)|^\W*(?:[A-Z]\w*:\s*)?"
    r"[Nn]eed)\s+(?:someone|somebody|you|u|everyone|everybody|each of you|one of you|all of you|"
    rf"the [\w&\s-]{{1,30}}? team|[A-Z][A-Za-z]+|(?i:{lx.DEPARTMENTS}))(?:\s+[\w-]+){{0,3}}?\s+to\s+([\w-]+)",
)
# "need someone full-time on the upgrade": staffing a piece of work, an action in itself.
_NEED_SOMEONE_ON = re.compile(
    r"\b(?:need|want|looking for)\s+(?:some(?:one|body)|a volunteer)\s+(?:(?:full|part)[- ]time\s+)?(?:on|for)\s+",
    _I,
)
# "need a hand moving 12 boxes": the gerund is the action.
_NEED_A_HAND = re.compile(r"\bneed (?:a|some) (?:hand|help)\s+(?:with\s+)?([a-z]+ing)\b", _I)
# "help me get ready", "help make onboarding better": a state to reach, not a task.
_HELP_TO_STATE = re.compile(
    r"^help(?:\s+(?:me|us|him|her|them))?\s*(?:to\s+)?(?:get|make)\b(?:\s+[\w'-]+){0,3}?\s+"
    r"(?:ready|better|started|organi[sz]ed|sorted|unstuck|going)\b",
    _I,
)
_TYPOS = re.compile(rf"\b(?:{'|'.join(lx.ADDRESSEE_TYPOS)})\b", _I)
_CONDITIONAL_IMPERATIVE = re.compile(
    r"\bif (?:any(?:one|body)|you|some(?:one|body)) (?:has|have|knows?|sees?|finds?|gets?)\b[^.?!]*?"
    r"\b(send|share|forward|drop|post|dm|ping|point|tag|email)\b",
    _I,
)
_WOULD_LOVE = re.compile(
    r"\b(?:I'd|I would|we'd|we would|would)\s+(?:love|appreciate|welcome|value)\s+(?:your\s+|some\s+|a\s+|any\s+)?"
    r"(?:quick\s+)?(feedback|comments|review|eyes|input|notes|edits|a review|a second pair of eyes)\b|"
    r"\b(?:it'd|it would|would) be (?:great|amazing|helpful|awesome|ideal) to get (?:some\s+|a\s+|your\s+)?"
    r"(eyes|feedback|a review|review|input|a second pair of eyes)\b|"
    # "I need a second opinion on the model": a review of a named thing, not an open call for thoughts.
    r"\b(?:I|we)\s+(?:really\s+|still\s+)?(?:need|want|'d like|would like)\s+(?:a\s+)?(?:quick\s+)?"
    r"(second opinion|sanity check|second pair of eyes|fresh pair of eyes|code review|review)\s+(?:on|of)\b|"
    r"\b(comments|feedback|notes|edits|a review)\b[^.?!]{0,60}\bwould be (?:amazing|great|helpful|ideal|perfect|"
    r"awesome|wonderful|fantastic)",
    _I,
)
_WEAK_REQUEST = re.compile(
    r"\b(?:does|do)\s+(?:any(?:one|body)|someone|you|u|y'all)\s+(?:\w+\s+)?(?:know|have|has|got)\b|"
    r"^\W*(?:any(?:one|body)|someone)\s+(?:have|has|got|know)\b|\bis it possible\b|\bwho (?:can|could|do|should|"
    r"would|knows)\b|\bneed(?:s|ed)? help\b|\blooking for\b|\bhoping (?:to get|for|someone|somebody)\b|"
    r"\bany (?:thoughts|ideas|input|feedback|advice|tips|suggestions|recs|recommendations)\b|\blmk\b|"
    r"\blet me know\b|^\W*help\b|\bwhat(?:'s| is) the best way\b|\b(?:some(?:one|body)|we|you) should\b|"
    r"\bhow do (?:I|we)\b|\bwhere (?:can|do|should) (?:I|we)\b|"
    # Wanting something without saying who should do what: "I'd love some pizza", "any help is appreciated".
    r"\b(?:I'd|I would|we'd|we would|would)\s+(?:really\s+|so\s+|greatly\s+)?(?:love|appreciate|welcome|"
    r"be (?:grateful|thankful) for)\s+(?:some|a|an|any)\b|\bany help\b",
    _I,
)
_NEED_NOUN = re.compile(
    r"(?:^\W*|[:;]\s*|\b(?:I|we)\s+(?:still\s+|really\s+|just\s+)?)(?:need|require)\s+"
    r"(?!to\b|someone|somebody|you\b|help\b|everyone\b(?!')|everybody\b(?!')|one of|each of)([^.?!]+)",
    _I,
)
_NEED_TO = re.compile(
    r"\b(?:I|we)\s+(?:still\s+|really\s+|just\s+|also\s+)?(?:need|have)\s+to\s+([\w-]+)", _I
)
_HELP_NEXT = re.compile(r"^help(?:\s+(?:me|us|him|her|them|out))?\s*(?:to\s+|for\s+)?([\w'-]+)?", _I)


@dataclass(frozen=True)
class _Request:
    """A request found in one sentence. ``clause`` is the edited sentence's tail from ``clause_at``."""

    sentence: str
    start: int
    strength: Literal["direct", "weak"]
    verb: str | None
    clause: str
    clause_at: int = 0
    origin: tuple[int, ...] = ()
    #: The name of the rule in ``REQUEST_RULES`` that found it.
    rule: str = ""

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Where ``clause[a:b]`` stands in the ask as written (the edits undone)."""
        a, b = self.clause_at + a, self.clause_at + b
        if not self.origin:
            return self.start + a, self.start + b
        start = self.origin[min(a, len(self.origin) - 1)]
        end = self.origin[b - 1] + 1 if b > a else start
        return self.start + start, self.start + end


def _lemma(word: str) -> str:
    w = word.lower().strip("'")
    if w.startswith("re-") and len(w) > 4:
        again = _lemma(w[3:])  # "re-run", "re-verify": the same work again
        if again in lx.ACTION_EFFORT:
            return again
    if w in lx.VERB_FORMS:
        return lx.VERB_FORMS[w]
    if w in lx.ACTION_EFFORT or w in lx.NON_ACTION_VERBS:
        return w
    for suffix, repl in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("s", ""), ("es", "")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            base = w[: -len(suffix)] + repl
            if base in lx.ACTION_EFFORT:
                return base
            doubled = suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2]
            if doubled and base[:-1] in lx.ACTION_EFFORT:
                return base[:-1]
    return w


def _first_verb(fragment: str, limit: int = 12) -> tuple[str | None, int]:
    """The first known verb in the fragment (skipping the helper's description) and where it starts."""
    for i, m in enumerate(_WORD.finditer(fragment)):
        if i >= limit:
            break
        lemma = _lemma(m.group(0))
        if lemma in lx.ACTION_EFFORT or lemma in lx.NON_ACTION_VERBS or lemma == "help":
            return lemma, m.start()
    return None, -1


def _participle(wanted: str) -> tuple[str, int] | None:
    """ "I need everyone's timesheets submitted by Friday" asks for the submitting, not for a thing.

    Only a participle that closes its phrase counts: "the updated numbers" wants numbers.
    """
    words = list(_WORD.finditer(wanted))[:9]
    for i, m in enumerate(words[1:], start=1):
        verb = lx.VERB_FORMS.get(m.group(0).lower())
        following = words[i + 1].group(0).lower() if i + 1 < len(words) else ""
        if verb and following in ("", "by", "before", "to", "for", "so", "and", "asap", "today", "tomorrow"):
            return verb, m.start()
    return None


def _unlisted_verb(tail: str, *, addressed: bool) -> tuple[str | None, int]:
    """The verb after "could anyone ..." when our word lists lack it ("could anyone bless him with ...").

    ``tail`` starts at the addressee for a modal ("anyone bless him") and right after it otherwise. Only a
    request to a person counts: "will the build pass" asks nobody to do anything.
    """
    words = list(_WORD.finditer(tail))
    if not addressed:
        if not words or not (
            words[0].group(0).lower() in lx.PERSON_SUBJECTS or _DEPARTMENT.fullmatch(words[0].group(0))
        ):
            return None, -1
        words = words[1:]
    for m in words[:4]:
        word = m.group(0)
        lower = word.lower()
        if lower in lx.REQUEST_FILLERS:
            continue
        if lower in lx.NOT_VERB_STARTS or not word.islower() or "'" in word or len(word) < 2:
            return None, -1
        return _lemma(word), m.start()
    return None, -1


def _resolve_help(fragment: str) -> tuple[str | None, Literal["direct", "weak"]]:
    """ "help me redo X" asks for redo; "help with X" or a bare "help" names no action."""
    if _HELP_TO_STATE.match(fragment):
        return None, "weak"
    m = _HELP_NEXT.match(fragment)
    nxt = _lemma(m.group(1)) if m and m.group(1) else None
    if nxt and nxt in lx.ACTION_EFFORT and nxt not in ("with", "out"):
        return nxt, "direct"
    return None, "weak"


_EDITS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_IDIOM, lambda m: ""),
    (_BE_WILLING, lambda m: ""),
    (_TYPOS, lambda m: lx.ADDRESSEE_TYPOS[m.group(0).lower()]),
)


def _after_first_word(text: str, at: int) -> int:
    """Where ``text[at:].split(None, 1)[-1]`` starts: past the first word and the spaces after it."""
    m = re.compile(r"\s*\S+\s+").match(text, at)
    return m.end() if m else at + len(text[at:]) - len(text[at:].lstrip())


@dataclass(frozen=True)
class _Sentence:
    """One sentence as the request rules read it: ``text`` is the sentence after the typo edits."""

    sentence: str
    start: int
    text: str
    origin: tuple[int, ...]

    def found(
        self,
        rule: str,
        strength: Literal["direct", "weak"],
        verb: str | None,
        at: int,
        end: int | None = None,
    ) -> _Request:
        return _Request(self.sentence, self.start, strength, verb, self.text[at:end], at, self.origin, rule)


_Rule = Callable[[_Sentence], "_Request | None"]


def _need_someone(x: _Sentence) -> _Request | None:
    """ "I need someone to check the numbers" """
    m = _NEED_SOMEONE.search(x.text)
    return x.found("need_someone", "direct", _lemma(m.group(1)), m.start(1)) if m else None


def _need_someone_on(x: _Sentence) -> _Request | None:
    """ "need someone on the Stripe integration" """
    m = _NEED_SOMEONE_ON.search(x.text)
    return x.found("need_someone_on", "direct", "work", m.end()) if m else None


def _need_a_hand(x: _Sentence) -> _Request | None:
    """ "need a hand moving the boxes" """
    m = _NEED_A_HAND.search(x.text)
    if m and _lemma(m.group(1)) in lx.ACTION_EFFORT:
        return x.found("need_a_hand", "direct", _lemma(m.group(1)), m.start(1))
    return None


def _addressed(name: str, rx: re.Pattern[str]) -> _Rule:
    """A request addressed to someone: "could you ...", "if someone could ...", "anyone free to ..."."""

    def rule(x: _Sentence) -> _Request | None:
        s = x.text
        for m in rx.finditer(s):
            base = m.end() if rx is not _MODAL else _after_first_word(s, m.start())
            tail = s[base:]
            if tail.lower().startswith("whoever"):
                # "can whoever owns the integration re-run it": past the relative clause's verb.
                _, at = _first_verb(tail)
                if at < 0:
                    continue
                # Read as "someone <rest>"; positions past "someone " are positions in the sentence.
                base = _after_first_word(s, base + at) - len("someone ")
                tail = "someone " + s[base + len("someone ") :]
            # The word right after "could you" is the verb, listed or not ("could anyone play through ...");
            # past an aside ("someone from data eng review ...") the first verb we know wins.
            verb, at = _unlisted_verb(tail, addressed=rx is not _MODAL)
            if verb is None:
                verb, at = _first_verb(tail)
            if verb is None:
                continue
            clause = tail[at:]
            if verb == "help":
                resolved, strength = _resolve_help(clause)
                return x.found(name, strength, resolved or "help", base + at)
            if verb in lx.NON_ACTION_VERBS:
                return x.found(name, "weak", None, base + at)
            return x.found(name, "direct", verb, base + at)
        return None

    return rule


def _causative(x: _Sentence) -> _Request | None:
    """ "get the API documented", "have the contract signed" """
    m = _CAUSATIVE.search(x.text)
    if m and _lemma(m.group(1)) not in lx.NON_ACTION_VERBS and m.group(1).lower() not in lx.NOT_VERB_STARTS:
        return x.found("causative", "direct", _lemma(m.group(1)), m.start(1))
    return None


def _please(x: _Sentence) -> _Request | None:
    """ "please send ...", "Please change ..." """
    s = x.text
    for m in _PLEASE.finditer(s):
        verb, at = _first_verb(s[m.end() :], limit=2)
        if verb is None and s[m.start() :].lstrip(" \t-–•*>").lower().startswith(
            ("please", "pls", "plz", "kindly")
        ):
            # A sentence that opens with "please" is an imperative whatever its verb ("Please change ...").
            verb, at = _unlisted_verb(s[m.end() :], addressed=True)
        if verb and verb not in lx.NON_ACTION_VERBS:
            if verb == "help":
                resolved, strength = _resolve_help(s[m.end() + at :])
                return x.found("please", strength, resolved or "help", m.end() + at)
            return x.found("please", "direct", verb, m.end() + at)
    return None


def _conditional_imperative(x: _Sentence) -> _Request | None:
    m = _CONDITIONAL_IMPERATIVE.search(x.text)
    return x.found("conditional_imperative", "direct", _lemma(m.group(1)), m.start(1)) if m else None


def _would_love(x: _Sentence) -> _Request | None:
    """ "would love a second pair of eyes" """
    m = _WOULD_LOVE.search(x.text)
    return x.found("would_love", "direct", "review", m.start()) if m else None


def _imperative(x: _Sentence) -> _Request | None:
    """A sentence (or list item) that opens with an action verb: "Send me the deck"."""
    s = x.text
    mark = _LIST_MARK.match(s)
    body_at = mark.end() if mark else 0
    body = s[body_at:]
    first = _WORD.match(body)
    if first and not body[first.end() :].lstrip().startswith((":", "-")):
        # "Edit:" and "Update -" are headers, not imperatives.
        lemma = first.group(0).lower()
        # "Reset crew is in at 10": a noun that happens to be a verb, followed by its own verb.
        subject = re.match(r"\s*(?:[\w-]+\s+)?(?:is|are|was|were|has|have|will)\b", body[first.end() :], _I)
        if lemma in lx.ACTION_EFFORT and not subject:
            return x.found("imperative", "direct", lemma, body_at)
    return None


def _need_done(x: _Sentence) -> _Request | None:
    """ "need the tests written": a need whose object names the work done to it."""
    need = _NEED_NOUN.search(x.text)
    done = _participle(need.group(1)) if need else None
    if need is not None and done is not None:
        return x.found("need_done", "direct", done[0], need.start(1) + done[1], need.end(1))
    return None


def _weak(x: _Sentence) -> _Request | None:
    """A request that names no work ("any help appreciated", "I need a designer")."""
    if _WEAK_REQUEST.search(x.text) or _NEED_NOUN.search(x.text):
        verb, _at = _first_verb(x.text)
        return x.found("weak", "weak", "help" if verb == "help" else None, 0)
    return None


def _question(x: _Sentence) -> _Request | None:
    """Any other question is a request for an answer."""
    return x.found("question", "weak", None, 0) if x.text.rstrip().endswith("?") else None


#: The request rules, tried in order on each sentence; the first that finds a request wins. Earlier
#: rules are more specific (a named need, an addressee) than later ones (an opening verb, a question).
REQUEST_RULES: tuple[tuple[str, _Rule], ...] = (
    ("need_someone", _need_someone),
    ("need_someone_on", _need_someone_on),
    ("need_a_hand", _need_a_hand),
    ("modal", _addressed("modal", _MODAL)),
    ("if_someone", _addressed("if_someone", _IF_SOMEONE)),
    ("free_to", _addressed("free_to", _FREE_TO)),
    ("causative", _causative),
    ("please", _please),
    ("conditional_imperative", _conditional_imperative),
    ("would_love", _would_love),
    ("imperative", _imperative),
    ("need_done", _need_done),
    ("weak", _weak),
    ("question", _question),
)


def _request(sentence: str, start: int) -> _Request | None:
    """The first request the rules find in the sentence; none in an offer ("happy to help with ...")."""
    if _OFFER.search(sentence):
        return None
    text, origin = _edit(sentence, _EDITS)
    x = _Sentence(sentence, start, text, origin)
    for _name, rule in REQUEST_RULES:
        if (found := rule(x)) is not None:
            return found
    return None
