"""The worked example of docs/judging.md, "Calibration", shared by calibration and reliability."""

from judging.algorithms.calibration import Review

A, B, C = 1, 2, 3
S1, S2, S3, S4 = 1, 2, 3, 4
EXAMPLE = [
    Review(S1, A, 88),
    Review(S2, A, 80),
    Review(S3, A, 88),
    Review(S2, B, 50),
    Review(S3, B, 64),
    Review(S4, B, 40),
    Review(S1, C, 70),
    Review(S4, C, 60),
]
