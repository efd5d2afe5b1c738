/// Reader for binary SPK ephemeris kernels, segment type 2 (Chebyshev position; velocity by
/// differentiation) as in JPL's DE files (NAIF "SPK Required Reading", spk.req).
///
/// SPK summaries: ND = 2 (start and end TDB seconds), NI = 6 (target, centre, frame, type,
/// start address, end address). Positions are in km relative to the centre, in the segment's
/// frame (1 = J2000, which SPICE treats as the ICRF for the DE ephemerides).
/// `state(of:relativeTo:at:)` chains segments through their centres down to a common body, e.g.
/// Moon(301) -> EMB(3) -> SSB(0).
public struct SPKReader: Sendable {
    public struct SegmentInfo: Sendable {
        public let target: Int
        public let center: Int
        public let frame: Int
        public let type: Int
        public let start: Double
        public let end: Double
    }

    public let path: String
    public let segmentInfos: [SegmentInfo]
    let segments: [(info: SegmentInfo, data: ChebyshevSegment)]

    /// Loads all type 2 segments (other types are listed in `segmentInfos` but not loaded).
    public init(path: String) throws {
        let daf = try DAFFile(path: path)
        guard daf.idWord.hasPrefix("DAF/SPK") || daf.idWord == "NAIF/DAF" else {
            throw EphemerisError.unsupportedKernel(path: path, reason: "not an SPK file (ID word \"\(daf.idWord)\")")
        }
        guard daf.nd == 2, daf.ni == 6 else {
            throw EphemerisError.kernelMalformed(path: path, reason: "SPK summaries must have ND=2, NI=6 (found \(daf.nd), \(daf.ni))")
        }
        self.path = path
        var infos: [SegmentInfo] = []
        var segs: [(SegmentInfo, ChebyshevSegment)] = []
        for s in daf.summaries {
            let info = SegmentInfo(target: Int(s.integers[0]), center: Int(s.integers[1]), frame: Int(s.integers[2]),
                                   type: Int(s.integers[3]), start: s.doubles[0], end: s.doubles[1])
            infos.append(info)
            if info.type == 2 {
                segs.append((info, try ChebyshevSegment(file: daf, summary: s, components: 3)))
            }
        }
        segmentInfos = infos
        segments = segs
        guard !segs.isEmpty else {
            throw EphemerisError.unsupportedKernel(path: path, reason: "no SPK type 2 segments")
        }
    }

    /// The loaded segment for `target` covering `t` (first match, as SPICE's search of a single file).
    func segment(for target: Int, at t: Double) -> (info: SegmentInfo, data: ChebyshevSegment)? {
        for s in segments.reversed() where s.info.target == target && s.data.covers(t) { return s }
        return nil
    }

    /// Whether some segment has this target.
    public func hasBody(_ target: Int) -> Bool { segments.contains { $0.info.target == target } }

    /// Time span (TDB seconds past J2000) over which `target` can be chained to the SSB.
    public func coverage(of target: Int) -> ClosedRange<Double>? {
        var body = target
        var lo = -Double.infinity, hi = Double.infinity
        var guardCount = 0
        while body != 0 {
            guard let s = segments.first(where: { $0.info.target == body }) else { return nil }
            lo = max(lo, s.info.start); hi = min(hi, s.info.end)
            body = s.info.center
            guardCount += 1
            if guardCount > 20 { return nil }
        }
        return lo <= hi ? lo...hi : nil
    }

    /// Position (km) and velocity (km/s) of `target` relative to the solar-system barycentre (0).
    /// - Throws: `outsideCoverage` when no segment chain covers `t`.
    public func barycentricState(of target: Int, at t: Double) throws -> (position: SIMD3<Double>, velocity: SIMD3<Double>) {
        var p = SIMD3<Double>(repeating: 0), v = SIMD3<Double>(repeating: 0)
        var body = target
        var hops = 0
        while body != 0 {
            guard let s = segment(for: body, at: t), hops < 20 else {
                throw EphemerisError.outsideCoverage(epoch: t, body: "NAIF id \(body) in \(path)")
            }
            let (x, xd) = s.data.evaluate(t)
            p += x; v += xd
            body = s.info.center
            hops += 1
        }
        return (p, v)
    }

    /// Position and velocity of `target` relative to `center` (km, km/s), ICRF/J2000 axes.
    public func state(of target: Int, relativeTo center: Int, at t: Double) throws -> (position: SIMD3<Double>, velocity: SIMD3<Double>) {
        let a = try barycentricState(of: target, at: t)
        let b = try barycentricState(of: center, at: t)
        return (a.position - b.position, a.velocity - b.velocity)
    }
}
