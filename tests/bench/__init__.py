"""Load benchmarks: the app against a bare Flask "hello" under the same gunicorn settings.

Run them with `python -m tests.bench.run` (`make bench`); see docs/benchmarks.md.
"""
