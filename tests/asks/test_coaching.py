from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from askwell.asks.coaching import AskDraft, Review, review

TZ = ZoneInfo("America/New_York")
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=TZ)  # a Monday morning
GOOD = (
    "Could someone from data eng review my PR #4412 (retry logic for the Kafka consumer) by 4pm tomorrow? "
    "It's blocking the payments release on Thursday. Thanks!"
)


def coach(text: str, **parts: object) -> Review:
    return review(AskDraft(text, **parts), now=NOW, tz=TZ)  # type: ignore[arg-type]


class TestWellFormedAsk:
    def test_every_criterion_is_met(self) -> None:
        result = coach(GOOD)
        assert [c.status for c in result.criteria] == ["met"] * 5
        assert all(c.rewrite is None for c in result.criteria)

    def test_scores_higher_than_a_vague_ask(self) -> None:
        assert coach(GOOD).score > coach("any thoughts?").score + 40


class TestSpecific:
    def test_a_numbered_named_thing_is_specific(self) -> None:
        assert coach("Can you send me the Q2 accruals schedule?").status("S") == "met"

    @pytest.mark.parametrize(
        "text", ["any thoughts on the new onboarding flow?", "hey can someone look at this?"]
    )
    def test_open_invitations_are_not_specific(self, text: str) -> None:
        result = coach(text)
        assert result.status("S") != "met"
        assert "vague" in result.issues

    def test_named_topic_but_help_with_is_weak(self) -> None:
        assert coach("Need help with Salesforce reports.").status("S") == "weak"

    def test_a_statement_with_no_ask_is_missing(self) -> None:
        assert coach("The printer on 3 North has been jamming again.").status("S") == "missing"

    def test_counted_things_and_a_polite_anything_else_are_not_vague(self) -> None:
        text = (
            "Two small things before Wednesday's QBR with Ferro Group: can someone in support export their "
            "ticket volume for Jan-Feb? Let me know if anything else would help."
        )
        assert coach(text).status("S") == "met"

    @pytest.mark.parametrize(
        "text",
        [
            "Hi Ms. Patel, could you email me the numbers from last month?",
            "We need IT to just fix everything.",
        ],
    )
    def test_a_title_or_an_addressed_department_is_not_the_thing_asked_for(self, text: str) -> None:
        assert coach(text).status("S") != "met"

    @pytest.mark.parametrize(
        "text",
        [
            "can someone look into the thing with the invoices from last month?",
            "Can someone from IT fix my laptop issue before the board presentation?",
            "Could someone make our website better before the spring appeal?",
        ],
    )
    def test_a_pointer_to_something_unnamed_is_not_specific(self, text: str) -> None:
        assert coach(text).status("S") != "met"

    def test_a_ticket_field_label_is_not_a_name(self) -> None:
        assert coach("TICKET-4471 | Priority: High | Still happening on the portal.").status("S") != "met"

    def test_a_bracketed_tag_is_not_a_name(self) -> None:
        result = coach("[Request] Any chance someone could help out?")
        assert result.status("S") != "met"

    def test_structured_what_counts(self) -> None:
        assert coach("any thoughts?", what="the pricing page copy").status("S") == "met"

    def test_rewrite_keeps_the_asks_own_topic(self) -> None:
        rewrite = coach("any thoughts on the new onboarding flow?").get("S").rewrite
        assert rewrite is not None and "the new onboarding flow" in rewrite


