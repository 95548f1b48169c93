"""Evaluation: how well zixun does against labelled data, measured apart from the code it measures.

extraction  extractors (zixun's and the baselines') scored on the captured pages' gold (tests, bench/extract)
related     precision@k and coverage of related lists against category labels (tests, zixun eval related)
entities    precision and recall of people, places and organisations against hand labels, beside the raw POS
            tags (tests, zixun eval entities)
duplicates  near-duplicate groups and originals against a generated repost set (tests, zixun eval duplicates)
stories     story clusters and story-first related lists against a labelled story set (tests, zixun eval stories)
labels      the labelled JSONL files all of them read, the LabelError naming a bad file's line, and each set's splits
"""
