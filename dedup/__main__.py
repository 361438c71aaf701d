from dedup.cli.launch import main

main()