class TestMeaningful:
    @pytest.mark.parametrize(
        "reason",
        [
            "It's blocking the release.",
            "so I can close the books before the auditors arrive.",
            "If the numbers are off we'll ask for the wrong budget.",
            "Otherwise nobody gets paid this month.",
            "I'd like a second view since the two reviewers disagree.",
        ],
    )
    def test_stakes_make_it_meaningful(self, reason: str) -> None:
        assert coach(f"Could you send me the Q2 accruals schedule? {reason}").status("M") == "met"

    @pytest.mark.parametrize(
        "need",
        [
            "We're strapped for cash until payday.",
            "My now 8 year old son is turning 8 today.",
            "I've been on hard times and I'm scraping by.",
        ],
    )
    def test_a_narrative_of_need_is_a_reason(self, need: str) -> None:
        assert coach(f"Could someone send a pizza? {need}").status("M") == "met"

    @pytest.mark.parametrize(
        "consequence",
        [
            "AP won't release payment to them without it.",
            "Customers will start seeing stale carts at peak.",
            "Building one from scratch would push my IRB approval back a semester.",
            "If they're missing at the monitoring visit the site gets a finding.",
            "If it doesn't, we'd be in breach of GDPR from day one.",
            "Procurement needs them cleared to close out the quarter.",
            "I need someone to catch anything we shouldn't disclose publicly.",
            "Their clinic network go-live depends on having the numbers.",
            "Without images the loan essay gets cut.",
            "An incomplete answer can put the BLA review clock on hold.",
            "A third correction would trigger a standards review.",
            "QA has rejected three pallets this week for crushed cartons.",
            "Coverage would really help us make the case for phase 2 funding.",
            "My grandma's in the hospital and I'm flying down Thursday.",
            "Last Tuesday it maxed out and we had to replay 3 hours of orders by hand.",
            "Our 510(k) submission is stalled without one.",
            "One wrong apply would wipe the prod database.",
            "Those people won't get reimbursed in this week's payroll.",
            "A warm intro is probably our only way in.",
            "My laptop was stolen last night.",
            "A missing exhibit can get the filing rejected.",
            "Every extra volunteer means about 40 more families get served.",
            "One wrong units/kg value and a patient could get a tenfold dose.",
            "Guests on that floor have complained all weekend.",
            "Three nurses have resigned since January.",
            "We lost four lambs to exposure last year.",
            "This is the only shot I get.",
            "Her site-selection experience could save us months of false starts.",
            "Customers are getting double-charged.",
            "Some vendors will charge a late fee.",
            "If we miss the IRB deadline on the 21st the study slips a term.",
        ],
    )
    def test_a_consequence_is_a_reason(self, consequence: str) -> None:
        assert coach(f"Could someone forward me the signed PO? {consequence}").status("M") == "met"

    @pytest.mark.parametrize(
        "text",
        [
            "Can someone build the acquisition model? Need it for a slide.",
            "Can someone take a look at our whole security posture?",
            "Can someone rewrite the auth service in Rust? The Go version works fine.",
            "Help, customer is super angry",
            "Honestly I've been so stressed about the gala ever since the caterer pulled out.",
            "Could someone in revenue management pull the load factors?",
            "Can someone grade the remaining essays? I've been out sick all week.",
            "Could someone explain the finance slides from the all-hands? Not sure what it means for us.",
            "Could someone get new tooling cut for the 7740 housing by March 20?",
            "How does the 401(k) vesting work? I'm deciding whether to bump my contribution.",
            "Could someone put the 30% off signs up on the winter coats?",
            "Could someone in quality audit every fall incident report?",
            "Could you write my recommendation letter for LSHTM? The deadline is 14 April.",
        ],
    )
    def test_a_use_a_topic_or_a_feeling_is_not_a_stake(self, text: str) -> None:
        assert coach(text).status("M") != "met"

    @pytest.mark.parametrize(
        "text",
        [
            "Can someone send me the staffing grids for every unit in the hospital?",
            "Can the People team draft the new parental leave policy doc?",
            "Can someone book the room for the Elm Street block party?",
        ],
    )
    def test_words_that_only_look_like_stakes_are_not(self, text: str) -> None:
        assert coach(text).status("M") != "met"

    def test_any_chance_is_a_request_formula_not_stakes(self) -> None:
        assert coach("Any chance someone could send me the Q2 deck?").status("M") == "missing"

    def test_since_a_date_is_not_a_reason(self) -> None:
        assert coach("Can you send me the Q2 accruals schedule since Monday?").status("M") == "missing"

    def test_no_reason_is_missing_and_flagged(self) -> None:
        result = coach("Can you send me the Q2 accruals schedule?")
        assert result.status("M") == "missing"
        assert "no_reason" in result.issues

    def test_only_a_feeling_is_weak(self) -> None:
        assert coach("Can someone just do the board deck? I'm drowning.").status("M") == "weak"

    def test_a_figure_inside_the_ask_is_its_size_not_its_stakes(self) -> None:
        assert coach("Team, I need everyone to hit 120% of quota.").status("M") == "missing"

    def test_rewrite_builds_on_the_ask(self) -> None:
        rewrite = coach("Can you send me the Q2 accruals schedule?").get("M").rewrite
        assert rewrite is not None and rewrite.startswith("Can you send me the Q2 accruals schedule")
        assert "because" in rewrite


