"""HTTP plumbing shared by the web pages and the JSON API: per-request session, sign-in, CSRF, headers."""
