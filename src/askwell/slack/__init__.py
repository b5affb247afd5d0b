"""The Slack app: installations per organization, people linked to Slack users, and Slack calls."""
