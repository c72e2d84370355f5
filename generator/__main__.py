from persistgen.entry import main

main()
