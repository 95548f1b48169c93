"""Evaluation: how well zixun does against labelled data, measured apart from the code it measures.

extraction  extractors (zixun's and the baselines') scored on the captured pages' gold (tests, bench/extract)
related     precision@k and coverage of related lists against category labels (tests, zixun eval related)
entities    precision and recall of people, places and organisations against hand labels, beside the raw POS
            tags (tests, zixun eval entities)
"""
