import Foundation

/// Sun and Earth positions from SPICE kernels, read natively (no CSPICE):
/// - SPK `de421.bsp` (Folkner et al. 2008, "The Planetary and Lunar Ephemeris DE 421", JPL IOM
///   343R-08-003): Moon(301)/EMB(3), Earth(399)/EMB(3), EMB(3)/SSB(0), Sun(10)/SSB(0), type 2;
/// - binary PCK `moon_pa_de421_1900-2050.bpc`: ICRF -> MOON_PA_DE421 (frame 31006) Euler angles;
/// - text frame kernel `moon_080317.tf`: the fixed MOON_PA_DE421 -> MOON_ME_DE421 rotation
///   (TKFRAME_31007 angles, axes and units, parsed from the file).
///
/// Corrections follow NAIF's `spkezr` conventions ("SPK Required Reading"): light time is
/// iterated on barycentric positions (converged to far below a microsecond); stellar
/// aberration uses the observer's (Moon's) barycentric velocity with the relativistic formula
/// of Kaplan et al. (NOVAS; USNO Circular 179 eq. 7.40), as skyfield does. Gravitational light
/// deflection is ignored (below 1e-6 deg for these geometries).
public final class SpiceEphemeris: EphemerisSource {
    public static let defaultSPK = "de421.bsp"
    public static let defaultPCK = "moon_pa_de421_1900-2050.bpc"
    public static let defaultFrameKernel = "moon_080317.tf"
    /// The body-fixed frame the positions are expressed in.
    public static let meFrameName = "MOON_ME_DE421"

    public let spk: SPKReader
    public let pck: PCKReader
    public let name: String
    public let coverage: ClosedRange<Epoch>
    /// PCK frame class id of the PA frame (31006 for DE421).
    public let paFrameClassID: Int
    /// The fixed MOON_PA -> MOON_ME rotation read from the frame kernel.
    public let paToME: Matrix3

    static let moonID = 301, earthID = 399, sunID = 10

