import Foundation
import TestSupport
import XCTest
@testable import Ephemeris

final class KernelErrorTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("eph-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func testMissingFolderNamesIt() {
        let path = scratch.appendingPathComponent("nowhere").path
        XCTAssertThrowsError(try SpiceEphemeris(kernelDirectory: path)) { error in
            XCTAssertTrue("\(error)".contains(path), "\(error)")
            guard case EphemerisError.kernelMissing = error else { return XCTFail("\(error)") }
        }
    }

    func testMissingFileNamesIt() throws {
        try TestSupport.require(file: TestPaths.kernels, "the SPICE kernels")
        // Only the SPK present (as a symlink): the PCK must be reported missing by name.
        try FileManager.default.createSymbolicLink(atPath: scratch.appendingPathComponent("de421.bsp").path,
                                                   withDestinationPath: TestPaths.kernels + "/de421.bsp")
        XCTAssertThrowsError(try SpiceEphemeris(kernelDirectory: scratch.path)) { error in
            XCTAssertTrue("\(error)".contains("moon_pa_de421_1900-2050.bpc"), "\(error)")
        }
    }

    func testGarbageAndTruncatedFilesAreRejected() throws {
        let junk = scratch.appendingPathComponent("junk.bsp")
        try Data("this is not a kernel".utf8).write(to: junk)
        XCTAssertThrowsError(try SPKReader(path: junk.path)) { error in
            XCTAssertTrue("\(error)".contains(junk.path), "\(error)")
            guard case EphemerisError.kernelMalformed = error else { return XCTFail("\(error)") }
        }
        let text = scratch.appendingPathComponent("text.bsp")
        try Data(repeating: 0x41, count: 2048).write(to: text)
        XCTAssertThrowsError(try SPKReader(path: text.path)) { error in
            guard case EphemerisError.unsupportedKernel = error else { return XCTFail("\(error)") }
        }
        try TestSupport.require(file: TestPaths.kernels, "the SPICE kernels")   // the rest reads them
        // The first 3 records of de421.bsp: summaries point past the end of the file.
        let head = try Data(contentsOf: URL(fileURLWithPath: TestPaths.kernels + "/de421.bsp")).prefix(3 * 1024)
        let truncated = scratch.appendingPathComponent("truncated.bsp")
        try head.write(to: truncated)
        XCTAssertThrowsError(try SPKReader(path: truncated.path)) { error in
            XCTAssertTrue("\(error)".contains("truncated.bsp"), "\(error)")
            guard case EphemerisError.kernelMalformed = error else { return XCTFail("\(error)") }
        }
    }

    func testBigEndianAndOtherFormatsAreRefused() throws {
        var record = [UInt8](repeating: 0, count: 1024)
        func put(_ s: String, at offset: Int) { for (i, b) in s.utf8.enumerated() { record[offset + i] = b } }
        put("DAF/SPK ", at: 0)
        record[11] = 2; record[15] = 6  // ND = 2, NI = 6 as big-endian int32
        put("BIG-IEEE", at: 88)
        let big = scratch.appendingPathComponent("big.bsp")
        try Data(record).write(to: big)
        XCTAssertThrowsError(try SPKReader(path: big.path)) { error in
            XCTAssertTrue("\(error)".contains("BIG-IEEE"), "\(error)")
            guard case EphemerisError.unsupportedKernel = error else { return XCTFail("\(error)") }
        }
        put("VAX-GFLT", at: 88)
        try Data(record).write(to: big)
        XCTAssertThrowsError(try SPKReader(path: big.path)) { error in
            XCTAssertTrue("\(error)".contains("VAX-GFLT"), "\(error)")
        }
        // A PCK handed to the SPK reader.
        try TestSupport.require(file: TestPaths.kernels, "the SPICE kernels")   // the rest reads them
        XCTAssertThrowsError(try SPKReader(path: TestPaths.kernels + "/moon_pa_de421_1900-2050.bpc")) { error in
            XCTAssertTrue("\(error)".contains("not an SPK"), "\(error)")
        }
    }

    func testFrameKernelParsing() throws {
        let text = """
        junk outside data = ( 1 2
        \\begindata
        FRAME_X = 42
        TKFRAME_42_SPEC = 'ANGLES'
        TKFRAME_42_RELATIVE = 'J2000'
        TKFRAME_42_ANGLES = ( 90, 0.0D0
                              0 )
        TKFRAME_42_AXES = ( 3 1 2 )
        TKFRAME_42_UNITS = 'DEGREES'
        NAMES = ( 'it''s' )
        NAMES += 'two'
        \\begintext
        more prose = 3
        """
        let k = try TextKernel(text: text)
        XCTAssertEqual(k.frameID(named: "X"), 42)
        XCTAssertEqual(k.variables["NAMES"], [.string("it's"), .string("two")])
        XCTAssertNil(k.variables["more"])
        let (relative, m) = try k.tkRotation(frameID: 42)
        XCTAssertEqual(relative, "J2000")
        // SPICE convention: the TK angles give frame->relative = [90]_3, so relative->frame = [-90]_3,
        // which takes the relative frame's +X to (0, 1, 0) in the new frame.
        let x = m * SIMD3<Double>(1, 0, 0)
        XCTAssertEqual(x.x, 0, accuracy: 1e-12)
        XCTAssertEqual(x.y, 1, accuracy: 1e-12)
        XCTAssertThrowsError(try TextKernel(text: "\\begindata\nA = ( 1 2\n\\begintext\n"))
    }

    func testLunarFrameKernelIsParsedNotHardCoded() throws {
        try TestSupport.require(file: TestPaths.kernels, "the SPICE kernels")
        let k = try TextKernel(path: TestPaths.kernels + "/moon_080317.tf")
        XCTAssertEqual(k.frameID(named: "MOON_ME_DE421"), 31007)
        XCTAssertEqual(k.numbers("TKFRAME_31007_ANGLES"), [67.92, 78.56, 0.30])
        XCTAssertEqual(k.numbers("TKFRAME_31007_AXES"), [3, 2, 1])
        XCTAssertEqual(k.string("TKFRAME_31007_UNITS"), "ARCSECONDS")
        let (relative, m) = try k.tkRotation(frameID: 31007)
        XCTAssertEqual(relative, "MOON_PA_DE421")
        // The PA->ME rotation angle is about 0.0288473 deg (comment in moon_080317.tf).
        let trace = m.r0.x + m.r1.y + m.r2.z
        XCTAssertEqual(acos((trace - 1) / 2) * 180 / .pi, 0.0288473, accuracy: 1e-6)
    }
}
