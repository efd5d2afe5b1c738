/// Errors that end a FarSide run, each mapped to the exit status of docs/conventions.md's command-line contract.
///
/// Every message is one line that names the file or the field at fault (engine parameters through
/// `Setting` tokens, which the CLI renders as its options).
public enum FarSideError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Bad command-line usage (exit 2).
    case usage(String)
    /// Unreadable or unacceptable input: raster, CRS, profile... (exit 3).
    case badInput(String)
    /// An output that could not be written (exit 4).
    case outputFailed(String)
    /// Anything else (exit 1).
    case failure(String)

    public var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case .badInput: return 3
        case .outputFailed: return 4
        case .failure: return 1
        }
    }

    /// The one-line message, settings named by their Swift names (`Setting`).
    public var description: String { message { $0.rawValue } }
}
