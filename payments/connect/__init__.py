"""Winners' Stripe Connect Express accounts: onboarding, their state, the payout set-up page."""
