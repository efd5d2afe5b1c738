import Foundation
import GeoRaster

/// Fractional Brownian surface by octave summation of value noise (Fournier, Fussell & Carpenter 1982;
/// Musgrave's fBm): octave k has wavelength `wavelength / 2^k` and amplitude `amplitude x 2^(-kH)`,
/// so the height difference over a baseline L scales as L^H. Lunar surfaces show Hurst exponents H of
/// about 0.7-0.95 (Rosenburg et al. 2011, JGR 116, E02001, from LOLA).
///
/// Lattice values come from a stateless hash of (seed, octave, i, j), so the surface does not depend on
/// evaluation order or threads.
public struct FractalNoise: Sendable {
    public var seed: UInt64
    /// Largest wavelength in metres.
    public var wavelength: Double
    /// RMS-like amplitude of the largest octave in metres.
    public var amplitude: Double
    public var hurst: Double
    public var octaves: Int

    public init(seed: UInt64, wavelength: Double, amplitude: Double, hurst: Double = 0.8, octaves: Int = 8) {
        self.seed = seed
        self.wavelength = wavelength
        self.amplitude = amplitude
        self.hurst = hurst
        self.octaves = octaves
    }

    /// Height at map position (x, y) in metres.
    public func height(x: Double, y: Double) -> Double {
        var total = 0.0
        var lambda = wavelength
        var amp = amplitude
        let decay = pow(2, -hurst)
        for k in 0..<octaves {
            total += amp * valueNoise(x / lambda, y / lambda, octave: UInt64(k))
            lambda *= 0.5
            amp *= decay
        }
        return total
    }

    /// Smoothly interpolated lattice noise in [-1, 1] (quintic fade, Perlin 2002).
    func valueNoise(_ u: Double, _ v: Double, octave: UInt64) -> Double {
        let i = floor(u), j = floor(v)
        let fu = u - i, fv = v - j
        let su = fu * fu * fu * (fu * (fu * 6 - 15) + 10)
        let sv = fv * fv * fv * (fv * (fv * 6 - 15) + 10)
        let ii = Int64(i), jj = Int64(j)
        let a = lattice(ii, jj, octave), b = lattice(ii + 1, jj, octave)
        let c = lattice(ii, jj + 1, octave), d = lattice(ii + 1, jj + 1, octave)
        return (a + (b - a) * su) * (1 - sv) + (c + (d - c) * su) * sv
    }

    func lattice(_ i: Int64, _ j: Int64, _ octave: UInt64) -> Double {
        let h = SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(bitPattern: i) &* 0x9E37_79B9 ^ SplitMix64.mix(UInt64(bitPattern: j) ^ (octave << 56))))
        return Double(h >> 11) * 0x1.0p-52 - 1
    }
}
