from zxkb.cli import main

main()
