"""The network: ties, two-step introductions and dormant ties."""
