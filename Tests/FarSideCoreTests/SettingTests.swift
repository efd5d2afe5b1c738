import FarSideCore
import XCTest

/// Engine errors name parameters through `Setting` tokens: library callers read the Swift names, the CLI
/// renders its options; the exit status stays the case's.
final class SettingTests: XCTestCase {
    func testSettingTokensRenderAsSwiftNamesOrAsOptions() {
        let error = FarSideError.usage("\(Setting.tileKm.token) 0: must be positive; or set \(Setting.memoryMB.token)")
        XCTAssertEqual(error.description, "tileKm 0: must be positive; or set memoryMB")
        XCTAssertEqual(error.message { "--" + $0.rawValue.lowercased() }, "--tilekm 0: must be positive; or set --memorymb")
        XCTAssertEqual(error.exitCode, 2)
        XCTAssertEqual(FarSideError.badInput("plain {text}\nsecond").description, "plain {text} second", "unknown braces stay, one line")
    }

    func testLaneHelpersAgreeForEightAndSixteenLanes() {
        let a8 = SIMD8<Float>(-2, -0.0, 0, 1, 3, -5, 7, .infinity), b8 = SIMD8<Float>(repeating: 0.5)
        let a16 = SIMD16<Float>(lowHalf: a8, highHalf: a8), b16 = SIMD16<Float>(repeating: 0.5)
        let s8 = VectorMath.selectNegative(a8, b8, a8), s16 = LaneMath.select(LaneMath.signMask(a16), b16, a16)
        XCTAssertEqual(s8, SIMD8(0.5, 0.5, 0, 1, 3, 0.5, 7, .infinity))
        XCTAssertEqual(s16.lowHalf, s8)
        XCTAssertEqual(s16.highHalf, s8)
        XCTAssertEqual(VectorMath.max(a8, b8), SIMD8(0.5, 0.5, 0.5, 1, 3, 0.5, 7, .infinity))
        XCTAssertTrue(LaneMath.any(LaneMath.signMask(a16)))
        XCTAssertFalse(VectorMath.any(VectorMath.signMask(SIMD8<Float>(repeating: 1))))
        XCTAssertEqual(LaneMath.integers(SIMD16<Float>(repeating: 12)), SIMD16<Int32>(repeating: 12))
        XCTAssertEqual(VectorMath.clamp01(SIMD8(-1, 0.25, 2, 0, 1, -.infinity, .infinity, 0.5)), SIMD8(0, 0.25, 1, 0, 1, 0, 1, 0.5))
    }
}
