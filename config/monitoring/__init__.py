"""What operators watch: ``/healthz`` (the process answers), ``/readyz`` (the database, the cache, the
broker and a worker answer) and ``/metrics`` (Prometheus). The project's composition root owns them
because they look at every layer at once; the apps stay unaware of them.
"""
