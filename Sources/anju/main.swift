import AnjuCLI

await AnjuCommand.runMain()
