from monban.cli import main

main()
