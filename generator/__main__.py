from persistgen.cli import main

main()
