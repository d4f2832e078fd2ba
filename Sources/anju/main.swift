import AnjuCLI
import Foundation
import NIOCore
import NIOPosix

// `anju serve` runs Swift concurrency on NIO's event loops instead of a thread pool of its
// own, so a request's handler runs on the thread that does its I/O: fewer thread hops per
// request (measured with `anju bench api`, see BENCHMARKS.md). Only for serve, whose work
// is network I/O; ANJU_EXECUTOR=default keeps Swift's own pool (to compare, or should the
// take-over ever misbehave). It has to happen before any task starts.
if CommandLine.arguments.dropFirst().first == "serve", ProcessInfo.processInfo.environment["ANJU_EXECUTOR"] != "default",
    !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
{
    FileHandle.standardError.write(Data("warning: could not run Swift concurrency on the event loops; serving anyway\n".utf8))
}
await AnjuCommand.runMain()
