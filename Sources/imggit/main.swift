import ImggitCLI
ImggitMain.main()
