import Foundation
import XCTest

/// Runs the built `farside` executable (built beside the test bundle by SwiftPM; test targets that use it
/// depend on the `farside` product so that it is built).
public enum FarSideBinary {
    public static var path: String? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        return candidates.map { $0.appendingPathComponent("farside").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static func run(_ arguments: [String]) throws -> TestSupport.ProcessResult {
        try TestSupport.require(path != nil, "the farside executable beside the tests")
        guard let path else { throw XCTSkip("unreachable") }
        return try TestSupport.run(path, arguments)
    }
}