class TestActionOriented:
    @pytest.mark.parametrize(
        "text",
        [
            "pls send me the brand guidelines PDF",
            "Could you pair with me for an hour on Thursday?",
            "We need someone to own the on-call rota.",
            "Would anyone be up for reviewing my blog post draft?",
            "if anyone has examples send them my way",
            "Can someone help me understand why CI takes 40 min?",
            # Verbs outside our word lists still ask a person to act.
            "Could you wrangle the new bug reports?",
            "I was wondering if anyone could bless him with a pizza.",
            "Would anyone be kind enough to proofread my cover letter?",
            "Would be great if whoever has it could forward it to me by noon Wednesday.",
            "any Tier 2 agents free to take the 11 escalated tickets before 1pm?",
            "hey, are you free for a quick call at 3 today about the Patel account?",
            "can sombody fix the build, its red",
            "need a hand moving 12 boxes of lab supplies to C310 tmrw at 3pm",
            "Need someone full-time on Epic upgrade testing for the next 6 weeks.",
            "Dev, I'd like you to take over migrating the finance dashboards.",
            "Reminder: I need everyone's timesheets for the Kepler grant submitted by Friday.",
            "Can quality re-inspect lots 2401-2460 before we ship?",
            "I was wondering whether someone in the Permits Office could confirm the street-closure fee.",
            "It would help a lot if the PTA could confirm the trip funding before the 15th.",
            "It would be great if IT could reset the shared drive permissions.",
            "any chance u could write me a rec letter for the summer program?",
            "Need the site team to finish rebar inspection on levels 3-6.",
            "Please change the UPS pickup cut-off in the WMS to 3:45pm.",
            "Can a couple of people play through the new boss fight in build 0.14.2?",
            "Please have maintenance replace the worn conveyor belt on line B.",
            "Could someone on the SRE rotation bump the connection pool on orders-db-2 to 400?",
            "Can pharmacy re-verify the heparin drip bags in the 5 West Pyxis today?",
            "Can whoever owns the Concur integration re-run the February export?",
            "please can somebody help me for make the pivot table of sales by region?",
            "If anyone has a sec, it'd be great to get eyes on the empty-state illustrations in Figma.",
            "Two quick things for on-call:\n1. bump the thumbnailer memory limit to 2Gi\n2. restart the reindex job",
            # Addressed to a role rather than to "someone".
            "Could an SRE look at the disk alert on db-7?",
            "I need a second opinion on the retention model before Thursday's review.",
        ],
    )
    def test_requests_that_name_an_action(self, text: str) -> None:
        assert coach(text).status("A") == "met"

    @pytest.mark.parametrize("text", ["Will the team wrangle it?", "Can we wrangle it together?"])
    def test_an_unlisted_verb_counts_only_when_a_person_is_asked(self, text: str) -> None:
        assert coach(text).status("A") != "met"

    @pytest.mark.parametrize(
        "text",
        [
            "Does anyone know someone at the Gates Foundation?",
            "Does anyone have the updated sepsis checklist?",
            "Could someone help me with some transfer credit questions?",
            "Who can help?",
            "I need the final numbers.",
            "Any help would be appreciated.",
            "I would love some pizza tonight.",
            "can someone help me get ready for my presentation thursday?",
            "Can someone help make our onboarding better?",
            "Could someone from legal weigh in on the contract before Thursday's call?",
        ],
    )
    def test_questions_without_an_action_are_weak(self, text: str) -> None:
        result = coach(text)
        assert result.status("A") == "weak"
        assert "no_action" in result.issues

    def test_no_request_at_all_is_missing(self) -> None:
        assert coach("We lost the Pinnacle deal last week.").status("A") == "missing"

    def test_know_someone_rewrite_asks_for_an_introduction(self) -> None:
        rewrite = coach("Does anyone know someone at the Gates Foundation?").get("A").rewrite
        assert rewrite is not None and rewrite.startswith("Could someone introduce me to")
        assert "Gates Foundation" in rewrite

    def test_have_rewrite_asks_to_send_the_same_thing(self) -> None:
        rewrite = coach("Does anyone have the updated sepsis checklist?").get("A").rewrite
        assert rewrite == "Could someone send me the updated sepsis checklist?"


