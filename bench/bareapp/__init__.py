"""A bare Wagtail page type, defined outside the product: the baseline of bench/pages.py."""
