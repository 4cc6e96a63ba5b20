"""Reporting rounds (催报) and each user's tasks (我的待办)."""
