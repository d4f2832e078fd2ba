import Foundation

/// Finds the repository files the benchmarks run (the OR-Tools peer, wrk's Lua script, the
/// tool installer) wherever `anju bench` is started from: a newcomer runs it from their
/// home folder or through a symlink on PATH, not only from the repository root.
public enum RepositoryFiles {
    /// `path` as given when it exists (relative to the working folder, or absolute); else
    /// the same relative path under the first ancestor of the working folder, of the
    /// running executable (`/proc/self/exe`, symlinks resolved) or of this source file's
    /// checkout that holds it. Throws a message saying where it looked and what to pass.
    public static func locate(
        _ path: String, option: String, workingFolder: String = FileManager.default.currentDirectoryPath
    ) throws -> String {
        if path.hasPrefix("/") {
            guard FileManager.default.fileExists(atPath: path) else {
                throw BenchmarkError("\(path) does not exist; pass \(option) with the right path")
            }
            return path
        }
        for root in roots(workingFolder) {
            let candidate = root.appendingPathComponent(path).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        throw BenchmarkError(
            "cannot find \(path) in or above the working folder, the anju executable's folder or the source checkout "
                + "(\(starts(workingFolder).map(\.path).joined(separator: ", "))); pass \(option) with its path")
    }

    /// Folders to search, nearest first: every ancestor of each starting point.
    static func roots(_ workingFolder: String) -> [URL] {
        var out: [URL] = []
        for start in starts(workingFolder) {
            var folder = start.standardizedFileURL
            while true {
                if !out.contains(folder) { out.append(folder) }
                let parent = folder.deletingLastPathComponent().standardizedFileURL
                if parent.path == folder.path || folder.path == "/" { break }
                folder = parent
            }
        }
        return out
    }

    private static func starts(_ workingFolder: String) -> [URL] {
        var starts = [URL(fileURLWithPath: workingFolder)]
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        // Sources/AnjuBenchmarks/RepositoryFiles.swift → the checkout this binary was built from.
        starts.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
        return starts
    }
}
