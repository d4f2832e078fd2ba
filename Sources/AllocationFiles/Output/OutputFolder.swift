import Allocation

/// Writes a round's `results.csv` and `summary.json`, all or nothing: the contract says a
/// failed run must leave the output folder neither created nor changed.
public enum OutputFolder {
    /// Renders both files in memory first (that cannot fail), then creates the folder and
    /// any missing parents, writes each file under a temporary name inside it, and only
    /// then renames both over the old ones. On a failure before the renames, the
    /// temporary files and any folders created here are removed again. (A failure between
    /// the two renames — renames within one folder only fail if the folder itself changes
    /// underneath — would leave a new results.csv beside an old summary.json, but never a
    /// half-written file.)
    public static func write(result: RoundResult, digests: [String: String], to directory: String) throws(OutputError) {
        let files: [(name: String, parts: [[UInt8]])] = [
            ("results.csv", ResultsCSV.renderParts(result.rows)),
            ("summary.json", [SummaryJSON.render(result: result, digests: digests)]),
        ]
        let created: [String]
        do {
            created = try FileSystem.makeDirectories(directory)
        } catch {
            throw OutputError(message: error.message)
        }
        let tag = ".tmp-\(FileSystem.processID)-\(UInt32.random(in: 0...UInt32.max))"
        var temporaries: [String] = []
        do throws(FileSystem.Failure) {
            for file in files {
                let temp = FileSystem.join(directory, "." + file.name + tag)
                try FileSystem.writeNew(temp, parts: file.parts)
                temporaries.append(temp)
            }
            // A folder in a file's place would make its rename fail halfway: refuse first.
            for file in files where FileSystem.isDirectory(FileSystem.join(directory, file.name)) == true {
                throw FileSystem.Failure(message: "cannot replace \(FileSystem.join(directory, file.name)): it is a folder")
            }
            for (file, temp) in zip(files, temporaries) {
                try FileSystem.rename(temp, to: FileSystem.join(directory, file.name))
            }
        } catch {
            for temp in temporaries { FileSystem.remove(temp) }
            for dir in created.reversed() { FileSystem.removeDirectory(dir) }
            throw OutputError(message: error.message)
        }
    }
}
