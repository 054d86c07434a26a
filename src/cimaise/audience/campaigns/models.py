"""Campaigns: none yet."""
