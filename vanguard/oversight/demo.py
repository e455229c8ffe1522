"""Demo data of this module, loaded by `manage.py load_demo` after the campaign exists."""
