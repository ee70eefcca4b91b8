"""Payouts to winners: creation on approval, the worker, status, notices, settlement, admin."""
