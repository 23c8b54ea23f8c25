"""A bare Django project: the baselines the benchmarks compare the service with, on the same stack.

Same Django, same gunicorn setup, same PostgreSQL and the same connection handling as the service
(CONN_MAX_AGE 60, health checks), and nothing else: no DRF, no project middleware, no services.
"""
