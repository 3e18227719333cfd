from sovcheck.cli import main

main()
