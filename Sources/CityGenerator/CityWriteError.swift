import Foundation

/// A generated city could not be written: which path, and what the system said.
public struct CityWriteError: Error, CustomStringConvertible {
    /// The folder or file that could not be created.
    public let path: String
    /// The operating system's explanation.
    public let reason: String

    /// One line for a terminal: what could not be written, why, and what to do.
    public var description: String { "cannot write \(path): \(reason); choose another folder" }

    /// The system's reason in plain words for the usual cases, else Foundation's own.
    static func describe(_ error: Error) -> String {
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "a folder on the way does not exist and cannot be created"
            case .fileWriteFileExists: return "a file of that name is in the way"
            case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteVolumeReadOnly: return "the file system is read-only"
            default: break
            }
        }
        return (error as NSError).localizedDescription
    }
}
