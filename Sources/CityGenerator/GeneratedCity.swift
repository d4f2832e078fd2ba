import Foundation

/// The four input files of one generated round, as bytes, ready to write or to parse.
public struct GeneratedCity: Sendable, Equatable {
    /// projects.csv
    public let projectsCSV: [UInt8]
    /// slots.csv
    public let slotsCSV: [UInt8]
    /// applicants.csv
    public let applicantsCSV: [UInt8]
    /// policy.json
    public let policyJSON: [UInt8]
    /// How many rows projects.csv has (slot and applicant counts are the generator's).
    public let projectCount: Int

    /// The files by their contract names, in the contract's order.
    public var files: [(name: String, bytes: [UInt8])] {
        [
            ("projects.csv", projectsCSV), ("slots.csv", slotsCSV),
            ("applicants.csv", applicantsCSV), ("policy.json", policyJSON),
        ]
    }

    /// Writes the four files into `directory`, creating it (and its parents) if needed.
    /// Each file is written atomically, so a reader never sees half a file.
    public func write(to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CityWriteError(path: directory, reason: CityWriteError.describe(error))
        }
        for (name, bytes) in files {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CityWriteError(path: path, reason: CityWriteError.describe(error))
            }
        }
    }
}
