import AnjuCLI

#if canImport(Glibc)
    import Glibc

    // One malloc arena per core, set before any thread starts. glibc's default (eight per
    // core) gave each short-lived worker thread an arena of its own, and what those freed
    // was not reusable by the others: `anju solve` at 200k held 30–60 MB more at its peak
    // (308 against 276 MiB serial, 341 against 283 MiB optimal), at the same speed.
    // `mallopt` is glibc's (malloc.h, which the Glibc module does not export); M_ARENA_MAX is -8.
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let cores = max(2, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        _ = unsafeBitCast(symbol, to: MallOpt.self)(-8, Int32(clamping: cores))
    }
#endif

await AnjuCommand.runMain()
