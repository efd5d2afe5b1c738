import Foundation

/// IAU/WGCCRE 2009 orientation model of the Moon (Archinal et al. 2011, "Report of the IAU
/// Working Group on Cartographic Coordinates and Rotational Elements: 2009", Celest. Mech. Dyn.
/// Astr. 109, 101-135, table 2), which approximates the mean-Earth/polar-axis (ME) frame to
/// about 150 m (0.005 deg). Rotation from ICRF: [W]_3 [90 deg - delta0]_1 [90 deg + alpha0]_3.
public enum LunarOrientation {
    /// Pole right ascension alpha0, declination delta0 and prime meridian W, degrees.
    public static func angles(daysTDB d: Double) -> (alpha0: Double, delta0: Double, w: Double) {
        let t = d / 36525
        let deg = Double.pi / 180
        func e(_ a: Double, _ b: Double) -> Double { (a + b * d).truncatingRemainder(dividingBy: 360) * deg }
        let e1 = e(125.045, -0.0529921), e2 = e(250.089, -0.1059842), e3 = e(260.008, 13.0120009)
        let e4 = e(176.625, 13.3407154), e5 = e(357.529, 0.9856003), e6 = e(311.589, 26.4057084)
        let e7 = e(134.963, 13.0649930), e8 = e(276.617, 0.3287146), e9 = e(34.226, 1.7484877)
        let e10 = e(15.134, -0.1589763), e11 = e(119.743, 0.0036096), e12 = e(239.961, 0.1643573)
        let e13 = e(25.053, 12.9590088)
        let alpha0 = 269.9949 + 0.0031 * t - 3.8787 * sin(e1) - 0.1204 * sin(e2) + 0.0700 * sin(e3)
            - 0.0172 * sin(e4) + 0.0072 * sin(e6) - 0.0052 * sin(e10) + 0.0043 * sin(e13)
        let delta0 = 66.5392 + 0.0130 * t + 1.5419 * cos(e1) + 0.0239 * cos(e2) - 0.0278 * cos(e3)
            + 0.0068 * cos(e4) - 0.0029 * cos(e6) + 0.0009 * cos(e7) + 0.0008 * cos(e10) - 0.0009 * cos(e13)
        var w = 38.3213 + (13.17635815 * d).truncatingRemainder(dividingBy: 360) - 1.4e-12 * d * d
        w += 3.5610 * sin(e1) + 0.1208 * sin(e2) - 0.0642 * sin(e3) + 0.0158 * sin(e4) + 0.0252 * sin(e5)
            - 0.0066 * sin(e6) - 0.0047 * sin(e7) - 0.0046 * sin(e8) + 0.0028 * sin(e9) + 0.0052 * sin(e10)
            + 0.0040 * sin(e11) + 0.0019 * sin(e12) - 0.0044 * sin(e13)
        return (alpha0, delta0, w)
    }

    /// Rotation from ICRF/J2000 to the IAU 2009 lunar body-fixed (ME) frame at the epoch.
    public static func icrfToME(at epoch: Epoch) -> Matrix3 {
        let (a, dlt, w) = angles(daysTDB: epoch.daysTDB)
        let deg = Double.pi / 180
        return Matrix3.frameRotation(w * deg, axis: 3) * Matrix3.frameRotation((90 - dlt) * deg, axis: 1)
            * Matrix3.frameRotation((90 + a) * deg, axis: 3)
    }
}
