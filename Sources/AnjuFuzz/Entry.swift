import Foundation

#if ANJU_FUZZ
/// libFuzzer's entry point (built by `Tests/fuzz/run-fuzz.sh` with `--sanitize fuzzer`):
/// the target is chosen by `ANJU_FUZZ_TARGET` (csv, policy, solve or application), since libFuzzer owns
/// the command line.
let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["ANJU_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set ANJU_FUZZ_TARGET to csv, policy, solve or application\n".utf8))
        exit(64)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzTarget.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's driver, called from our own entry point: SwiftPM links every executable
/// with `main` set to `AnjuFuzz_main`, so libFuzzer's own `main` is never used.
@_silgen_name("LLVMFuzzerRunDriver")
func fuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("AnjuFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return fuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
/// Without the fuzzer, `anju-fuzz TARGET FILE…` replays inputs through a target: how a
/// corpus, or a crash libFuzzer found, is re-run in the ordinary test suite.
@main
struct FuzzReplay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            FileHandle.standardError.write(Data("usage: anju-fuzz csv|policy|solve|application FILE_OR_FOLDER…\n".utf8))
            exit(64)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("anju-fuzz: no such file \(path)\n".utf8))
                exit(66)
            }
            let files = isFolder.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                target.run(Array(data))
                count += 1
            }
        }
        print("anju-fuzz \(target.rawValue): \(count) inputs, no crash")
    }
}
#endif
