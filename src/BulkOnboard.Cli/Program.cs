using BulkOnboard.Cli;

return await BulkOnboardCli.InvokeAsync(args);
