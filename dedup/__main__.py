from dedup.launch import main

main()
