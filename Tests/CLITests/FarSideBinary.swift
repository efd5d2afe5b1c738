import Foundation
import TestSupport
import XCTest

/// Runs the built `farside` executable (built beside the test bundle by SwiftPM).
enum FarSideBinary {
    static var path: String? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        return candidates.map { $0.appendingPathComponent("farside").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ arguments: [String]) throws -> TestSupport.ProcessResult {
        try TestSupport.require(path != nil, "the farside executable beside the tests")
        guard let path else { throw XCTSkip("unreachable") }
        return try TestSupport.run(path, arguments)
    }
}
