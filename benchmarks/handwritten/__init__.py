"""Hand-written services over the blog example's `posts` table, for benchmarks/http_api.py."""
