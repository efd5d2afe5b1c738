import Foundation

/// A 3x3 rotation matrix stored by rows (no `simd` module on Linux).
///
/// `Matrix3.frameRotation(angle, axis:)` is the SPICE "[angle]_axis" convention (NAIF Rotations
/// Required Reading): it rotates the coordinate FRAME by +angle about the axis, so a fixed
/// vector's coordinates turn by -angle.
public struct Matrix3: Sendable, Equatable {
    public var r0: SIMD3<Double>
    public var r1: SIMD3<Double>
    public var r2: SIMD3<Double>

    public init(rows r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>) {
        self.r0 = r0; self.r1 = r1; self.r2 = r2
    }

    public static let identity = Matrix3(rows: [1, 0, 0], [0, 1, 0], [0, 0, 1])

    /// SPICE `[angle]_axis` (axis 1 = x, 2 = y, 3 = z), angle in radians.
    public static func frameRotation(_ angle: Double, axis: Int) -> Matrix3 {
        let c = cos(angle), s = sin(angle)
        switch axis {
        case 1: return Matrix3(rows: [1, 0, 0], [0, c, s], [0, -s, c])
        case 2: return Matrix3(rows: [c, 0, -s], [0, 1, 0], [s, 0, c])
        default: return Matrix3(rows: [c, s, 0], [-s, c, 0], [0, 0, 1])
        }
    }

    public var transposed: Matrix3 {
        Matrix3(rows: [r0.x, r1.x, r2.x], [r0.y, r1.y, r2.y], [r0.z, r1.z, r2.z])
    }

    /// Row-major elements.
    public var elements: [Double] { [r0.x, r0.y, r0.z, r1.x, r1.y, r1.z, r2.x, r2.y, r2.z] }

    public static func * (m: Matrix3, v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((m.r0 * v).sum(), (m.r1 * v).sum(), (m.r2 * v).sum())
    }

    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        let bt = b.transposed
        return Matrix3(rows: [(a.r0 * bt.r0).sum(), (a.r0 * bt.r1).sum(), (a.r0 * bt.r2).sum()],
                       [(a.r1 * bt.r0).sum(), (a.r1 * bt.r1).sum(), (a.r1 * bt.r2).sum()],
                       [(a.r2 * bt.r0).sum(), (a.r2 * bt.r1).sum(), (a.r2 * bt.r2).sum()])
    }
}

/// Small vector helpers shared by the module.
public enum Vector3 {
    public static func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }
    public static func length(_ a: SIMD3<Double>) -> Double { sqrt((a * a).sum()) }
    public static func normalized(_ a: SIMD3<Double>) -> SIMD3<Double> { a / length(a) }
    public static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }
    /// Angle between two vectors in degrees (atan2 form, accurate for tiny angles).
    public static func angleDegrees(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        atan2(length(cross(a, b)), dot(a, b)) * 180 / .pi
    }
}
