"""Community voting: votes and their events, tallies, quarantine and People's Choice settings."""
