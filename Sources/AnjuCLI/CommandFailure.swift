import ArgumentParser
import Postgres
import Store

/// The one place a failure of a database-backed command becomes what a person at a
/// terminal reads and the exit status scripts branch on:
///
/// - a `StoreError` (the caller's mistake or the data's state): 65, every problem printed,
///   not-found and refusals prefixed so they read as such;
/// - the database unreachable, without Anju's schema (`SchemaMismatch`), or the private
///   cluster failing to start: 69.
enum CommandFailure {
    /// Runs `body`, turning the failures above into their message and `ExitCode`.
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            report(error)
            throw exitStatus(error)
        } catch let error as SchemaMismatch {
            Diagnostics.print("\(error)")
            throw ExitCode(69)
        } catch let error as PostgresError {
            if error.sqlState == .undefinedTable {
                Diagnostics.print("the database has no Anju schema (or an old one): run `anju migrate` first\n\(error)")
            } else {
                Diagnostics.print("database: \(error)")
            }
            throw ExitCode(69)
        } catch let error as ClusterError {
            Diagnostics.print("private cluster: \(error)")
            throw ExitCode(69)
        }
    }

    /// Every store error is the input's or the state's, not the system's: 65 (EX_DATAERR).
    static func exitStatus(_ error: StoreError) -> ExitCode { ExitCode(65) }

    /// Prints `error` on stderr: invalid input as its located problems (an import adds how
    /// many and that nothing was imported), a refused bulk file as its refused lines,
    /// anything else as "not found: …" or "refused: …".
    static func report(_ error: StoreError) {
        switch (error.kind, error.code) {
        case (.invalid, _):
            for problem in error.problems { Diagnostics.print(problem.description) }
            if error.code == .invalidImport, case .file(let name)? = error.subject {
                let count = error.problems.count
                Diagnostics.print("\(count) problem\(count == 1 ? "" : "s") found in \(name); nothing was imported.")
            }
        case (.conflict, .slotChangesRefused):
            for problem in error.problems { Diagnostics.print(problem.description) }
        case (.notFound, _):
            Diagnostics.print("not found: \(error)")
        case (.conflict, _):
            Diagnostics.print("refused: \(error)")
        }
    }
}
