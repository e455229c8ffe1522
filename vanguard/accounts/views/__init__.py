"""The pages of this app, one module per concern; public pages (no login) in `public.py`."""