class TestRealistic:
    def test_small_ask_with_time_is_realistic(self) -> None:
        assert coach(GOOD).status("R") == "met"

    def test_pages_beyond_the_window_are_unrealistic(self) -> None:
        result = coach("Can you review the attached contracts by noon? About 300 pages total.")
        assert result.status("R") == "missing"
        assert "unrealistic" in result.issues
        assert result.effort_hours is not None and result.capacity_hours is not None
        assert result.effort_hours > result.capacity_hours

    def test_the_same_pages_with_weeks_are_realistic(self) -> None:
        text = "Can you review the attached 30-page contract by March 28? Legal needs it to sign."
        assert coach(text).status("R") == "met"

    def test_many_units_in_a_weekend_are_unrealistic(self) -> None:
        assert coach("Can someone upgrade all 1,200 laptops this weekend?").status("R") == "missing"

    def test_an_open_ended_overhaul_is_not_a_favour(self) -> None:
        assert coach("Could someone fix our whole online presence before the 22nd?").status("R") != "met"

    def test_a_pointer_back_at_the_ask_is_not_another_job(self) -> None:
        text = (
            "Could you reset the MFA on my account? I need this working by Friday, Feb 28 or payroll slips."
        )
        assert len(coach(text).deliverables) == 1

    def test_the_askers_own_estimate_beats_ours(self) -> None:
        text = (
            "need a hand moving 12 boxes of lab supplies from B204 to C310 tmrw at 3pm, should take ~20 min"
        )
        assert coach(text).status("R") == "met"

    def test_a_scope_word_in_a_command_name_is_not_scope(self) -> None:
        text = "Could someone check whether the VACUUM FULL on the orders table is still running by tomorrow?"
        assert coach(text).status("R") == "met"

    def test_tens_of_thousands_of_parts_in_two_days_is_unrealistic(self) -> None:
        text = "Can quality re-inspect every unit from lots 2401-2460 (about 90,000 parts) before Wednesday?"
        assert coach(text).status("R") == "missing"

    def test_standing_role_is_not_a_favour(self) -> None:
        result = coach("We need someone to own observability.")
        assert result.status("R") == "missing"
        assert result.effort_hours is None

    def test_stated_allocation_makes_a_big_project_plausible(self) -> None:
        text = (
            "I need someone to rebuild our FP&A model from scratch in Python, hook it up to NetSuite, and train "
            "the team on it. We have until October, and I can free up 50% of your time for it."
        )
        assert coach(text).status("R") == "met"

    def test_structured_effort_counts(self) -> None:
        assert coach("Can you send the deck by 10am today?", effort_hours=30).status("R") != "met"


class TestBundled:
    TEXT = (
        "Can someone help me redo the warehouse slotting, reconcile the March inventory variance, rewrite the "
        "SOPs for the returns line, and train night shift on the new scanners by Friday?"
    )

    def test_several_jobs_are_flagged_and_split_using_their_words(self) -> None:
        result = coach(self.TEXT)
        assert result.bundled
        assert [d.verb for d in result.deliverables] == ["redo", "reconcile", "rewrite", "train"]
        rewrite = result.get("R").rewrite
        assert rewrite is not None and "reconcile the March inventory variance" in rewrite

    def test_while_youre_at_it_adds_a_second_ask(self) -> None:
        text = "Could you review my design doc, and while you're at it prototype the sliding-window version?"
        assert coach(text).bundled

    def test_one_job_is_not_bundled(self) -> None:
        assert not coach(GOOD).bundled


