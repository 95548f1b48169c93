"""zixun (资讯): a Chinese news portal engine. The package is the pipeline: ingest → text → store → search."""
