"""Near-duplicate detection: fingerprints (text/fingerprint.py) looked up and verified, grouped, and each
group's original decided (groups.py)."""
