"""Single sign-on: OpenID Connect per organization, with just-in-time people from allowed email domains."""
