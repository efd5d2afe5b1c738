import CGDAL
import Foundation

/// GDAL creation options given by the user (`--co KEY=VALUE`, as GDAL's own tools take them), checked
/// against the driver that will write them before any work starts.
public enum CreationOptions {
    /// Parses `KEY=VALUE` items and validates each against `driver`'s DMD_CREATIONOPTIONLIST ("GTiff",
    /// or "COG" for --cog): an unknown key or a value GDALValidateCreationOptions rejects is a usage
    /// error naming it. Keys come back upper-cased; a later item replaces an earlier one with the same key.
    public static func validate(_ items: [String], driver driverName: String) throws -> [(key: String, value: String)] {
        GDALEnvironment.initialize()
        guard !items.isEmpty else { return [] }
        guard let driver = GDALGetDriverByName(driverName) else { throw FarSideError.failure("GDAL has no \(driverName) driver") }
        let known = optionNames(driver)
        var result: [(key: String, value: String)] = []
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw FarSideError.usage("{creationOption} \(item): expected KEY=VALUE (a \(driverName) creation option)")
            }
            let key = item[..<eq].trimmingCharacters(in: .whitespaces).uppercased()
            let value = String(item[item.index(after: eq)...])
            guard known.contains(key) else {
                throw FarSideError.usage("{creationOption} \(item): not a \(driverName) creation option")
            }
            let list = CStringList(pairs: [(key, value)])
            // GDAL reports why as a warning (kept off stderr by GDALEnvironment's quiet handler).
            GDALEnvironment.resetError()
            let ok = GDALValidateCreationOptions(driver, list.pointer) != 0
            if !ok {
                let why = GDALEnvironment.lastError(or: "rejected by GDAL")
                throw FarSideError.usage("{creationOption} \(item): invalid value for \(driverName) (\(why))")
            }
            result.removeAll { $0.key == key }
            result.append((key, value))
        }
        GDALEnvironment.resetError()
        return result
    }

    /// The option names a driver declares (upper case).
    static func optionNames(_ driver: GDALDriverH) -> Set<String> {
        guard let xml = GDALGetMetadataItem(driver, "DMD_CREATIONOPTIONLIST", nil) else { return [] }
        let text = String(cString: xml)
        guard let regex = try? NSRegularExpression(pattern: #"<Option[^>]*?\bname=['"]([^'"]+)['"]"#) else { return [] }
        var names = Set<String>()
        for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let r = Range(m.range(at: 1), in: text) { names.insert(text[r].uppercased()) }
        }
        return names
    }
}