class TestTimeBound:
    def test_no_deadline_is_missing_with_a_concrete_day_suggested(self) -> None:
        result = coach("Can you send me the Q2 accruals schedule?")
        assert result.status("T") == "missing"
        assert result.get("T").rewrite == "Can you send me the Q2 accruals schedule by Wednesday 5 March?"

    def test_asap_is_weak_and_replaced_in_place(self) -> None:
        result = coach("Can you send me the deck ASAP?")
        assert result.status("T") == "weak"
        assert result.get("T").rewrite == "Can you send me the deck by Wednesday 5 March?"

    def test_past_date_is_flagged(self) -> None:
        result = coach("Can you send me the deck by 2025-02-20?")
        assert result.status("T") == "weak"
        assert "past_deadline" in result.issues

    @pytest.mark.parametrize(
        "text",
        [
            "can somebody refactor the billing module this sprint?",
            "any agents free to take the escalated tickets before their SLA breaches at 1pm?",
        ],
    )
    def test_a_sprint_or_a_clock_time_before_an_event_is_a_deadline(self, text: str) -> None:
        assert coach(text).status("T") == "met"

    def test_a_noun_that_looks_like_an_imperative_is_not_a_request(self) -> None:
        text = "Can merchandising send store 42 the planograms first thing tomorrow? Reset crew is in at 10."
        assert coach(text).deadline is not None and coach(text).deadline.text == "tomorrow"

    def test_a_deadline_word_beats_an_event_date_and_a_date_outside_the_request(self) -> None:
        text = "Can anyone take my closing shift this Friday? I'm flying down Thursday night."
        assert coach(text).deadline is not None and coach(text).deadline.text == "this Friday"
        text = (
            "Could someone confirm the fee for Saturday's block party (Saturday, 10am)? I need it by March 5."
        )
        assert coach(text).deadline is not None and coach(text).deadline.text == "by March 5"

    def test_this_morning_outside_the_request_is_context_not_a_deadline(self) -> None:
        text = "Has anyone seen the 'SAML response not signed' error? Three enterprise tickets this morning."
        assert coach(text).status("T") == "missing"

    def test_structured_due_counts(self) -> None:
        assert coach("Can you send me the deck?", due=datetime(2025, 3, 5, tzinfo=TZ)).status("T") == "met"


class TestSignalsAndScore:
    def test_gratitude_and_reciprocity_are_detected(self) -> None:
        text = "Can anyone cover my Saturday shift? Thanks so much, happy to swap for any weekend in April."
        present = {s.name for s in coach(text).signals if s.present}
        assert {"gratitude", "reciprocity"} <= present

    def test_missing_signals_come_with_a_hint(self) -> None:
        absent = [s for s in coach("Can you send the deck?").signals if not s.present]
        assert absent and all(s.hint for s in absent)

    @pytest.mark.parametrize(
        "text", ["I'm stuck and don't know what I'm doing.", "We can't ship it, it's the team's call."]
    )
    def test_apostrophes_are_not_quoted_evidence(self, text: str) -> None:
        signals = {s.name: s.present for s in coach(text).signals}
        assert not signals["evidence"]

    def test_a_real_quotation_is_evidence(self) -> None:
        signals = {
            s.name: s.present for s in coach('The build fails with "connection reset by peer".').signals
        }
        assert signals["evidence"]

    def test_signals_raise_the_score(self) -> None:
        bare = coach("Can you send me the Q2 deck by Friday?")
        warm = coach("Can you send me the Q2 deck by Friday? Thank you, happy to return the favour.")
        assert warm.score > bare.score

    def test_own_guess_is_shown_beside_the_likely_rate(self) -> None:
        result = review(AskDraft(GOOD), now=NOW, tz=TZ, own_guess=0.3)
        assert result.own_guess == 0.3
        assert result.likely_rate > result.own_guess
        assert 0 <= result.score <= 100


def test_structured_parts_alone_can_be_coached() -> None:
    result = coach("", what="the Q2 deck", why="the board meets Friday", action="send it", effort_hours=0.5)
    assert [result.status(c) for c in "SMAR"] == ["met"] * 4
