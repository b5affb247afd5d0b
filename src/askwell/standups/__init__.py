"""Stand-ups: a team's regular check-in (worked on / working on / help needed), scheduled in each member's local time."""
