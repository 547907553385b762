"""The kernel: the few helpers every app uses and none owns (see README, "Developers").

It imports no app of the project; every app may import it.
"""
