"""Gongkai (公开): government-information disclosure work."""
