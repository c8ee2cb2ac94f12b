"""Benchmarks: real visits of distinct residents against a bare Flask "hello" served the same way.

Run them with `python -m tests.bench.run` (`make bench`); see docs/benchmarks.md.
"""
