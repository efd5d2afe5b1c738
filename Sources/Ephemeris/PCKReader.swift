/// Reader for binary PCK orientation kernels, segment type 2 (Chebyshev Euler angles), e.g.
/// moon_pa_de421_1900-2050.bpc (NAIF "PCK Required Reading", pck.req, "Binary PCK Kernel").
///
/// PCK summaries: ND = 2 (start, end TDB seconds), NI = 5 (frame class id, reference frame,
/// type, start and end address). The three angles (phi, delta, w) in radians give the rotation
/// from the reference frame (1 = J2000/ICRF) to the body frame as the 3-1-3 Euler sequence
///     R = [w]_3 [delta]_1 [phi]_3
/// in SPICE's frame-rotation notation (pck.req; `Matrix3.frameRotation`).
public struct PCKReader: Sendable {
    public struct SegmentInfo: Sendable {
        public let frameClassID: Int
        public let referenceFrame: Int
        public let type: Int
        public let start: Double
        public let end: Double
    }

    public let path: String
    public let segmentInfos: [SegmentInfo]
    let segments: [(info: SegmentInfo, data: ChebyshevSegment)]

    public init(path: String) throws {
        let daf = try DAFFile(path: path)
        guard daf.idWord.hasPrefix("DAF/PCK") else {
            throw EphemerisError.unsupportedKernel(path: path, reason: "not a binary PCK file (ID word \"\(daf.idWord)\")")
        }
        guard daf.nd == 2, daf.ni == 5 else {
            throw EphemerisError.kernelMalformed(path: path, reason: "PCK summaries must have ND=2, NI=5 (found \(daf.nd), \(daf.ni))")
        }
        self.path = path
        var infos: [SegmentInfo] = []
        var segs: [(SegmentInfo, ChebyshevSegment)] = []
        for s in daf.summaries {
            let info = SegmentInfo(frameClassID: Int(s.integers[0]), referenceFrame: Int(s.integers[1]),
                                   type: Int(s.integers[2]), start: s.doubles[0], end: s.doubles[1])
            infos.append(info)
            if info.type == 2 {
                segs.append((info, try ChebyshevSegment(file: daf, summary: s, components: 3)))
            }
        }
        segmentInfos = infos
        segments = segs
        guard !segs.isEmpty else {
            throw EphemerisError.unsupportedKernel(path: path, reason: "no binary PCK type 2 segments")
        }
    }

    /// Time span covered for a frame class id (union of its segments' extremes).
    public func coverage(of frameClassID: Int) -> ClosedRange<Double>? {
        let s = segments.filter { $0.info.frameClassID == frameClassID }
        guard let lo = s.map({ $0.info.start }).min(), let hi = s.map({ $0.info.end }).max() else { return nil }
        return lo...hi
    }

    /// Euler angles (phi, delta, w), radians, of `frameClassID` at `t`.
    public func eulerAngles(of frameClassID: Int, at t: Double) throws -> SIMD3<Double> {
        for s in segments.reversed() where s.info.frameClassID == frameClassID && s.data.covers(t) {
            return s.data.evaluate(t).value
        }
        throw EphemerisError.outsideCoverage(epoch: t, body: "PCK frame \(frameClassID) in \(path)")
    }

    /// Rotation from the segment's reference frame (J2000/ICRF) to the body frame at `t`.
    public func rotation(of frameClassID: Int, at t: Double) throws -> Matrix3 {
        let a = try eulerAngles(of: frameClassID, at: t)
        return Matrix3.frameRotation(a.z, axis: 3) * Matrix3.frameRotation(a.y, axis: 1) * Matrix3.frameRotation(a.x, axis: 3)
    }
}
