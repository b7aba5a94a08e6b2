from tradejournal.cli.main import main

main()
