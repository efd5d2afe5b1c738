import Foundation

/// Reader for the NAIF Double precision Array File (DAF) container that holds binary SPK and
/// PCK kernels (NAIF "DAF Required Reading", daf.req).
///
/// Layout: 1024-byte records. Record 1 (the file record) holds the ID word (`DAF/SPK `,
/// `DAF/PCK `), ND and NI (doubles and integers per array summary), FWARD (first summary record),
/// the binary format id `LOCFMT` and the FTP validation string. Summary records form a doubly
/// linked list: NEXT, PREV, NSUM (as doubles), then NSUM summaries of ND doubles + NI 32-bit
/// integers (the last two are the 1-based start/end double addresses of the array). Each summary
/// record is followed by a record of names.
///
/// Only little-endian IEEE files (`LTL-IEEE`) are read; big-endian (`BIG-IEEE`), VAX or unknown
/// formats are refused with `EphemerisError.unsupportedKernel` rather than misread.
public struct DAFFile: Sendable {
    /// One array (segment) of the file.
    public struct Summary: Sendable {
        public var doubles: [Double]
        public var integers: [Int32]
        public var name: String
        /// 1-based double-word addresses of the array's first and last elements.
        public var startAddress: Int { Int(integers[integers.count - 2]) }
        public var endAddress: Int { Int(integers[integers.count - 1]) }
    }

    public let path: String
    /// "DAF/SPK ", "DAF/PCK ", ...
    public let idWord: String
    public let nd: Int
    public let ni: Int
    public let internalName: String
    public let summaries: [Summary]
    let data: Data

    static let recordLength = 1024
    /// The FTP validation string written by SPICE into every binary file (daf.req, "FTP").
    static let ftpString: [UInt8] = Array("FTPSTR:\r:\n:\r\n:\r".utf8) + [0, 58, 0x81, 58, 0x10, 0xCE] + Array(":ENDFTP".utf8)

    /// Opens and indexes a DAF file (the file is memory-mapped; arrays are read on demand).
    /// - Throws: `kernelMissing` (cannot read), `unsupportedKernel` (not a little-endian DAF),
    ///   `kernelMalformed` (truncated or inconsistent records).
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw EphemerisError.kernelMissing(path: path, reason: "no such file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw EphemerisError.kernelMissing(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        self.data = data
        guard data.count >= DAFFile.recordLength else {
            throw EphemerisError.kernelMalformed(path: path, reason: "file is \(data.count) bytes, shorter than one 1024-byte DAF record")
        }
        let id = DAFFile.ascii(data, 0, 8)
        guard id.hasPrefix("DAF/") || id == "NAIF/DAF" else {
            throw EphemerisError.unsupportedKernel(path: path, reason: "not a binary DAF file (ID word \"\(id)\")")
        }
        self.idWord = id
        let format = DAFFile.ascii(data, 88, 8)
        switch format {
        case "LTL-IEEE": break
        case "BIG-IEEE":
            throw EphemerisError.unsupportedKernel(path: path, reason: "big-endian DAF (BIG-IEEE); convert it with NAIF's toxfr/tobin or use a little-endian copy")
        default:
            throw EphemerisError.unsupportedKernel(path: path, reason: "unknown binary file format id \"\(format)\" (only LTL-IEEE is read)")
        }
        let bytes = [UInt8](data.prefix(DAFFile.recordLength))
        if let at = DAFFile.find(Array("FTPSTR:".utf8), in: bytes) {
            let ftp = DAFFile.ftpString
            guard at + ftp.count <= bytes.count, Array(bytes[at..<(at + ftp.count)]) == ftp else {
                throw EphemerisError.kernelMalformed(path: path, reason: "FTP validation string damaged (file transferred in text mode?)")
            }
        }
        let nd = Int(DAFFile.int32(data, 8))
        let ni = Int(DAFFile.int32(data, 12))
        self.nd = nd
        self.ni = ni
        guard (0...124).contains(nd), (2...250).contains(ni) else {
            throw EphemerisError.kernelMalformed(path: path, reason: "implausible ND=\(nd) NI=\(ni)")
        }
        internalName = DAFFile.ascii(data, 16, 60).trimmingCharacters(in: .whitespaces)
        let fward = Int(DAFFile.int32(data, 76))
        let summaryDoubles = nd + (ni + 1) / 2
        var summaries: [Summary] = []
        var record = fward
        var visited = Set<Int>()
        while record > 0 {
            guard visited.insert(record).inserted else {
                throw EphemerisError.kernelMalformed(path: path, reason: "summary record list loops at record \(record)")
            }
            let base = (record - 1) * DAFFile.recordLength
            guard base + 2 * DAFFile.recordLength <= data.count else {
                throw EphemerisError.kernelMalformed(path: path, reason: "summary record \(record) lies beyond the end of the file (truncated?)")
            }
            let next = Int(DAFFile.double(data, base))
            let count = Int(DAFFile.double(data, base + 16))
            guard count >= 0, 24 + count * summaryDoubles * 8 <= DAFFile.recordLength else {
                throw EphemerisError.kernelMalformed(path: path, reason: "bad summary count \(count) in record \(record)")
            }
            for k in 0..<count {
                let off = base + 24 + k * summaryDoubles * 8
                let dbl = (0..<nd).map { DAFFile.double(data, off + 8 * $0) }
                let ints = (0..<ni).map { DAFFile.int32(data, off + 8 * nd + 4 * $0) }
                let name = DAFFile.ascii(data, base + DAFFile.recordLength + k * summaryDoubles * 8, summaryDoubles * 8)
                    .trimmingCharacters(in: .whitespaces)
                let s = Summary(doubles: dbl, integers: ints, name: name)
                guard s.startAddress >= 1, s.endAddress >= s.startAddress, s.endAddress * 8 <= data.count else {
                    throw EphemerisError.kernelMalformed(path: path, reason: "array \"\(name)\" addresses \(s.startAddress)...\(s.endAddress) outside the file")
                }
                summaries.append(s)
            }
            record = next
        }
        self.summaries = summaries
    }

    /// Copies the doubles at 1-based addresses `start...end`.
    public func doubles(from start: Int, through end: Int) -> [Double] {
        let n = end - start + 1
        guard n > 0 else { return [] }
        var out = [Double](repeating: 0, count: n)
        data.withUnsafeBytes { raw in
            let base = (start - 1) * 8
            for i in 0..<n {
                out[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 8 * i, as: UInt64.self)))
            }
        }
        return out
    }

    static func double(_ d: Data, _ offset: Int) -> Double {
        d.withUnsafeBytes { Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) }
    }

    static func int32(_ d: Data, _ offset: Int) -> Int32 {
        d.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
    }

    static func ascii(_ d: Data, _ offset: Int, _ count: Int) -> String {
        let slice = d[d.startIndex + offset ..< d.startIndex + offset + count]
        return String(decoding: slice.map { $0 >= 32 && $0 < 127 ? $0 : 32 }, as: UTF8.self)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if Array(hay[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
