import Foundation
import FarSideCore
import Yams

/// A coding key for strictly decoded YAML (string keys and list indices).
public struct YAMLKey: CodingKey {
    public var stringValue: String
    public var intValue: Int?
    public init(_ s: String) { stringValue = s; intValue = nil }
    public init?(stringValue: String) { self.init(stringValue) }
    public init(index: Int) { stringValue = "\(index)"; intValue = index }
    public init?(intValue: Int) { self.init(index: intValue) }
}

/// A validation failure at a coding path, turned into a one-line error with the file and line.
public struct YAMLFieldError: Error {
    public var path: [CodingKey]
    public var message: String
    public init(path: [CodingKey], message: String) { self.path = path; self.message = message }
}

/// Strict YAML documents (Yams + Codable) for FarSide's configuration files (orbits, mission profiles):
/// unknown keys, wrong types and missing fields are errors that name the file, the line (from Yams' node
/// marks) and the field, e.g. `orbit.yaml:5: satellites[0].eccentricity: 1.2 is not in [0, 1)`; all are
/// `FarSideError.badInput` (exit 3).
public struct StrictYAMLDocument {
    public let source: String
    public let root: Node

    /// Parses `yaml`; `source` names it in errors; `what` describes an empty document ("orbit file").
    public init(yaml: String, source: String, what: String) throws {
        self.source = source
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw FarSideError.badInput("\(source): empty \(what)") }
            root = node
        } catch let error as FarSideError {
            throw error
        } catch {
            let message = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            throw FarSideError.badInput("\(source): not valid YAML: \(message)")
        }
    }

    /// Reads and parses a UTF-8 file.
    public init(path: String, what: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw FarSideError.badInput("\(path): cannot read the \(what)") }
        guard let text = String(data: data, encoding: .utf8) else { throw FarSideError.badInput("\(path): the \(what) is not UTF-8 text") }
        try self.init(yaml: text, source: path, what: what)
    }

    /// Decodes the document, mapping every decoding failure to a located one-line error.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: root)
        } catch let error as YAMLFieldError {
            throw fail(error.path, error.message)
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context): throw fail(context.codingPath + [key], "missing (required)")
            case .typeMismatch(let type, let context): throw fail(context.codingPath, "wrong type (expected \(Self.typeName(type)))")
            case .valueNotFound(let type, let context): throw fail(context.codingPath, "missing value (expected \(Self.typeName(type)))")
            case .dataCorrupted(let context): throw fail(context.codingPath, "invalid value (\(context.debugDescription))")
            @unknown default: throw fail([], "\(error)")
            }
        } catch let error as FarSideError {
            throw error
        } catch {
            throw fail([], "\(error)")
        }
    }

    /// A located error for `path`.
    public func fail(_ path: [CodingKey], _ message: String) -> FarSideError {
        let line = Self.line(of: path, in: root).map { ":\($0)" } ?? ""
        let field = path.isEmpty ? "" : " \(Self.describe(path)):"
        return FarSideError.badInput("\(source)\(line):\(field) \(message)")
    }

    /// The keyed container of `decoder`, refusing keys not in `allowed`.
    public static func container(_ decoder: Decoder, allowed: [String]) throws -> KeyedDecodingContainer<YAMLKey> {
        let container = try decoder.container(keyedBy: YAMLKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw YAMLFieldError(path: decoder.codingPath + [key],
                                 message: "unknown key '\(key.stringValue)' (allowed: \(allowed.joined(separator: ", ")))")
        }
        return container
    }

    /// "satellites[0].eccentricity" for a coding path.
    public static func describe(_ path: [CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return out
    }

    /// The 1-based line of the deepest node along `path` (the value if present, else its key or parent).
    public static func line(of path: [CodingKey], in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        for key in path {
            if let i = key.intValue, case .sequence(let seq) = node, i >= 0, i < seq.count {
                node = seq[seq.index(seq.startIndex, offsetBy: i)]
                line = node.mark?.line ?? line
            } else if case .mapping(let map) = node, let pair = map.first(where: { $0.key.string == key.stringValue }) {
                line = pair.key.mark?.line ?? line
                node = pair.value
            } else {
                break
            }
        }
        return line
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        default:
            let s = "\(type)"
            return s.hasPrefix("Array") ? "a list" : (s.hasPrefix("Dictionary") || s.contains("DTO") ? "a mapping" : s)
        }
    }
}
