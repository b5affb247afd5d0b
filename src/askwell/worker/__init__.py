"""The worker: delivers the outbox (emails) and runs scheduled jobs."""
