"""Bare Django: the second floor of ``make bench`` (README, "Benchmark").

A project as ``django-admin startproject`` makes it (its default middleware, the contrib apps that
middleware needs, no admin), with one view answering constant JSON to anyone: what the same Django,
gunicorn and machine give before any of the portal's own code runs.
"""