    /// Loads the three kernels from a folder (`de421.bsp`, `moon_pa_de421_1900-2050.bpc`,
    /// `moon_080317.tf`; if those names are absent, the folder's only `.bsp`, only `.bpc`, and the
    /// `.tf` that defines MOON_ME_DE421).
    /// - Throws: `EphemerisError` naming the folder or file that is missing or malformed.
    public convenience init(kernelDirectory: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: kernelDirectory, isDirectory: &isDir), isDir.boolValue else {
            throw EphemerisError.kernelMissing(path: kernelDirectory, reason: "kernel folder not found")
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: kernelDirectory)) ?? []
        func pick(_ preferred: String, ext: String, what: String, accept: (String) -> Bool = { _ in true }) throws -> String {
            if files.contains(preferred) { return (kernelDirectory as NSString).appendingPathComponent(preferred) }
            let candidates = files.filter { $0.lowercased().hasSuffix(ext) }.sorted()
                .map { (kernelDirectory as NSString).appendingPathComponent($0) }.filter(accept)
            guard candidates.count == 1 else {
                let reason = candidates.isEmpty
                    ? "no \(what) (\(preferred) or another *\(ext)) in the folder"
                    : "several \(what) candidates (\(candidates.joined(separator: ", "))); name it \(preferred)"
                throw EphemerisError.kernelMissing(path: (kernelDirectory as NSString).appendingPathComponent(preferred), reason: reason)
            }
            return candidates[0]
        }
        let spk = try pick(SpiceEphemeris.defaultSPK, ext: ".bsp", what: "SPK ephemeris")
        let pck = try pick(SpiceEphemeris.defaultPCK, ext: ".bpc", what: "binary lunar orientation PCK")
        let fk = try pick(SpiceEphemeris.defaultFrameKernel, ext: ".tf", what: "lunar frame kernel") { path in
            (try? TextKernel(path: path))?.frameID(named: SpiceEphemeris.meFrameName) != nil
        }
        try self.init(spkPath: spk, pckPath: pck, frameKernelPath: fk)
    }

    /// Loads explicitly named kernel files.
    public init(spkPath: String, pckPath: String, frameKernelPath: String) throws {
        spk = try SPKReader(path: spkPath)
        pck = try PCKReader(path: pckPath)
        let fk = try TextKernel(path: frameKernelPath)
        for body in [SpiceEphemeris.moonID, SpiceEphemeris.earthID, SpiceEphemeris.sunID] where spk.coverage(of: body) == nil {
            throw EphemerisError.kernelMalformed(path: spkPath, reason: "no type 2 segment chain from NAIF body \(body) to the solar-system barycentre")
        }
        if let bad = spk.segmentInfos.first(where: { $0.type == 2 && $0.frame != 1 }) {
            throw EphemerisError.unsupportedKernel(path: spkPath, reason: "segment for body \(bad.target) is in frame \(bad.frame), only J2000 (1) is supported")
        }
        // MOON_ME_DE421 is a TK frame relative to MOON_PA_DE421, a PCK frame.
        guard let meID = fk.frameID(named: SpiceEphemeris.meFrameName) else {
            throw EphemerisError.kernelMalformed(path: frameKernelPath, reason: "FRAME_\(SpiceEphemeris.meFrameName) not defined")
        }
        let tk = try fk.tkRotation(frameID: meID)
        guard let paID = fk.frameID(named: tk.relative) else {
            throw EphemerisError.kernelMalformed(path: frameKernelPath, reason: "frame \(tk.relative) (relative frame of \(SpiceEphemeris.meFrameName)) not defined")
        }
        guard let cls = fk.numbers("FRAME_\(paID)_CLASS")?.first, Int(cls) == 2 else {
            throw EphemerisError.unsupportedKernel(path: frameKernelPath, reason: "frame \(tk.relative) must be a PCK (class 2) frame")
        }
        let classID = fk.numbers("FRAME_\(paID)_CLASS_ID")?.first.map { Int($0) } ?? paID
        guard let pckSpan = pck.coverage(of: classID) else {
            throw EphemerisError.kernelMalformed(path: pckPath, reason: "no orientation segment for frame class id \(classID) (\(tk.relative))")
        }
        if let bad = pck.segmentInfos.first(where: { $0.frameClassID == classID && $0.referenceFrame != 1 }) {
            throw EphemerisError.unsupportedKernel(path: pckPath, reason: "orientation segment relative to frame \(bad.referenceFrame), only J2000 (1) is supported")
        }
        paFrameClassID = classID
        paToME = tk.relativeToFrame
        // Coverage: all chains and the PCK, shrunk by a margin for the light-time lookback.
        var lo = pckSpan.lowerBound, hi = pckSpan.upperBound
        for body in [SpiceEphemeris.moonID, SpiceEphemeris.earthID, SpiceEphemeris.sunID] {
            let c = spk.coverage(of: body)!
            lo = max(lo, c.lowerBound); hi = min(hi, c.upperBound)
        }
        coverage = Epoch(tdbSecondsPastJ2000: lo + 1000)...Epoch(tdbSecondsPastJ2000: hi)
        name = "spice:" + (spkPath as NSString).lastPathComponent
    }

    /// Rotation from ICRF/J2000 to MOON_ME_DE421 at the epoch.
    public func icrfToME(at epoch: Epoch) throws -> Matrix3 {
        paToME * (try pck.rotation(of: paFrameClassID, at: epoch.tdbSecondsPastJ2000))
    }

    /// Moon-centred position of `body` in ICRF/J2000 axes, km.
    public func icrfPosition(of body: Body, at epoch: Epoch, correction: AberrationCorrection) throws -> SIMD3<Double> {
        let t = epoch.tdbSecondsPastJ2000
        let target = body == .sun ? SpiceEphemeris.sunID : SpiceEphemeris.earthID
        let observer = try spk.barycentricState(of: SpiceEphemeris.moonID, at: t)
        var p = try spk.barycentricState(of: target, at: t).position - observer.position
        guard correction == .apparent else { return p }
        let c = EphemerisConstants.speedOfLightKmPerSecond
        var lt = Vector3.length(p) / c
        for _ in 0..<4 {
            p = try spk.barycentricState(of: target, at: t - lt).position - observer.position
            lt = Vector3.length(p) / c
        }
        return SpiceEphemeris.aberrated(p, observerVelocity: observer.velocity, lightTime: lt)
    }

    /// Stellar aberration, relativistic form (USNO Circular 179 eq. 7.40; NOVAS `aberration`).
    static func aberrated(_ p: SIMD3<Double>, observerVelocity v: SIMD3<Double>, lightTime lt: Double) -> SIMD3<Double> {
        let c = EphemerisConstants.speedOfLightKmPerSecond
        let pmag = lt * c
        let vmag = Vector3.length(v)
        guard vmag > 0, pmag > 0 else { return p }
        let beta = vmag / c
        let cosd = Vector3.dot(p, v) / (pmag * vmag)
        let gammai = (1 - beta * beta).squareRoot()
        let pp = beta * cosd
        let q = (1 + pp / (1 + gammai)) * lt
        return (gammai * p + q * v) / (1 + pp)
    }

    /// Moon-centred position of `body` in MOON_ME_DE421, km.
    /// - Throws: `outsideCoverage` when the kernels do not cover the epoch.
    public func checkedPosition(of body: Body, at epoch: Epoch, correction: AberrationCorrection = .apparent) throws -> SIMD3<Double> {
        try icrfToME(at: epoch) * icrfPosition(of: body, at: epoch, correction: correction)
    }

    /// `checkedPosition`, with NaN components outside the kernels' coverage.
    public func position(of body: Body, at epoch: Epoch, correction: AberrationCorrection) -> SIMD3<Double> {
        (try? checkedPosition(of: body, at: epoch, correction: correction)) ?? SIMD3(repeating: .nan)
    }
}
