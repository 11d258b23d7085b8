using BulkOnboard.Benchmarks;

return await BenchmarkCommands.RunAsync(args);
