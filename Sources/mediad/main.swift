import MediadCore

// mediad: the executable is only this; everything else is MediadCore (tested in Tests/MediadTests).
// The loop executor first, before anything is enqueued.
MediadEntry.installExecutor()
await MediadEntry.run(arguments: Array(CommandLine.arguments.dropFirst()))
