"""Word lists behind ask coaching: action verbs with a rough effort, concrete nouns, reason and signal cues.

The word lists are data, in ``lexicon.toml`` beside this module, read once at import (a few
milliseconds; the compiled patterns of the coaching modules need them at import anyway). What stays
here are patterns: alternations with plurals and optional parts, which read better as regular
expressions than as lists.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

# Hours a colleague typically spends on one unit of each action. Rough on purpose: the review
# compares orders of magnitude (a quick send vs. a multi-day build), never exact hours.
QUICK, MEDIUM, LARGE = 0.25, 1.0, 8.0
STANDING = float("inf")  # owning something is an ongoing role, not a favour with an end
_HOURS = {"quick": QUICK, "medium": MEDIUM, "large": LARGE, "standing": STANDING}


def _load() -> dict[str, Any]:
    with resources.files(__package__).joinpath("lexicon.toml").open("rb") as f:
        return tomllib.load(f)


_DATA = _load()

#: Action verb → hours for one unit of it (the groups of ``[action_effort]``).
ACTION_EFFORT: dict[str, float] = {
    word: _HOURS[group] for group, words in _DATA["action_effort"].items() for word in words
}
VERB_FORMS: dict[str, str] = dict(_DATA["verb_forms"])
ADDRESSEE_TYPOS: dict[str, str] = dict(_DATA["addressee_typos"])
NON_ACTION_VERBS = frozenset(_DATA["words"]["non_action_verbs"])
PERSON_SUBJECTS = frozenset(_DATA["words"]["person_subjects"])
REQUEST_FILLERS = frozenset(_DATA["words"]["request_fillers"])
NOT_VERB_STARTS = frozenset(_DATA["words"]["not_verb_starts"])

# Nouns whose count multiplies the work ("47 NDAs", "1,200 laptops"); pages are priced separately.
WORK_UNITS = (
    "sites?|laptops?|machines?|servers?|contracts?|ndas?|documents?|docs?|files?|forms?|w-9s?|invoices?|"
    "endpoints?|tests?|tickets?|vendors?|contractors?|customers?|clients?|accounts?|records?|countries|country|"
    "units?|problems?|questions?|chapters?|slides?|sections?|reports?|dashboards?|repos?|repositories|"
    "services?|tables?|videos?|posts?|articles?|interviews?|applications?|candidates?|resumes?|cvs?|"
    "case stud(?:y|ies)|scenarios?|spreadsheets?|sheets?|lessons?|courses?|templates?|screens?|pages?|"
    "parts?|items?|samples?|boxes|pallets?|orders?|exams?|midterms?|essays?|papers?|shifts?|patients?|"
    "photos?|images?|labels?|entries|rows?|surveys?|transcripts?|recordings?|calls?|emails?|messages?"
)
# Departments addressed as a group ("can legal review ...", "could QA re-test ...").
DEPARTMENTS = (
    "legal|finance|support|quality|qa|it|hr|ops|operations|security|design|marketing|sales|procurement|"
    "facilities|engineering|eng|data|product|payroll|accounting|compliance|research|admissions|pharmacy|"
    "maintenance|platform|infra|devops|sre|recruiting|nursing|billing|shipping|receiving|purchasing|comms|whoever"
)

# Deliverables that are big whatever verb asks for them ("do the board deck", "we need a homepage").
LARGE_ARTIFACTS = (
    "deck|analysis|strategy|model|homepage|website|site|app|video|case stud(?:y|ies)|campaign|"
    "migration|roadmap|business plan|plan|curriculum|course|book|thesis|dissertation|redesign|"
    "platform|pipeline|system|service|policy doc|handbook|documentation|forecast template|template"
)

# Nouns that make an ask concrete: a named thing someone can open, send or check.
ARTIFACTS = (
    "pdf|docs?|document|deck|slides?|sheet|spreadsheet|tab|rubric|template|checklist|contracts?|reports?|"
    "dashboards?|pr|pull request|ticket|handbook|guidelines|schedule|redlines|msa|ndas?|policy|csv|file|"
    "form|forms|config|query|pipeline|invoice|draft|thesis|proposal|budget|forecast|grids?|monitor|"
    "machine|laptop|badge|access|account|login|password|license|repo|branch|commit|build|endpoint|api|"
    "design doc|spec|mockups?|figma|notion page|wiki page|link|shift|reservation|agenda|minutes|"
    "contacts?|intro|introduction|template|plan|quota|pass|deck|model|service|blog post|post|copy|"
    "dinner|room|flight|report|transcript|recording|certificate|letter|reference|checklist|records?|"
    "website|site|page|app|database|server|belt|printer|van|truck|samples?|photos?|images?|tiffs?|essays?|"
    "midterms?|exams?|permit|fee|deposit|quote|estimate|claim|filing|brief|memo|manuscript|chapter|"
    "dataset|spreadsheet|timesheets?|invoices?|receipts?"
)

# The ask itself gives nothing to act on ("any thoughts?", "help with X", "what's going on").
VAGUE_ASK = (
    r"\bany (?:thoughts|ideas|input|feedback|advice|tips|suggestions)\b|\bthoughts\?|"
    r"\bhelp(?:\s+(?:me|us))?(?:\s+out)?\s+with\b|^\W*help\W*$|\bcan (?:any(?:one|body)|some(?:one|body)) help\s*(?:[?!.]|$)|"
    r"\bwho can help\b|\bexperience with\b|\bwhat (?:you|u|y'all|everyone) think|\bwhat(?:'s| is) going on\b|"
    r"\bstuff\b|\bthings\b|\banything\b|\beverything\b|\b(?:the|that|this) thing\b|"
    r"\b(?:my|the|that|this) (?:[\w-]+ )?(?:issue|problem)\b(?! (?:with|in|on|where|when) )|\bmake (?:[\w-]+ ){1,3}better\b|\bsomeone to talk to\b|\bguidance\b|\bany(?:one|body) at\b|"
    r"\bthe best way to\b|\bget better at\b|"
    r"\b(?:look at|looking at|thoughts on|think (?:about|of)|eyes on|feedback on|opinion on|check)\s+(?:this|that|it)"
    r"(?:\s+one)?\s*(?:[?.!]|$)|"
    r"\bsome (?:questions|help|advice|pointers)\b|\binspo\b|\bopen to\b"
)

# Scope words that turn a task into a project when no count is given.
SCOPE_WORDS = (
    r"\b(?:all|every|whole|entire|everything|full|complete|company-?wide|org-?wide|end-to-end|"
    r"from scratch)\b"
)

# A sum or a share, whole: "$15,000", "12%", "1.5 %" (never "2%" inside "12%").
MONEY = r"[$€£]\s?\d[\d,]*(?:\.\d+)?|(?<![\d.,])\d[\d,]*(?:\.\d+)?\s?%"

# Why it matters: purpose connectives and stakes.
REASON_CUES = (
    r"\bbecause\b|\bbc\b|\bcuz\b|\bso that\b|\bin order to\b|\botherwise\b|\bblock(?:ing|ed|er|ers)\b|"
    r"\b(?:it|this|that) blocks\b|\bhold(?:s|ing)? (?:up|us up)\b|\bheld up\b|"
    # "since" gives a reason when a clause follows ("since the two reviewers disagree"), not a date.
    r"(?<!ever )\bsince (?:the|we|I|our|it|they|there|you|this|that|he|she|my)\b|"
    r"\bso (?:I|we|they|you|he|she|nobody|no one|everyone|the [\w\s-]{1,40}?) (?:can|could|will|won't|don't|"
    r"doesn't|aren't|isn't|is|are|get|have|know)\b|"
    r"\b(?:I|we|I'm|we're|I am|we are)\s+(?:really\s+)?(?:want|trying|try|hoping)\s+to\b|"
    r"\b(?:can't|cant|cannot|can not|won't be able to|unable to)\b|"
    r"\bif\b[^.?!]{0,100}\b(?:we'll|we will|we'd|I'll|I'd|it'll|it'd|they'll|they'd|won't|lose|miss|slip|fail|cost|break|"
    r"can't|gets?|reject|deny|cancel|pull)\b|"
    r"\b(?:lose|losing|lost \d[\d,.]*|miss(?:ing)? the|slip(?:s|ping)?|at risk|risk of|threaten(?:ing|s)?|"
    r"expires?|would cost|costs? us|affect(?:ing|s)?|impact(?:ing|s)?|means (?!for\b)(?:about|roughly|around|we|that|losing|no|missing|a|the|\d)|"
    r"improve (?:our|my|the)|critical|security (?:hole|issue|incident|vulnerability|risk)|audited|auditors?|"
    r"(?:the|an|our|their|external|internal|FDA|IRS|SOC 2|compliance) audit|"
    r"(?:lose|losing|lost|cost|costs|costing) (?:us )?(?:\$[\d.,]+[km]? (?:in |of )?)?revenue|revenue (?:loss|hit|at risk)|"
    r"arr|outage|(?:is|are|got|was) broken|breaks|failing|"
    r"(?:miss(?:es|ed|ing)?|slip(?:s|ped)?|blow(?:s|n)?) (?:the|a|our|my) (?:[\w-]+ )?deadline|(?:don't|do not) want to)\b|"
    # Odds as stakes ("hurts our chances"), not the request formula "any chance of".
    r"\b(?:improve|raise|increase|boost|hurt|ruin|lower|our|my|their|better|best)\s+(?:odds|chances?)\b|"
    + MONEY
    + r"(?!\s*off\b)|"
    # Someone else needs it to get something done ("procurement needs them cleared to close the quarter").
    r"\bneeds? (?:it|them|this|these|that)\b[^.?!]{0,20}?\bto\b|"
    # Harm to avoid ("catch anything we shouldn't disclose").
    r"\b(?:anything|nothing|something) (?:we|I|you|they) (?:shouldn't|should not|mustn't|must not)\b|"
    # Consequences: what breaks, stalls or costs if nobody helps.
    r"\b(?:depends?|depending|hinges?|relies|rely) on\b|\bon hold\b|\btrigger(?:s|ed)?\b|"
    r"\bget(?:s|ting)? (?:(?:the|our|my|their|it|this|that|them|us)\b(?: [\w-]+){0,2}? )?"
    r"(?:cut|cancell?ed|pulled|dropped|rejected|dismissed|denied|delayed)\b|"
    # A past incident that shows what is at risk ("last time we scrapped a full shift's output").
    r"\b(?:we|it|they) (?:had to|scrapped|crashed|went down|maxed out)\b|"
    r"\b(?:would|could|might|will) (?:wipe|delete|destroy|break|kill|take down|corrupt|crash|ruin)\b|"
    r"\b(?:won't|will not) get\b|\bstalled\b|\b(?:our|the|my) only (?:way|chance|shot|option)\b|"
    r"\b(?:could|might|may) (?:get|lead to|cause|end up|hurt|harm)\b|\bwent missing\b|\bget paid\b|"
    r"\blost (?:two|three|four|five|six|seven|eight|nine|ten|a dozen)\b|\b(?:have|has) (?:resigned|quit)\b|"
    r"\b(?:stolen|compromised|leaked)\b|\bsave (?:us|me|them|the team)\b|\blate fees?\b|"
    r"\b(?:has|have|had|got|was|were) (?:rejected|denied|cancell?ed|flagged)\b|"
    r"\bwould (?:really |greatly |so )?help (?:us|me|them) (?!with\b|out\b)\w+|"
    r"\bwithout (?:it|this|them|that|one|him|her)\b|\b(?:lapses?|lapsed|ineligible|sued|lawsuit|liabilit(?:y|ies))\b|"
    r"\b(?:don't|do not) want (?:anyone|anybody|us|them|people|the [\w-]+)\b|(?<!I'm )(?<!I am )\bdecid(?:e|es|ing) whether\b|"
    # Personal obligations that make cover necessary.
    r"\b(?:(?:is|'s|am|'m|are|was|been|were) in (?:the )?hospital|hospitali[sz]ed|family emergency|funeral|"
    r"jury duty|surgery|medical appointment|(?:on|going on|starting) (?:maternity|paternity|parental|"
    r"medical|sick) leave)\b|"
    r"\b(?:won't|can't|cannot|will not) [\w\s]{0,40}?\bwithout\b|\bwill start\b|\blocked out\b|"
    r"\b(?:push(?:es|ed|ing)?|set(?:s|ting)?) (?:[\w-]+ ){0,4}?back\b|\bdelay(?:s|ed|ing)?\b|"
    r"\b(?:in breach|breach(?:es|ed)?|penalt(?:y|ies)|fined|fines|a fine|gets? a finding|on probation)\b|"
    r"\b(?:use|using) (?:it|this|them|these|that) to (?:decide|choose|pick|set|plan|price|prioriti[sz]e)\b|"
    # Narratives of need that raise success in studies of altruistic requests (job, money, family).
    r"\b(?:unemployed|laid off|lost my job|between jobs|job hunting|paycheck|payday|rent|bills|broke|"
    r"out of (?:money|cash|food)|no money|can't afford|strapped for cash|hard times|scraping by|"
    r"(?:short|tight|low) on (?:cash|money|funds)|"
    r"(?:my|our) (?:[\w-]+ ){0,4}?(?:kids?|children|son|daughter|wife|husband|family|mom|dad))\b"
)

# Reasons that only restate timing or the asker's state: a start, not yet the stakes.
WEAK_REASON_CUES = (
    r"\b(?:stuck|drowning|overwhelmed|panicking|swamped|busy|struggling|confused|lost|for a while|"
    r"meets? at|meeting is|call (?:today|tomorrow)|client call|board meets|demo|craving|crave|in the mood|"
    r"feel like|treat myself)\b"
)

REQUEST_SUBJECT = (
    r"(?:you|u|ya|someone|somebody|anyone|anybody|any one|one of (?:you|the [\w\s-]{1,30}?)|"
    r"(?:the|our|a) [\w&\s-]{1,30}? (?:team|folks|people|group|crew)|you (?:guys|all|two|each)|y'all|"
    r"each [\w\s-]{1,30}?|(?:some|any)(?:one|body) (?:from|in|on|at|with|who) [^?.!,]{1,60}?)"
)

GRATITUDE = r"\b(?:thanks|thank you|thx|ty|appreciate(?:d)?|grateful|gratitude|would mean a lot)\b|🙏"
RECIPROCITY = (
    r"\b(?:happy to (?:return|swap|help|walk|owe|cover|do|share|trade|buy|pay)|in return|return the favou?r|"
    r"pay it forward|owe you|i'll (?:return|owe|buy|cover|pay)|swap|trade|repay|glad to help)\b"
)
# A quotation: the marks stand apart from words, so the apostrophes in "I'm" and "don't" are not quotes.
QUOTED = r"(?<![\w'’])['\"“‘][^'\"”’\n]{3,60}['\"”’](?![\w'’])"
EVIDENCE = (
    r"https?://|www\.|\b[\w-]+\.(?:com|org|io|net)/|\battached\b|\bscreenshot\b|\bimgur\b|\bproof\b|"
    r"\b(?:already|i've|i have|we've)\s+(?:tried|checked|looked|read|searched|asked)\b|" + QUOTED + "|"
    r"#\d+|\b\d+(?:\.\d+)?\s?(?:%|ms|s|min|mins|minutes|hours|days|pages|k|m)\b"
)
