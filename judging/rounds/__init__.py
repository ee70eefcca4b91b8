"""Rounds: which entries each round holds, screening verdicts, advancing to the next round."""
