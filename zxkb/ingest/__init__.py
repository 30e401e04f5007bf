"""Files -> stored documents: prepare (pure, in worker processes), the worker
pool, and the ingest run that stores what they give (zxkb.ingest.run)."""
