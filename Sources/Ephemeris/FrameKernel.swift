import Foundation

/// Parser for SPICE text kernels (NAIF "Kernel Required Reading", kernel.req) and evaluation of
/// fixed ("TK", class 4) frame definitions (NAIF "Frames Required Reading", frames.req).
///
/// Only the text between `\begindata` and `\begintext` lines is data. Assignments are
/// `NAME = value`, `NAME = ( v1 v2 ... )` or `NAME += ...`; values are numbers (Fortran `D`
/// exponents allowed) or quoted strings (`''` is a quote). `@date` values are kept as strings.
public struct TextKernel: Sendable {
    public enum Value: Sendable, Equatable {
        case number(Double)
        case string(String)
        public var number: Double? { if case let .number(v) = self { return v } else { return nil } }
        public var string: String? { if case let .string(v) = self { return v } else { return nil } }
    }

    public let path: String
    public private(set) var variables: [String: [Value]] = [:]

    /// Reads and parses a text kernel file.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EphemerisError.kernelMissing(path: path, reason: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EphemerisError.kernelMissing(path: path, reason: "cannot read")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses kernel text (`path` is used in error messages only).
    public init(text: String, path: String = "<text>") throws {
        self.path = path
        var inData = false
        var buffer = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let trimmed = rawLine.trimmingCharacters(in: .whitespaces)
            if trimmed == "\\begindata" { inData = true; continue }
            if trimmed == "\\begintext" { inData = false; continue }
            if inData { buffer += rawLine + "\n" }
        }
        try parseAssignments(buffer)
    }

    private mutating func parseAssignments(_ text: String) throws {
        let c = Array(text.unicodeScalars)
        var i = 0
        func skipSpace() { while i < c.count, c[i] == " " || c[i] == "\t" || c[i] == "\n" || c[i] == "," { i += 1 } }
        func fail(_ what: String) -> EphemerisError {
            .kernelMalformed(path: path, reason: "text kernel data: \(what)")
        }
        func token() -> String {
            var s = ""
            while i < c.count, !" \t\n,()=".unicodeScalars.contains(c[i]) { s.unicodeScalars.append(c[i]); i += 1 }
            return s
        }
        func value() throws -> Value {
            if c[i] == "'" {
                i += 1
                var s = ""
                while true {
                    guard i < c.count else { throw fail("unterminated string") }
                    if c[i] == "'" {
                        if i + 1 < c.count, c[i + 1] == "'" { s += "'"; i += 2; continue }
                        i += 1; break
                    }
                    s.unicodeScalars.append(c[i]); i += 1
                }
                return .string(s)
            }
            let t = token()
            if t.hasPrefix("@") { return .string(t) }
            guard let v = Double(t.replacingOccurrences(of: "D", with: "E").replacingOccurrences(of: "d", with: "e")) else {
                throw fail("bad value \"\(t)\"")
            }
            return .number(v)
        }
        while true {
            skipSpace()
            guard i < c.count else { break }
            let name = token()
            guard !name.isEmpty else { throw fail("expected a variable name near character \(i)") }
            skipSpace()
            var append = false
            if i < c.count, c[i] == "+" { append = true; i += 1 }
            guard i < c.count, c[i] == "=" else { throw fail("expected '=' after \(name)") }
            i += 1
            skipSpace()
            guard i < c.count else { throw fail("missing value for \(name)") }
            var values: [Value] = []
            if c[i] == "(" {
                i += 1
                while true {
                    skipSpace()
                    guard i < c.count else { throw fail("unterminated list for \(name)") }
                    if c[i] == ")" { i += 1; break }
                    values.append(try value())
                }
            } else {
                values.append(try value())
            }
            if append { variables[name, default: []] += values } else { variables[name] = values }
        }
    }

    public func numbers(_ name: String) -> [Double]? {
        guard let v = variables[name] else { return nil }
        let n = v.compactMap(\.number)
        return n.count == v.count ? n : nil
    }

    public func string(_ name: String) -> String? { variables[name]?.first?.string }

    /// Frame id of a frame name (`FRAME_<name> = id`).
    public func frameID(named name: String) -> Int? { numbers("FRAME_" + name)?.first.map { Int($0) } }

    /// The fixed rotation of a TK frame (`TKFRAME_<id>_SPEC` = 'ANGLES' or 'MATRIX') that takes
    /// vectors from its RELATIVE frame to the frame itself, together with the RELATIVE frame name.
    ///
    /// For ANGLES (frames.req, "TK frame keywords"): with angles a1, a2, a3 about axes x1, x2, x3
    /// (converted from `TKFRAME_<id>_UNITS`), the frame -> relative matrix is
    /// [a1]_x1 [a2]_x2 [a3]_x3, so relative -> frame is [-a3]_x3 [-a2]_x2 [-a1]_x1. For
    /// MOON_ME_DE421 this is [-0.30"]_1 [-78.56"]_2 [-67.92"]_3 from MOON_PA_DE421, the rotation of
    /// Williams et al. 2008 (JPL IOM 343R-08-005, "DE421 lunar orbit, physical librations, and
    /// surface coordinates"); matches skyfield's reading of the same kernel to 1e-10.
    /// For MATRIX, the nine numbers are the frame -> relative matrix in column order.
    public func tkRotation(frameID id: Int) throws -> (relative: String, relativeToFrame: Matrix3) {
        let key = "TKFRAME_\(id)_"
        guard let spec = string(key + "SPEC")?.uppercased() else {
            throw EphemerisError.kernelMalformed(path: path, reason: "\(key)SPEC not found")
        }
        guard let relative = string(key + "RELATIVE") else {
            throw EphemerisError.kernelMalformed(path: path, reason: "\(key)RELATIVE not found")
        }
        switch spec {
        case "ANGLES":
            guard let angles = numbers(key + "ANGLES"), let axes = numbers(key + "AXES"),
                  angles.count == 3, axes.count == 3, axes.allSatisfy({ [1, 2, 3].contains($0) }) else {
                throw EphemerisError.kernelMalformed(path: path, reason: "\(key)ANGLES/AXES must hold 3 angles and 3 axes in 1...3")
            }
            let unit = string(key + "UNITS")?.uppercased() ?? "RADIANS"
            let scale: Double
            switch unit {
            case "RADIANS": scale = 1
            case "DEGREES": scale = .pi / 180
            case "ARCMINUTES": scale = .pi / (180 * 60)
            case "ARCSECONDS": scale = .pi / (180 * 3600)
            case "HOURANGLE": scale = .pi / 12
            case "MINUTEANGLE": scale = .pi / (12 * 60)
            case "SECONDANGLE": scale = .pi / (12 * 3600)
            default: throw EphemerisError.kernelMalformed(path: path, reason: "\(key)UNITS '\(unit)' unknown")
            }
            // frame -> relative = [a1]_x1 [a2]_x2 [a3]_x3, so relative -> frame = [-a3]_x3 [-a2]_x2 [-a1]_x1.
            var m = Matrix3.identity
            for k in 0..<3 {
                m = Matrix3.frameRotation(-angles[k] * scale, axis: Int(axes[k])) * m
            }
            return (relative, m)
        case "MATRIX":
            guard let e = numbers(key + "MATRIX"), e.count == 9 else {
                throw EphemerisError.kernelMalformed(path: path, reason: "\(key)MATRIX must hold 9 numbers")
            }
            // Column order: the given matrix maps frame -> relative; its transpose maps relative -> frame.
            let frameToRelative = Matrix3(rows: [e[0], e[3], e[6]], [e[1], e[4], e[7]], [e[2], e[5], e[8]])
            return (relative, frameToRelative.transposed)
        default:
            throw EphemerisError.unsupportedKernel(path: path, reason: "\(key)SPEC '\(spec)' not supported (ANGLES or MATRIX)")
        }
    }
}
