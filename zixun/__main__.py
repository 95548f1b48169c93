"""python -m zixun: the same as the zixun command."""

from zixun.cli import main

main()
