import AnjuCLI

await AnjuCommand.main()
