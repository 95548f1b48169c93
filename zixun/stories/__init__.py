"""Stories: articles that tell of one event, grouped at ingest (clusters.py) under rules that keep events of
one topic apart (conflicts.py); stored by zixun/store/stories.py."""
