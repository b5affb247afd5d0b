"""People: organizations, persons with their profiles, teams and roles."""
