#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Outside `FileSystem`, whose own `read`/`rename` would shadow the system calls.
private func systemRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, buf, n) }
private func systemWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ n: Int) -> Int { write(fd, buf, n) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

/// Thin POSIX wrappers. They exist because the contract needs what Foundation hides:
/// the system's reason a file cannot be read (missing vs. permission vs. a folder), and
/// exact control over temporary files and renames for all-or-nothing output.
enum FileSystem {
    struct Failure: Error {
        var message: String
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The whole contents of a regular file.
    static func read(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(message: reason(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(message: reason(errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw Failure(message: info.st_mode & S_IFMT == S_IFDIR ? "it is a folder, not a file" : "it is not a regular file")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var total = 0
        while true {
            if total == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count))) }
            let n = bytes.withUnsafeMutableBytes { buf in
                systemRead(fd, buf.baseAddress! + total, buf.count - total)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(message: reason(errno))
            }
            if n == 0 { break }
            total += n
        }
        bytes.removeSubrange(total...)
        return bytes
    }

    static func isDirectory(_ path: String) -> Bool? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT == S_IFDIR
    }

    /// Creates `path` and any missing parents; returns the folders it created, outermost
    /// first, so a failure later on can remove exactly those.
    static func makeDirectories(_ path: String) throws(Failure) -> [String] {
        guard !path.isEmpty else { throw Failure(message: "no output folder given") }
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        if let isDir = isDirectory(path) {
            guard isDir else { throw Failure(message: "\(path) exists and is not a folder") }
            return []
        }
        var missing: [String] = []
        var current = path
        while !current.isEmpty, current != "/", isDirectory(current) == nil {
            missing.append(current)
            guard let slash = current.lastIndex(of: "/") else { break }
            current = String(current[..<slash])
            while current.hasSuffix("/") { current.removeLast() }
        }
        var created: [String] = []
        for dir in missing.reversed() {
            if mkdir(dir, 0o777) != 0 && errno != EEXIST {
                let why = reason(errno)
                for d in created.reversed() { rmdir(d) }
                throw Failure(message: "cannot create folder \(dir): \(why)")
            }
            created.append(dir)
        }
        return created
    }

    /// Writes `bytes` to a new file at `path` (which must not exist) and flushes it to disk.
    static func writeNew(_ path: String, _ bytes: [UInt8]) throws(Failure) {
        try writeNew(path, parts: [bytes])
    }

    /// As `writeNew(_:_:)`, the file being `parts` one after the other (never joined in
    /// memory: a 200k-row results.csv is 46 MB).
    static func writeNew(_ path: String, parts: [[UInt8]]) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw Failure(message: "cannot create \(path): \(reason(errno))") }
        for bytes in parts {
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { buf in
                    systemWrite(fd, buf.baseAddress! + written, buf.count - written)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    let why = reason(errno)
                    close(fd)
                    unlink(path)
                    throw Failure(message: "cannot write \(path): \(why)")
                }
                written += n
            }
        }
        if fsync(fd) != 0 {
            let why = reason(errno)
            close(fd)
            unlink(path)
            throw Failure(message: "cannot write \(path): \(why)")
        }
        guard close(fd) == 0 else {
            let why = reason(errno)
            unlink(path)
            throw Failure(message: "cannot write \(path): \(why)")
        }
    }

    static func rename(_ from: String, to: String) throws(Failure) {
        guard systemRename(from, to) == 0 else { throw Failure(message: "cannot replace \(to): \(reason(errno))") }
    }

    static var processID: Int32 { getpid() }

    static func remove(_ path: String) { unlink(path) }
    static func removeDirectory(_ path: String) { rmdir(path) }
}
