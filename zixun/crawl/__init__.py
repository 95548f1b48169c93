"""Sources on the web → records for the pipeline, as files are: the crawler's room.

opml        feed lists in and out (OPML 2.0, read with defusedxml)
politeness  per-host concurrency and delay, robots.txt
schedule    adaptive polling intervals and retry backoff with jitter
fulltext    a summary-only item's page fetched and extracted with the core extractor
crawler     one round over every due feed (claimed in the store), or a long-lived loop of rounds
Every request goes through zixun.fetch.Fetcher.
"""
