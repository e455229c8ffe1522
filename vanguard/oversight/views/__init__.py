"""Views of leadership and supervision, one module per part of the notice's section 六."""
